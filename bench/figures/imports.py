"""Import time: ``python -X importtime -c "import X"`` in fresh processes, ours vs the official SDK."""

from __future__ import annotations

import os
import subprocess
import sys

from ..contention import ForeignLoad
from ..report import Figure, Row, status
from ..settings import REPO_ROOT, RESULTS_DIR, Sizes
from ..stats import CONTENDED_CORES, paired_ratio
from .common import times

RATIO_TARGET = 0.8  # of `import suprsend`'s time
_PREFIX = "import time:"
_TOP_MODULES = 12


def _importtime(module: str) -> str:
    """The -X importtime report (stderr) of one fresh interpreter importing ``module``."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", f"import {module}"],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        env={**os.environ, "PYTHONPATH": ""},
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"import {module} failed: {done.stderr.strip().splitlines()[-1:]}")
    return done.stderr


def _compile_bytecode(module: str) -> None:
    """Write the package's bytecode caches, as ``pip install`` does, so that no run compiles source.

    An import alone may not write them (``PYTHONDONTWRITEBYTECODE`` is set on some machines, and an editable
    install never went through pip's compile step), which would time compilation for one side only.
    """
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import compileall, os, {module} as m; "
            f"compileall.compile_dir(os.path.dirname(m.__file__), quiet=1)",
        ],
        capture_output=True,
        text=True,
        cwd=REPO_ROOT,
        check=False,
    )
    if done.returncode != 0:
        raise RuntimeError(f"compiling {module} failed: {done.stderr.strip().splitlines()[-1:]}")


def _entries(report: str) -> list[tuple[int, int, str]]:
    """(self µs, cumulative µs, name with its nesting indent) for each line of an importtime report."""
    entries = []
    for line in report.splitlines():
        if line.startswith(_PREFIX) and "|" in line:
            self_us, cumulative_us, name = line[len(_PREFIX) :].split("|", 2)
            if self_us.strip().isdigit():
                entries.append((int(self_us), int(cumulative_us), name[1:]))
    return entries


def cumulative_us(report: str, module: str) -> int:
    """The cumulative time of the top-level import of ``module`` (nested imports are indented)."""
    for _self_us, cumulative, name in _entries(report):
        if name == module:
            return cumulative
    raise RuntimeError(f"no top-level import of {module} in the importtime report")


def _slowest(report: str) -> list[str]:
    ranked = sorted(_entries(report), reverse=True)[:_TOP_MODULES]
    return [f"  {self_us / 1000:7.1f} ms self  {name.strip()}" for self_us, _cumulative, name in ranked]


def measure(sizes: Sizes) -> Figure:
    figure = Figure(key="import_time", title="Import time")
    load = ForeignLoad()
    try:
        for module in ("suprsend_typed", "suprsend"):
            _compile_bytecode(module)
        reports: dict[str, list[str]] = {"suprsend": [], "suprsend_typed": []}
        for _ in range(sizes.import_runs):
            for module in reports:
                reports[module].append(_importtime(module))
    except RuntimeError as exc:
        figure.notes.append(str(exc))
        target = f"≤ {RATIO_TARGET:.2f}× official"
        figure.rows.append(Row(measure="cumulative import", ours="-", target=target, status=status(None)))
        return figure
    ours = [{"us": cumulative_us(report, "suprsend_typed")} for report in reports["suprsend_typed"]]
    official = [{"us": cumulative_us(report, "suprsend")} for report in reports["suprsend"]]
    ratio = paired_ratio(ours, official, lambda run: run["us"])
    ours_ms = sorted(run["us"] for run in ours)[len(ours) // 2] / 1000
    official_ms = sorted(run["us"] for run in official)[len(official) // 2] / 1000
    figure.rows.append(
        Row(
            measure=f"cumulative import (median of {sizes.import_runs})",
            ours=f"{ours_ms:.1f} ms",
            reference=f"official {official_ms:.1f} ms",
            ratio=times(ratio),
            target=f"≤ {RATIO_TARGET:.2f}× official",
            status=status(ratio <= RATIO_TARGET),
        )
    )
    figure.data.update(ours_us=[run["us"] for run in ours], official_us=[run["us"] for run in official])
    figure.data["ratio"] = ratio
    figure.data["foreign_cores"] = load.cores()
    figure.contended = figure.data["foreign_cores"] > CONTENDED_CORES
    if figure.contended:
        figure.notes.append(f"other processes used {figure.data['foreign_cores']:.2f} cores meanwhile")
    if figure.missed:
        RESULTS_DIR.mkdir(parents=True, exist_ok=True)
        saved = RESULTS_DIR / f"{sizes.profile_prefix}import.txt"
        saved.write_text(reports["suprsend_typed"][-1])
        heading = f"profile [Import time] (saved bench-results/{saved.name}); slowest modules by self time:"
        figure.profiles.append("\n".join([heading, *_slowest(reports["suprsend_typed"][-1])]))
    return figure
