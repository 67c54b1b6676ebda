"""The pytest plugin's fixtures, used as a user's test suite would use them."""

from __future__ import annotations

import itertools
import subprocess
import sys
import textwrap
from typing import Any

import pytest

from suprsend_typed._client import Suprsend
from suprsend_typed._event import Event
from suprsend_typed._workflow import WorkflowTriggerRequest
from suprsend_typed.pytest_plugin import SandboxFixture
from suprsend_typed.replay import ReplayTransport
from suprsend_typed.sandbox import DEFAULT_API_KEY, DEFAULT_WORKSPACE_SECRET

# The nested runs below go through pytester in this process: a fresh pytest session that loads the installed
# plugins by their entry points, as a subprocess would, without paying a new interpreter's imports per run.
pytest_plugins = ("pytester",)


@pytest.fixture
def suprsend_replay_config() -> dict[str, Any]:
    return {"secrets": [DEFAULT_WORKSPACE_SECRET, DEFAULT_API_KEY]}


def test_sandbox_fixture_gives_a_running_hub_and_a_bound_client(suprsend_sandbox: SandboxFixture) -> None:
    request = WorkflowTriggerRequest(body={"workflow": "welcome", "recipients": ["u1"], "data": {}})
    assert suprsend_sandbox.client.workflows.trigger(request)["success"]
    assert suprsend_sandbox.hub.counts()["accepted"] == 1
    [record] = suprsend_sandbox.hub.records("workflow_trigger")
    assert record["body"]["workflow"] == "welcome"


def test_sandbox_fixture_is_reset_between_tests(suprsend_sandbox: SandboxFixture) -> None:
    assert suprsend_sandbox.hub.requests() == []


def test_replay_fixture_replays_its_committed_cassette(
    suprsend_replay: ReplayTransport, suprsend_sandbox: SandboxFixture, request: pytest.FixtureRequest
) -> None:
    """Recorded once with ``--suprsend-record-mode=once``; by default it replays and the hub sees nothing."""
    ids = (f"00000000-0000-4000-8000-{n:012d}" for n in itertools.count())
    hub = suprsend_sandbox.hub
    client = Suprsend(
        hub.credentials.workspace_key,
        hub.credentials.workspace_secret,
        hub.url,
        transport=suprsend_replay,
        id_factory=lambda: next(ids),
    )
    trigger = client.workflows.trigger(
        WorkflowTriggerRequest(body={"workflow": "welcome", "recipients": ["u1"], "data": {}})
    )
    event = client.track_event(Event("u1", "signed_up", {"plan": "pro"}))
    assert (trigger["status_code"], event["status_code"]) == (202, 202)
    assert trigger["message"] and event["message"]
    if request.config.getoption("--suprsend-record-mode") == "none":
        assert hub.requests() == []
        assert suprsend_replay.play_count == 2


INLINE_TEST = """
from suprsend_typed._http import Request, Timeout
from suprsend_typed.sandbox import Sandbox


def test_counts(suprsend_replay):
    with Sandbox() as hub:
        url = hub.url + "_sandbox/{endpoint}"
        response = suprsend_replay.send(Request(method="GET", url=url), timeout=Timeout())
    assert response.status_code == 200
"""


def run_pytest(pytester: pytest.Pytester, *options: str) -> subprocess.CompletedProcess[str]:
    """A nested pytest session over ``pytester.path`` (its own rootdir), as a user would run it there."""
    arguments = ["-q", "-p", "no:cacheprovider", "--rootdir", str(pytester.path), *options]
    result = pytester.runpytest_inprocess(*arguments)
    return subprocess.CompletedProcess(arguments, int(result.ret), result.stdout.str(), result.stderr.str())


def test_record_mode_option_records_then_replays_and_reports_unmatched_requests(
    pytester: pytest.Pytester,
) -> None:
    tmp_path = pytester.path
    test_file = tmp_path / "test_inline.py"
    test_file.write_text(textwrap.dedent(INLINE_TEST.format(endpoint="counts")))
    recorded = run_pytest(pytester, "--suprsend-record-mode=once")
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    cassette = tmp_path / "tests" / "cassettes" / "test_inline" / "test_counts.json"
    assert cassette.exists()
    replayed = run_pytest(pytester)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    test_file.write_text(textwrap.dedent(INLINE_TEST.format(endpoint="requests")))
    unmatched = run_pytest(pytester)
    assert unmatched.returncode == 1
    assert "no recorded interaction" in unmatched.stdout
    assert "path differs: recorded /_sandbox/counts, got /_sandbox/requests" in unmatched.stdout
    assert "1 failed in" in unmatched.stdout  # reported once: not again as an error at teardown


