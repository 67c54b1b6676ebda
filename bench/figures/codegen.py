"""Code generation: wall time of ``python -m codegen`` on the full spec, written to a scratch directory."""

from __future__ import annotations

import os
import pstats
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from ..contention import ForeignLoad
from ..profiling import summarise
from ..report import Figure, Row, status
from ..settings import REPO_ROOT, RESULTS_DIR, SPEC_FILE, Sizes
from ..stats import CONTENDED_CORES

TARGET_S = 2.0


def _generate(out: Path, *, profile: Path | None = None) -> float:
    """Seconds for one run in a fresh interpreter, as `make generate` runs it."""
    command = [sys.executable]
    if profile is not None:
        command += ["-m", "cProfile", "-o", str(profile)]
    command += ["-m", "codegen", "--spec", str(SPEC_FILE), "--out", str(out)]
    start = time.perf_counter()
    done = subprocess.run(
        command, capture_output=True, text=True, cwd=REPO_ROOT, env={**os.environ}, check=False, timeout=300
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"codegen failed: {(done.stderr.strip().splitlines() or ['?'])[-1]}")
    return elapsed


def measure(sizes: Sizes) -> Figure:
    figure = Figure(key="codegen", title="Code generation")
    row = Row(measure="python -m codegen (full spec)", ours="-", target=f"< {TARGET_S:.0f} s", status="n/a")
    if not SPEC_FILE.exists() or not (REPO_ROOT / "codegen" / "__main__.py").exists():
        figure.notes.append("codegen or spec/suprsend.yaml not present yet")
        figure.rows.append(row)
        return figure
    with tempfile.TemporaryDirectory(prefix="bench-codegen-") as scratch:
        load = ForeignLoad()
        try:
            _generate(Path(scratch) / "warmup")  # compiles bytecode caches, as any later run has them
            seconds = [_generate(Path(scratch) / f"run{i}") for i in range(sizes.codegen_runs)]
        except (RuntimeError, subprocess.TimeoutExpired) as exc:
            figure.notes.append(str(exc))
            figure.rows.append(row)
            return figure
        median_s = statistics.median(seconds)
        figure.rows.append(
            Row(
                measure=f"python -m codegen, full spec (median of {len(seconds)})",
                ours=f"{median_s:.2f} s",
                target=f"< {TARGET_S:.0f} s",
                status=status(median_s < TARGET_S),
            )
        )
        figure.data.update(seconds=seconds, foreign_cores=load.cores())
        figure.contended = figure.data["foreign_cores"] > CONTENDED_CORES
        if figure.contended:
            figure.notes.append(f"other processes used {figure.data['foreign_cores']:.2f} cores meanwhile")
        if figure.missed:
            RESULTS_DIR.mkdir(parents=True, exist_ok=True)
            saved = RESULTS_DIR / f"{sizes.profile_prefix}codegen.prof"
            _generate(Path(scratch) / "profiled", profile=saved)
            figure.profiles.append(summarise(pstats.Stats(str(saved)), figure.title, saved))
    return figure
