"""The README's sandbox steps: the variables ``python -m suprsend_typed.sandbox`` prints, pasted into a shell,
make every ``suprsend-typed`` command and a client built from the environment talk to the sandbox, by the
one credential rule of ``_config.resolve_credentials`` (the workspace key and secret win over an API key)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest
from support.printed_sandbox import printed_sandbox, shell_environment

from suprsend_typed import Suprsend
from suprsend_typed.cli import exit_codes

COMMAND_TIMEOUT_S = 120
HMAC_ONLY = ("SUPRSEND_WORKSPACE_KEY", "SUPRSEND_WORKSPACE_SECRET")


@pytest.fixture(scope="module")
def printed() -> Iterator[dict[str, str]]:
    with printed_sandbox() as variables:
        yield variables


def run(environment: Mapping[str, str], cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "suprsend_typed", *args],
        cwd=cwd,
        env=dict(environment),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        check=False,
    )


def test_the_sandbox_prints_an_api_key_with_its_workspace_uid(printed: dict[str, str]) -> None:
    assert set(printed) == {
        "SUPRSEND_BASE_URL",
        "SUPRSEND_WORKSPACE_KEY",
        "SUPRSEND_WORKSPACE_SECRET",
        "SUPRSEND_API_KEY",
        "SUPRSEND_WORKSPACE_UID",
    }
    assert printed["SUPRSEND_WORKSPACE_UID"] == printed["SUPRSEND_WORKSPACE_KEY"]  # the sandbox's default UID


def test_commands_work_with_exactly_the_printed_variables(printed: dict[str, str], tmp_path: Path) -> None:
    environment = shell_environment(printed, str(tmp_path))
    (tmp_path / "events.jsonl").write_text(
        '{"distinct_id": "cli-1", "event": "signed_up"}\n{"distinct_id": "cli-2", "event": "signed_up"}\n',
        encoding="utf-8",
    )

    sent = run(environment, tmp_path, "send", "events", "events.jsonl", "--no-progress", "--json")
    edited = run(
        environment,
        tmp_path,
        "users",
        "edit",
        "cli-1",
        "--json",
        '{"operations": [{"$set": {"name": "Ann"}}]}',
    )
    got = run(environment, tmp_path, "users", "get", "cli-1")
    shown = run(environment, tmp_path, "profile", "show")

    assert sent.returncode == exit_codes.OK, sent.stderr
    assert json.loads(sent.stdout)["accepted"] == 2
    assert edited.returncode == exit_codes.OK, edited.stderr
    assert got.returncode == exit_codes.OK, got.stderr
    assert json.loads(got.stdout)["properties"]["name"] == "Ann"
    assert json.loads(shown.stdout)["authentication"] == "workspace key/secret (HMAC)"


def test_without_the_key_and_secret_the_printed_api_key_and_uid_authenticate(
    printed: dict[str, str], tmp_path: Path
) -> None:
    bearer_only = {name: value for name, value in printed.items() if name not in HMAC_ONLY}
    environment = shell_environment(bearer_only, str(tmp_path))

    missing = run(environment, tmp_path, "users", "get", "nobody")
    shown = run(environment, tmp_path, "profile", "show")
    edited = run(
        environment, tmp_path, "users", "edit", "cli-3", "--json", '{"operations": [{"$set": {"a": 1}}]}'
    )

    assert (
        missing.returncode == exit_codes.FAILED and "404" in missing.stderr
    )  # authenticated, then not found
    assert json.loads(shown.stdout)["authentication"] == "api key (Bearer)"
    assert edited.returncode == exit_codes.OK, edited.stderr


def test_a_missing_workspace_uid_is_named_as_the_client_names_it(
    printed: dict[str, str], tmp_path: Path
) -> None:
    no_uid = {
        name: value for name, value in printed.items() if name not in (*HMAC_ONLY, "SUPRSEND_WORKSPACE_UID")
    }

    done = run(shell_environment(no_uid, str(tmp_path)), tmp_path, "users", "get", "nobody")

    assert done.returncode == exit_codes.USAGE
    assert "Missing workspace_uid: set SUPRSEND_WORKSPACE_UID" in done.stderr


def test_clients_built_from_the_printed_variables_reach_the_sandbox(
    printed: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in printed.items():
        monkeypatch.setenv(name, value)

    with Suprsend() as signed, Suprsend.with_workspace_api_key(None) as bearer:
        assert signed.auth_method == "ws_key_secret" and bearer.auth_method == "api_key"
        assert bearer.workspace_uid == printed["SUPRSEND_WORKSPACE_UID"]
        for client in (signed, bearer):
            assert client.tenants.get("default").tenant_id == "default"  # every workspace has it
