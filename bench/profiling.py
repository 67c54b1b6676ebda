"""cProfiles of our side for missed targets, saved under bench-results/ and summarised for the console."""

from __future__ import annotations

import pstats
import re
from pathlib import Path
from typing import Any

from .hub import Hub
from .runner import ClientRunError, run_client
from .settings import RESULTS_DIR

_TOP_FUNCTIONS = 12
# Everything up to the package or stdlib root: "…/site-packages/urllib3/x.py" -> "urllib3/x.py".
_INSTALL_PREFIX = re.compile(r"^.*/(site-packages|src|lib/python3\.\d+)/")


def _where(function: tuple[str, int, str]) -> str:
    filename, line, name = function
    return f"{_INSTALL_PREFIX.sub('', filename)}:{line}({name})" if line else name


def summarise(stats: pstats.Stats, title: str, saved: Path) -> str:
    """The functions with the most cumulative time, one per line, as a block for the console."""
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    total = max((entry[3] for entry in table.values()), default=0.0) or 1.0
    ranked = sorted(table.items(), key=lambda item: item[1][3], reverse=True)[:_TOP_FUNCTIONS]
    lines = [f"profile [{title}] (saved {saved.relative_to(saved.parents[1])}); top by cumulative time:"]
    lines.append(f"  {'cum s':>8} {'cum %':>6} {'self s':>8} {'calls':>9}  function")
    for function, (_cc, calls, self_s, cum_s, _callers) in ranked:
        share = 100 * cum_s / total
        lines.append(f"  {cum_s:8.3f} {share:5.1f}% {self_s:8.3f} {calls:9d}  {_where(function)}")
    return "\n".join(lines)


def profile_client(name: str, title: str, side: str, scenario: str, hub: Hub, params: dict[str, Any]) -> str:
    """Runs ``side`` once more under cProfile (all its threads) and returns the summary."""
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    saved = RESULTS_DIR / f"profile-{name}.prof"
    try:
        run_client(side, scenario, hub, params, profile=saved)
    except ClientRunError as exc:
        return f"profile [{title}] failed: {exc}"
    stats = pstats.Stats(str(saved))
    text_file = saved.with_suffix(".txt")
    with text_file.open("w") as out:
        pstats.Stats(str(saved), stream=out).sort_stats("cumulative").print_stats(40)
    return summarise(stats, title, saved)
