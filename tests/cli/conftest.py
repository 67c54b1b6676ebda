"""Fixtures of the command-line tests: a sandbox hub, and the command run as a subprocess against it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import attrs
import pytest

from suprsend_typed.sandbox import DEFAULT_WORKSPACE_KEY, DEFAULT_WORKSPACE_SECRET, Sandbox

COMMAND_TIMEOUT_S = 120
# Per request: slow enough that a test can stop the command half-way, fast enough to keep the tests short.
SLOW_HUB_LATENCY_S = 0.05


@attrs.frozen(kw_only=True)
class Cli:
    """Runs ``python -m suprsend_typed`` with the sandbox's credentials in a clean environment."""

    hub: Sandbox
    workdir: Path

    def env(self, **extra: str) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if not key.startswith("SUPRSEND_")}
        env.update(
            SUPRSEND_WORKSPACE_KEY=DEFAULT_WORKSPACE_KEY,
            SUPRSEND_WORKSPACE_SECRET=DEFAULT_WORKSPACE_SECRET,
            SUPRSEND_BASE_URL=self.hub.url,
            SUPRSEND_CONFIG=str(self.workdir / "no-config.ini"),
        )
        env.update(extra)
        return env

    def command(self, *args: str) -> list[str]:
        return [sys.executable, "-m", "suprsend_typed", *args]

    def run(self, *args: str, stdin: bytes | None = None, **env: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            self.command(*args),
            cwd=self.workdir,
            env=self.env(**env),
            input=None if stdin is None else stdin.decode(),
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_S,
            check=False,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        return subprocess.Popen(
            self.command(*args),
            cwd=self.workdir,
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def summary(self, *args: str) -> tuple[int, dict[str, Any], str]:
        """Exit code, ``--json`` summary and standard error of one run."""
        done = self.run(*args, "--json")
        return done.returncode, json.loads(done.stdout), done.stderr


@pytest.fixture
def hub() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture
def slow_hub() -> Iterator[Sandbox]:
    with Sandbox(latency_s=SLOW_HUB_LATENCY_S) as running:
        yield running


@pytest.fixture
def cli(hub: Sandbox, tmp_path: Path) -> Cli:
    return Cli(hub=hub, workdir=tmp_path)


@pytest.fixture
def slow_cli(slow_hub: Sandbox, tmp_path: Path) -> Cli:
    return Cli(hub=slow_hub, workdir=tmp_path)


def write_lines(path: Path, records: Sequence[object]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def events(count: int, *, users: int = 50) -> list[dict[str, Any]]:
    return [
        {"distinct_id": f"user-{i % users}", "event": "order_placed", "properties": {"order": i}}
        for i in range(count)
    ]
