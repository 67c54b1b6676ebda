"""The ``suprsend-typed`` command: argparse subcommands, each module adding its own parser.

A command module exposes ``add_parser(subcommands)``, which registers its parser and sets ``run`` (a function
of the parsed arguments returning the exit code) as a default; a command that hands its options to another
parser also sets ``takes_extra_arguments`` and finds them in ``args.extra``. Commands generated from the
operation table are added by ``operation_commands.add_parsers``, only for the namespace that is named (a run
builds one namespace's operation parsers, not all of them), with the shared pieces:
``profiles.add_arguments`` and ``profiles.resolve(args, os.environ).client()`` for the connection,
``output.write_json`` for results, and ``exit_codes``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .._version import __version__
from . import exit_codes, operation_commands, profile_command, sandbox, send

PROG = "suprsend-typed"
COMMANDS: tuple[Callable[[Any], None], ...] = (
    send.add_parser,
    profile_command.add_parser,
    sandbox.add_parser,
)


def named_command(argv: Sequence[str]) -> str | None:
    """The command named on the command line: its first argument that is not an option (the top-level
    parser has only flags, ``--help`` and ``--version``), or ``None``."""
    return next((argument for argument in argv if not argument.startswith("-")), None)


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The whole parser; with ``command``, the operation parsers of that namespace only (the others are
    listed but take no operation)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Send files of events, workflow triggers and profile edits to SuprSend, resumably and "
        "sharded; call any operation of the API (`suprsend-typed users get ID`); run the local sandbox hub. "
        "Exit codes: 0 all accepted (or done), 1 some failed (or the API answered an error), 2 usage or "
        "configuration error, 3 the hub refused the credentials (401 or 403), 4 the input is not the one "
        "the --journal acknowledged, 130 interrupted.",
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    subcommands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for add_parser in COMMANDS:
        add_parser(subcommands)
    operation_commands.add_parsers(subcommands, only=command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    if argv is None:
        argv = sys.argv[1:]
    parser = build_parser(named_command(argv) or "")
    args, extra = parser.parse_known_args(argv)
    if extra and not getattr(args, "takes_extra_arguments", False):
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.extra = extra
    try:
        code: int = args.run(args)
    except KeyboardInterrupt:
        print(f"{PROG}: interrupted", file=sys.stderr)
        return exit_codes.INTERRUPTED
    return code


def console_main() -> None:
    """The console script's entry point."""
    sys.exit(main())
