"""Medians and run-by-run paired ratios: the only statistics the report uses."""

from __future__ import annotations

import statistics
from collections.abc import Callable
from typing import Any

Run = dict[str, Any]
# Other processes using more than this many cores (of 2) during a run make its figures suspect.
CONTENDED_CORES = 0.25


def median_of(runs: list[Run], value: Callable[[Run], float]) -> float:
    return statistics.median(value(run) for run in runs)


def paired_ratio(ours: list[Run], reference: list[Run], value: Callable[[Run], float]) -> float:
    """Median over i of value(ours[i]) / value(reference[i]): each ratio from runs made side by side."""
    return statistics.median(value(a) / value(b) for a, b in zip(ours, reference, strict=False))


def foreign_cores(*run_lists: list[Run]) -> float:
    """CPU (in cores) that other processes used during the median run."""
    runs = [run for runs in run_lists for run in runs]
    return median_of(runs, lambda run: run["foreign_cores"]) if runs else 0.0
