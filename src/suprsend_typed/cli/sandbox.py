"""``suprsend-typed sandbox [options]``: run the local sandbox hub (``python -m suprsend_typed.sandbox``)."""

from __future__ import annotations

import argparse
from typing import Any

from ..sandbox.__main__ import main as sandbox_main


def add_parser(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "sandbox",
        help="run the local sandbox hub until Ctrl-C (options: `suprsend-typed sandbox --help`)",
        description="Run the local SuprSend-compatible sandbox hub; it prints SANDBOX_URL=... when ready.",
        add_help=False,  # --help goes to the sandbox's own parser, which lists its options
    )
    parser.add_argument(
        "options", nargs=argparse.REMAINDER, help="options of python -m suprsend_typed.sandbox"
    )
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    return sandbox_main(args.options)
