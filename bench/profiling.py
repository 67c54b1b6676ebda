"""cProfiles of our side for missed targets, saved under bench-results/ and summarised for the console."""

from __future__ import annotations

import pstats
import re
from collections import defaultdict
from pathlib import Path
from typing import Any

from .hub import Hub
from .runner import ClientRunError, run_client
from .settings import REPO_ROOT, RESULTS_DIR

PROFILE_MAX_RECORDS = 100_000
_TOP_CUMULATIVE = 14
_TOP_OWN = 10
_TOP_MODULES = 8
# Everything up to the package or stdlib root: "…/site-packages/urllib3/x.py" -> "urllib3/x.py".
_INSTALL_PREFIX = re.compile(rf"^(.*/(site-packages|src|lib/python3\.\d+)|{re.escape(str(REPO_ROOT))})/")


def _where(function: tuple[str, int, str]) -> str:
    filename, line, name = function
    return f"{_INSTALL_PREFIX.sub('', filename)}:{line}({name})" if line else name


def _module_of(filename: str) -> str:
    """Our modules one by one (``suprsend_typed._models``), other code by top-level package (``urllib3``)."""
    parts = _INSTALL_PREFIX.sub("", filename).removesuffix(".py").split("/")
    return ".".join(parts[:2]) if parts[0] == "suprsend_typed" else parts[0]


def own_time_by_module(table: dict[Any, Any]) -> dict[str, float]:
    """Own CPU time per module; a built-in's time goes to the modules that called it (its real cost)."""
    by_module: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), (_cc, _calls, own, _cum, callers) in table.items():
        if filename != "~":
            by_module[_module_of(filename)] += own
            continue
        for (caller_file, _l, _n), caller_entry in callers.items():
            by_module["builtins" if caller_file == "~" else _module_of(caller_file)] += caller_entry[2]
    return dict(by_module)


def summarise(stats: pstats.Stats, title: str, saved: Path) -> str:
    """The functions with the most cumulative and the most own CPU time, as a block for the console."""
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = sum(entry[2] for entry in table.values()) or 1.0  # all own time: the CPU the run used
    lines = [f"profile [{title}] (CPU time of all threads; saved {saved.relative_to(saved.parents[1])})"]
    for heading, column, count in (("cumulative", 3, _TOP_CUMULATIVE), ("own", 2, _TOP_OWN)):
        lines.append(f"  by {heading} time: {'s':>8} {'%':>6} {'calls':>9}  function")
        ranked = sorted(table.items(), key=lambda item: item[1][column], reverse=True)[:count]
        pad = " " * (len(heading) + 11)
        for function, entry in ranked:
            seconds, calls, share = entry[column], entry[1], 100 * entry[column] / total
            lines.append(f"{pad}{seconds:8.3f} {share:5.1f}% {calls:9d}  {_where(function)}")
    shares = sorted(own_time_by_module(table).items(), key=lambda item: item[1], reverse=True)
    top = ", ".join(f"{module} {100 * seconds / total:.0f}%" for module, seconds in shares[:_TOP_MODULES])
    lines.append(f"  own time by module ({total:.2f} s in all, built-ins charged to callers): {top}")
    return "\n".join(lines)


def profile_client(
    name: str, title: str, side: str, scenario: str, hub: Hub, params: dict[str, Any], *, brief: bool = False
) -> str:
    """Runs ``side`` once more under cProfile (all its threads), saves ``bench-results/<name>.prof``, and
    returns the summary.

    ``brief`` keeps only the own-time-by-module line (for a reference side, to set ours against it).
    At most ``PROFILE_MAX_RECORDS`` records: profiling slows a run several times, and the shares of time
    are the same on a tenth of a million events.
    """
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    saved = RESULTS_DIR / f"{name}.prof"
    if "count" in params:
        params = {**params, "count": min(params["count"], PROFILE_MAX_RECORDS)}
        title = f"{title}, profiled on {params['count']:,}"
    try:
        run_client(side, scenario, hub, params, profile=saved)
    except ClientRunError as exc:
        return f"profile [{title}] failed: {exc}"
    stats = pstats.Stats(str(saved))
    text_file = saved.with_suffix(".txt")
    with text_file.open("w") as out:
        pstats.Stats(str(saved), stream=out).sort_stats("cumulative").print_stats(40)
    summary = summarise(stats, title, saved)
    if brief:
        return f"  {side} for comparison ({saved.name}):" + summary.splitlines()[-1].removeprefix(
            "  own time"
        )
    return summary
