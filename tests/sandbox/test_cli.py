"""``python -m suprsend_typed.sandbox``: prints export lines, serves, and exits 0 on SIGINT or SIGTERM;
shows its defaults in ``--help``; a port in use or a bad seed file is a one-line error."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from suprsend_typed.sandbox import (
    DEFAULT_API_KEY,
    DEFAULT_WORKSPACE_KEY,
    DEFAULT_WORKSPACE_SECRET,
    Credentials,
    Sandbox,
)
from suprsend_typed.sandbox.__main__ import USAGE_ERROR, build_sandbox, exposure_warning, main, parse_args

from .wire import Wire

STARTUP_TIMEOUT_SECONDS = 20


@pytest.mark.parametrize("stop_signal", [signal.SIGINT, signal.SIGTERM])
def test_cli_prints_export_lines_serves_and_stops_cleanly(
    tmp_path: Path, stop_signal: signal.Signals
) -> None:
    db = tmp_path / "hub.sqlite"
    command = [sys.executable, "-m", "suprsend_typed.sandbox", "--port", "0", "--db", str(db)]
    command += ["--workspace-key", "cli_workspace_key_000001", "--workspace-secret", "cli-secret"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        exported = dict(
            process.stdout.readline().strip().removeprefix("export ").split("=", 1) for _ in range(5)
        )
        assert exported["SUPRSEND_BASE_URL"].startswith("http://127.0.0.1:")
        assert exported["SUPRSEND_WORKSPACE_KEY"] == "cli_workspace_key_000001"
        assert exported["SUPRSEND_WORKSPACE_SECRET"] == "cli-secret"
        assert exported["SUPRSEND_API_KEY"] == DEFAULT_API_KEY
        assert exported["SUPRSEND_WORKSPACE_UID"] == "cli_workspace_key_000001"  # the key, by default
        credentials = Credentials(workspace_key="cli_workspace_key_000001", workspace_secret="cli-secret")
        sender = Wire(exported["SUPRSEND_BASE_URL"], credentials)
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
    assert "warning" not in stderr
    assert db.exists()


def test_help_shows_the_default_credentials_and_the_control_endpoints(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["--help"])
    assert exited.value.code == 0
    shown = capsys.readouterr().out
    for expected in (DEFAULT_WORKSPACE_KEY, DEFAULT_WORKSPACE_SECRET, DEFAULT_API_KEY, "/_sandbox/counts"):
        assert expected in shown
    for flag in ("--host", "--seed", "--db", "--fault-rate", "--fault-kinds", "--port"):
        assert flag in shown


def test_a_port_in_use_is_a_one_line_error(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["--port", str(port)]) == USAGE_ERROR
    captured = capsys.readouterr()
    assert captured.out == ""
    expected = f"error: cannot listen on 127.0.0.1:{port}: Address already in use"
    assert captured.err.strip().splitlines() == [expected]


def test_only_a_loopback_host_goes_without_a_warning() -> None:
    assert exposure_warning("127.0.0.1") is None
    assert exposure_warning("localhost") is None
    assert exposure_warning("::1") is None
    for exposed in ("0.0.0.0", "::", "192.168.1.20", "my-laptop.local"):
        warning = exposure_warning(exposed)
        assert warning is not None and warning.startswith(f"warning: listening on {exposed}")


def test_fault_flags_install_random_fault_rules() -> None:
    args = parse_args(["--fault-rate", "0.5", "--fault-kinds", "status,latency", "--fault-latency-ms", "20"])
    sandbox = build_sandbox(args)
    try:
        rules = sandbox.faults.rules()
    finally:
        sandbox.close()
    assert [(rule.fault.kind, rule.fault.latency_s) for rule in rules] == [("status", 0.0), ("latency", 0.02)]
    assert [rule.rate for rule in rules] == [0.25, 0.25 / 0.75]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--fault-kinds", "status,explode"], "unknown kind 'explode'"),
        (["--fault-rate", "2"], "--fault-rate must be within 0 and 1"),
    ],
)
def test_bad_fault_flags_are_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parse_args(argv)
    assert exited.value.code == USAGE_ERROR
    assert message in capsys.readouterr().err


def test_seed_flag_gives_the_sandbox_its_starting_state(tmp_path: Path) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(json.dumps({"users": [{"distinct_id": "u1", "name": "Ann"}]}))
    sandbox = build_sandbox(parse_args(["--seed", str(seed)]))
    try:
        profile = sandbox.store.profile("u1")
    finally:
        sandbox.close()
    assert profile is not None and profile["properties"] == {"name": "Ann"}


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{", "is not valid JSON"),
        ('{"users": [{"name": "no id"}]}', "users[0].distinct_id: required"),
        ('{"lists": []}', "unknown seed keys ['lists']"),
    ],
)
def test_an_unusable_seed_file_is_a_one_line_error(
    tmp_path: Path, content: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    seed = tmp_path / "seed.json"
    seed.write_text(content)
    assert main(["--seed", str(seed)]) == USAGE_ERROR
    [line] = capsys.readouterr().err.strip().splitlines()
    assert line.startswith(f"error: seed file {seed}") and message in line


def test_the_printed_environment_pairs_an_api_key_with_its_workspace_uid() -> None:
    with Sandbox(workspace_uid="uid_of_the_workspace_0001") as hub:
        assert hub.environment()["SUPRSEND_WORKSPACE_UID"] == "uid_of_the_workspace_0001"
    with Sandbox(api_keys=()) as hub:  # no Bearer key accepted: neither the key nor a UID is printed
        assert set(hub.environment()) == {
            "SUPRSEND_BASE_URL",
            "SUPRSEND_WORKSPACE_KEY",
            "SUPRSEND_WORKSPACE_SECRET",
        }
