"""``python -m suprsend_typed.sandbox``: prints its URL, serves, and exits 0 on SIGINT or SIGTERM."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import pytest

from suprsend_typed.sandbox import Credentials

from .wire import Wire

STARTUP_TIMEOUT_SECONDS = 20


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_cli_prints_its_url_serves_and_stops_cleanly(tmp_path: Path, stop_signal: signal.Signals) -> None:
    db = tmp_path / "hub.sqlite"
    command = [sys.executable, "-m", "suprsend_typed.sandbox", "--port", "0", "--db", str(db)]
    command += ["--workspace-key", "cli_workspace_key_000001", "--workspace-secret", "cli-secret"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline().strip()
        assert first_line.startswith("SANDBOX_URL=http://127.0.0.1:")
        url = first_line.split("=", 1)[1]
        credentials = Credentials(workspace_key="cli_workspace_key_000001", workspace_secret="cli-secret")
        sender = Wire(url, credentials)
        response = sender.send("POST", "trigger/", {"workflow": "w", "recipients": ["u"], "data": {}})
        refused = sender.send("POST", "trigger/", {}, secret="wrong")
        sender.close()
        assert (response.status_code, refused.status_code) == (202, 401)
        process.send_signal(stop_signal)
        _, stderr = process.communicate(timeout=STARTUP_TIMEOUT_SECONDS)
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()
    assert process.returncode == 0, stderr
    assert "sandbox stopped" in stderr
    assert db.exists()