INLINE_CLIENT_TEST = """
from suprsend_typed._event import Event
from suprsend_typed._workflow import WorkflowTriggerRequest
from suprsend_typed.sandbox import Sandbox


def test_trigger(suprsend_replay, request):
    with Sandbox() as hub:
        credentials = hub.credentials
        client = suprsend_replay.client(credentials.workspace_key, credentials.workspace_secret, hub.url)
        trigger = client.workflows.trigger(WorkflowTriggerRequest({"workflow": "w", "recipients": ["u1"]}))
        event = client.track_event(Event("u1", "signed_up", {}))
        client.close()
        replaying = request.config.getoption("--suprsend-record-mode") == "none"
        assert len(hub.requests()) == (0 if replaying else 2)
    assert (trigger["status_code"], event["status_code"]) == (202, 202)
"""


def test_fixture_client_helper_records_then_replays_a_default_clients_trigger(
    pytester: pytest.Pytester,
) -> None:
    tmp_path = pytester.path
    (tmp_path / "test_inline.py").write_text(textwrap.dedent(INLINE_CLIENT_TEST))
    recorded = run_pytest(pytester, "--suprsend-record-mode=once")
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    replayed = run_pytest(pytester)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr


INLINE_FIRST_RUN_TEST = """
from suprsend_typed import Event, Suprsend


def test_signup(suprsend_replay):
    client = Suprsend(
        "workspace_key", "workspace_secret", "{base_url}", transport=suprsend_replay, max_retries=0
    )
    assert client.track_event(Event("u1", "signed_up"))["success"]
"""


def test_first_run_without_a_cassette_is_one_failure_saying_what_to_run(pytester: pytest.Pytester) -> None:
    tmp_path = pytester.path
    (tmp_path / "test_inline.py").write_text(INLINE_FIRST_RUN_TEST.format(base_url="http://127.0.0.1:9/"))
    first = run_pytest(pytester, "-rfE")
    assert first.returncode == 1
    expected = (
        "suprsend_replay: no cassette tests/cassettes/test_inline/test_signup.json yet; record it once with: "
        "pytest --suprsend-record-mode=once 'test_inline.py::test_signup'"
    )
    assert expected in first.stdout.splitlines()
    assert "1 failed" in first.stdout and "error" not in first.stdout.lower()
    assert "Traceback" not in first.stdout and "_middleware" not in first.stdout


def test_recording_without_a_hub_says_how_to_record_against_the_sandbox(pytester: pytest.Pytester) -> None:
    tmp_path = pytester.path
    (tmp_path / "test_inline.py").write_text(INLINE_FIRST_RUN_TEST.format(base_url="http://127.0.0.1:9/"))
    recorded = run_pytest(pytester, "--suprsend-record-mode=once")
    assert recorded.returncode == 1
    [hint] = [line for line in recorded.stdout.splitlines() if line.startswith("suprsend_replay:")]
    assert hint.startswith("suprsend_replay: could not record, http://127.0.0.1:9/v2/event/ did not answer")
    assert "python -m suprsend_typed.sandbox --port 8025 --workspace-key <key>" in hint
    command = "pytest --suprsend-record-mode=once 'test_inline.py::test_signup'"
    assert hint.endswith(f"SUPRSEND_BASE_URL=http://127.0.0.1:8025/ {command}")
    assert "assert False" in recorded.stdout  # the test's own failure follows the hint


def test_cassettes_are_named_by_the_test_files_path_so_equal_names_do_not_collide(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp_path = pytester.path
    # The nested session imports its own ``tests`` package; this suite's own one must not shadow it meanwhile.
    monkeypatch.delitem(sys.modules, "tests")
    for folder in ("a", "b"):
        package = tmp_path / "tests" / folder
        package.mkdir(parents=True)
        (package / "__init__.py").write_text("")
        (package / "test_x.py").write_text(textwrap.dedent(INLINE_TEST.format(endpoint=f"counts?{folder}")))
    (tmp_path / "tests" / "__init__.py").write_text("")
    recorded = run_pytest(pytester, "--suprsend-record-mode=once")
    assert recorded.returncode == 0, recorded.stdout + recorded.stderr
    cassettes = tmp_path / "tests" / "cassettes" / "tests"
    assert sorted(path.relative_to(cassettes).as_posix() for path in cassettes.rglob("*.json")) == [
        "a/test_x/test_counts.json",
        "b/test_x/test_counts.json",
    ]
    assert run_pytest(pytester).returncode == 0
