"""``python -m bench [--quick] [--only NAME ...] [--hub KIND]``: measure, print, write results.json."""

from __future__ import annotations

import argparse
import time
from collections.abc import Callable

from .figures import (
    async_http,
    async_stream,
    background,
    bulk,
    cli,
    codegen,
    concurrent,
    hubs,
    imports,
    latency,
    single,
    stream,
    tests,
)
from .hub import HUB_KINDS, resolve_kind
from .report import Figure, git_state, render, write_json
from .settings import FULL, PARTIAL_RESULTS_FILE, QUICK, QUICK_RESULTS_FILE, RESULTS_FILE, Sizes

# In the order they are measured and printed.
FIGURES: dict[str, Callable[[Sizes, str], Figure]] = {
    "single": single.measure,
    "bulk": bulk.measure,
    "stream": stream.measure,
    "cli": cli.measure,
    "latency": latency.measure,
    "concurrent": concurrent.measure,
    "async_stream": async_stream.measure,
    "async_http": async_http.measure,
    "background": background.measure,
    "import": lambda sizes, _hub: imports.measure(sizes),
    "codegen": lambda sizes, _hub: codegen.measure(sizes),
    "hubs": lambda sizes, _hub: hubs.measure(sizes),
    "tests": lambda sizes, _hub: tests.measure(sizes),
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small counts, one run each: a smoke run")
    parser.add_argument("--only", nargs="+", choices=list(FIGURES), help="measure only these figures")
    parser.add_argument("--hub", choices=HUB_KINDS, default="auto", help="auto: BenchHub")
    args = parser.parse_args(argv)
    sizes = QUICK if args.quick else FULL
    hub_kind, why = resolve_kind(args.hub)
    mode = "quick" if args.quick else "full"
    results_file = QUICK_RESULTS_FILE if args.quick else PARTIAL_RESULTS_FILE if args.only else RESULTS_FILE
    print(f"bench: {mode} mode, hub = {hub_kind} ({why}); results -> {results_file}", flush=True)
    started, git_at_start = time.perf_counter(), git_state()
    figures = []
    for name in args.only or FIGURES:
        figure_started = time.perf_counter()
        figure = FIGURES[name](sizes, hub_kind)
        figures.append(figure)
        print(f"  {figure.title}: {time.perf_counter() - figure_started:.1f} s", flush=True)
    elapsed = time.perf_counter() - started
    print()
    print(render(figures))
    git = {"at_start": git_at_start, "at_end": git_state()}
    if git["at_start"] != git["at_end"] or git_at_start["src_modified"]:
        print(
            "\nnote: the SDK's sources changed or had uncommitted edits during the run (see results.json git)"
        )
    write_json(figures, results_file, mode=mode, hub=f"{hub_kind} ({why})", elapsed_s=elapsed, git=git)
    print(f"\nbench: {elapsed:.0f} s in all; results written to {results_file}")
    return 0
