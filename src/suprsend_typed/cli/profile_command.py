"""``suprsend-typed profile list|show``: the profiles of the config file, and where settings come from."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from .._config import chooses_api_key
from .._errors import SuprsendConfigError
from . import exit_codes, profiles
from .output import write_json


def add_parser(subcommands: Any) -> None:
    parser = subcommands.add_parser(
        "profile",
        help="list profiles, or show the settings a command would use",
        description=profiles.__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    actions = parser.add_subparsers(dest="action", required=True, metavar="{list,show}")
    listing = actions.add_parser("list", help="the profiles of the config file (no secrets)")
    listing.set_defaults(run=run_list)
    show = actions.add_parser("show", help="the resolved settings, secrets masked, and where they came from")
    profiles.add_arguments(show)
    show.set_defaults(run=run_show)


def run_list(args: argparse.Namespace) -> int:
    path = profiles.config_path(os.environ)
    try:
        found = profiles.read_profiles(path)
    except SuprsendConfigError as exc:
        print(f"suprsend-typed profile: error: {exc.message}", file=sys.stderr)
        return exit_codes.USAGE
    if not found:
        print(f"no profiles in {path}", file=sys.stderr)
        return exit_codes.OK
    for name, values in found.items():
        uses_api_key = chooses_api_key(
            values.get("workspace_key"), values.get("workspace_secret"), values.get("api_key"), {}
        )
        mode = "api key" if uses_api_key else "workspace key/secret"
        workspace = values.get("workspace_uid" if uses_api_key else "workspace_key", "")
        print(f"{name}\t{mode}\t{workspace}\t{values.get('base_url', '')}".rstrip())
    return exit_codes.OK


def run_show(args: argparse.Namespace) -> int:
    try:
        settings = profiles.resolve(args, os.environ)
    except SuprsendConfigError as exc:
        print(f"suprsend-typed profile: error: {exc.message}", file=sys.stderr)
        return exit_codes.USAGE
    write_json(settings.shown())
    return exit_codes.OK
