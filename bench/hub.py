"""A loopback hub in its own process: the bench's BenchHub, or the SDK's sandbox in its benchmark mode."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO

import attrs

from .settings import REPO_ROOT, WORKSPACE_KEY, WORKSPACE_SECRET

_URL_LINE = re.compile(r"(http://127\.0\.0\.1:\d+/?)")
_START_TIMEOUT_S = 20.0
HUB_KINDS = ("auto", "sandbox", "benchhub")


@attrs.frozen(kw_only=True)
class Hub:
    kind: str
    url: str  # ends with "/"
    pid: int


def resolve_kind(requested: str) -> tuple[str, str]:
    """The hub kind to use, and why."""
    if requested != "auto":
        return requested, "requested"
    return "benchhub", "default: the sandbox caps throughput (see Hub capacity); --hub sandbox to use it"


def _command(kind: str, latency_ms: float) -> list[str]:
    module = "suprsend_typed.sandbox" if kind == "sandbox" else "bench.fasthub"
    command = [sys.executable, "-m", module, "--port", "0"]
    command += ["--workspace-key", WORKSPACE_KEY, "--workspace-secret", WORKSPACE_SECRET]
    if kind == "sandbox":
        command.append("--no-bodies")  # its benchmark mode: verify and count, store nothing
    if latency_ms:
        command += ["--latency-ms", str(latency_ms)]
    return command


def _read_url(process: subprocess.Popen[bytes], log: IO[str]) -> str:
    """The first loopback URL the hub prints, within the start timeout."""
    deadline = time.monotonic() + _START_TIMEOUT_S
    output = ""
    while time.monotonic() < deadline:
        exited = process.poll() is not None
        log.seek(0)
        output = log.read()
        if found := _URL_LINE.search(output):
            return found.group(1).rstrip("/") + "/"
        if exited:
            break
        time.sleep(0.05)
    last_line = (output.strip().splitlines() or ["no output"])[-1]
    raise RuntimeError(f"hub printed no URL within {_START_TIMEOUT_S:.0f}s: {last_line}")


@contextmanager
def running_hub(kind: str, *, latency_ms: float = 0) -> Iterator[Hub]:
    """A hub process for the duration of the block; stopped (and reaped) afterwards."""
    env = {**os.environ, "PYTHONPATH": str(REPO_ROOT), "PYTHONUNBUFFERED": "1"}
    # A file, not a pipe: a hub that logs every request must never block on a full pipe.
    with tempfile.TemporaryFile("w+") as log:
        process = subprocess.Popen(_command(kind, latency_ms), stdout=log, stderr=subprocess.STDOUT, env=env)
        try:
            yield Hub(kind=kind, url=_read_url(process, log), pid=process.pid)
        finally:
            _stop(process)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=5)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
