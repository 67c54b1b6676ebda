"""Running client processes against a hub, and pairing runs of two or more sides (A B A B ...)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import attrs

from .hub import Hub
from .settings import REPO_ROOT

_RUN_TIMEOUT_S = 900


class ClientRunError(RuntimeError):
    """A client process failed: the message carries the last line of its stderr."""


def run_client(
    side: str, scenario: str, hub: Hub, params: dict[str, Any], *, profile: Path | None = None
) -> dict[str, Any]:
    command = [sys.executable, "-m", "bench.client", side, scenario, hub.url]
    command += ["--params", json.dumps(params), "--hub-pid", str(hub.pid)]
    if profile is not None:
        command += ["--profile", str(profile)]
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT)}
    done = subprocess.run(
        command, capture_output=True, text=True, cwd=REPO_ROOT, env=env, timeout=_RUN_TIMEOUT_S, check=False
    )
    if done.returncode != 0:
        last_line = (done.stderr.strip().splitlines() or ["(no stderr)"])[-1]
        raise ClientRunError(f"{side} {scenario} exited with {done.returncode}: {last_line}")
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


@attrs.define
class PairedRuns:
    """Per side, the results of its runs in order (run i of each side belong together), and any failure."""

    results: dict[str, list[dict[str, Any]]]
    errors: dict[str, str]

    def ok(self, side: str) -> bool:
        return side not in self.errors and bool(self.results[side])


def paired_runs(sides: list[str], scenario: str, hub: Hub, params: dict[str, Any], runs: int) -> PairedRuns:
    """``runs`` rounds; each round runs every side once, in the same order. A side that fails is dropped."""
    paired = PairedRuns(results={side: [] for side in sides}, errors={})
    for _ in range(runs):
        for side in sides:
            if side in paired.errors:
                continue
            try:
                paired.results[side].append(run_client(side, scenario, hub, params))
            except (ClientRunError, subprocess.TimeoutExpired, ValueError) as exc:
                paired.errors[side] = str(exc)
                paired.results[side] = []
    return paired
