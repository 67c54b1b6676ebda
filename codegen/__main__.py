"""``python -m codegen --spec SPEC (--out DIR | --check DIR)``.

--out writes the package (atomically); --check regenerates in memory and exits 1 with a diff when DIR
is stale.
A spec error exits 2 with the JSON pointer of the problem; a failure of the generator itself (a bug, or a
spec shape no check foresaw) exits 3 with a message instead of a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .errors import SpecError
from .loader import load_spec
from .output import stale_diff, write_package
from .parse import build_api
from .render import render_package
from .render_surface import api_reference

EXIT_STALE = 1
EXIT_SPEC_ERROR = 2
EXIT_INTERNAL_ERROR = 3


def generate(spec: Path) -> dict[str, str]:
    """File name -> text of the package generated from ``spec``; raises SpecError."""
    return render_package(build_api(load_spec(spec)))


def reference(spec: Path) -> str:
    """The text of the API reference page (docs/api.md) of ``spec``; raises SpecError."""
    api = build_api(load_spec(spec))
    return api_reference(api, {model.name: model for model in api.models}) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m codegen", description=__doc__.split("\n")[0])
    parser.add_argument("--spec", type=Path, required=True, help="the OpenAPI 3.1 spec (YAML)")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--out", type=Path, help="write the generated package here (replacing it)")
    target.add_argument("--check", type=Path, help="fail with a diff if this package is not up to date")
    parser.add_argument("--docs", type=Path, help="also write (or check) the API reference page here")
    args = parser.parse_args(argv)
    try:
        files = generate(args.spec)
        docs = reference(args.spec) if args.docs is not None else None
    except SpecError as exc:
        print(f"codegen: error in {args.spec}: {exc}", file=sys.stderr)
        return EXIT_SPEC_ERROR
    except Exception as exc:  # noqa: BLE001 - any other failure must not look like a stale package (1)
        print(
            f"codegen: internal error while generating from {args.spec}: {type(exc).__name__}: {exc}; "
            "nothing was written. Please report it with the spec.",
            file=sys.stderr,
        )
        return EXIT_INTERNAL_ERROR
    if args.out is not None:
        write_package(files, args.out)
        if docs is not None:
            args.docs.write_text(docs, encoding="utf-8")
        return 0
    diff = stale_diff(files, args.check)
    if docs is not None and (not args.docs.exists() or args.docs.read_text(encoding="utf-8") != docs):
        diff += f"stale: {args.docs}\n"
    if diff:
        sys.stdout.write(diff)
        print(f"codegen: {args.check} is stale; run `make generate` and commit the result", file=sys.stderr)
        return EXIT_STALE
    return 0


if __name__ == "__main__":
    sys.exit(main())
