"""``suprsend-typed sandbox [options]``: run the local sandbox hub (``python -m suprsend_typed.sandbox``)."""

from __future__ import annotations

import argparse
from typing import Any


def add_parser(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "sandbox",
        help="run the local sandbox hub until Ctrl-C (options: `suprsend-typed sandbox --help`)",
        description="Run the local SuprSend-compatible sandbox hub; it prints export lines when ready.",
        add_help=False,  # --help goes to the sandbox's own parser, which lists its options
    )
    # Every option goes to the sandbox's own parser (main.py hands them over as ``extra``).
    parser.set_defaults(run=run, takes_extra_arguments=True)


def run(args: argparse.Namespace) -> int:
    # Imported here: other commands do not need the sandbox's server and database modules.
    from ..sandbox.__main__ import main as sandbox_main

    extra: list[str] = args.extra
    return sandbox_main(extra)
