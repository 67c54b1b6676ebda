"""``make test`` wall time on this machine (warm ``.venv``): the test suite's own budget, 3 minutes.

Run as the Makefile runs it (check-generated, lint, typecheck, then pytest on 2 workers), with
``--durations`` added, so the slowest tests are listed beside the figure. Its CPU time (all child processes)
is reported too: unlike the wall time, it hardly moves when other processes share the machine.
"""

from __future__ import annotations

import re
import resource
import subprocess
import time

from ..contention import ForeignLoad
from ..report import Figure, Row, status
from ..settings import REPO_ROOT, Sizes
from ..stats import CONTENDED_CORES

WALL_TARGET_S = 180.0
SLOWEST_SHOWN = 10
_DURATION_LINE = re.compile(r"^(\d+\.\d+)s (call|setup|teardown)\s+(\S+)")
_TIMEOUT_S = 1800


def _children_cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def measure(sizes: Sizes) -> Figure:
    figure = Figure(key="make_test", title="make test")
    if not sizes.run_test_suite:
        figure.notes.append("the test suite runs in full bench runs only (`make bench` or --only tests)")
        figure.rows.append(
            Row(measure="wall", ours="-", target=f"≤ {WALL_TARGET_S:.0f} s", status=status(None))
        )
        return figure
    load, cpu_before, started = ForeignLoad(), _children_cpu_seconds(), time.perf_counter()
    done = subprocess.run(
        ["make", "test", f"PYTEST_ARGS=--durations={SLOWEST_SHOWN}"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=_TIMEOUT_S,
        check=False,
    )
    wall = time.perf_counter() - started
    cpu = _children_cpu_seconds() - cpu_before
    foreign = load.cores()
    passed = done.returncode == 0
    figure.rows += [
        Row(
            measure="wall (check-generated, lint, typecheck, pytest -n 2)",
            ours=f"{wall:.0f} s",
            reference=f"CPU {cpu:.0f} s",
            target=f"≤ {WALL_TARGET_S:.0f} s",
            status=status(wall <= WALL_TARGET_S),
        ),
        Row(measure="result", ours="passed" if passed else f"FAILED (exit {done.returncode})"),
    ]
    slowest = [match.groups() for line in done.stdout.splitlines() if (match := _DURATION_LINE.match(line))]
    for seconds, phase, test in slowest:
        figure.notes.append(f"slow test: {float(seconds):.1f} s {phase} {test}")
    if not passed:
        figure.notes.append("last output: " + " | ".join(done.stdout.strip().splitlines()[-3:]))
    figure.data.update(wall_s=wall, cpu_s=cpu, foreign_cores=foreign, returncode=done.returncode)
    figure.data["slowest"] = [{"seconds": float(s), "phase": p, "test": t} for s, p, t in slowest]
    figure.contended = foreign > CONTENDED_CORES
    if figure.contended:
        figure.notes.append(f"other processes used {foreign:.2f} cores meanwhile: the wall time is inflated")
    return figure
