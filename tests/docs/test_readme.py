"""Every Python block of README.md runs against a sandbox hub, so the docs cannot drift from the code.

Blocks are executed in order in one namespace, except blocks whose first line is ``# file: <name>.py``: those
are a user's own test files for the pytest plugin, and run under pytest in a temporary project.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from suprsend_typed.sandbox import Sandbox

pytest_plugins = ("pytester",)

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)
FILE_MARKER = re.compile(r"^# file: (\S+\.py)\n")

# The credentials the README's snippets use, accepted by the sandbox they run against.
README_KEY, README_SECRET = "workspace_key", "workspace_secret"
README_UID, README_API_KEY = "workspace_uid", "api_key"


def readme_blocks() -> list[str]:
    return BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def snippet_blocks() -> list[str]:
    return [block for block in readme_blocks() if not FILE_MARKER.match(block)]


def user_test_files() -> dict[str, str]:
    files = {}
    for block in readme_blocks():
        marker = FILE_MARKER.match(block)
        if marker:
            files[marker.group(1)] = block
    return files


def readme_sandbox() -> Sandbox:
    return Sandbox(
        workspace_key=README_KEY,
        workspace_secret=README_SECRET,
        workspace_uid=README_UID,
        api_keys=[README_API_KEY],
    )


def test_readme_has_snippets_and_user_test_files() -> None:
    assert len(snippet_blocks()) >= 10
    assert set(user_test_files()) == {"test_welcome.py", "test_recorded.py"}


def test_every_readme_snippet_runs_against_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    with readme_sandbox() as hub:
        monkeypatch.setenv("SUPRSEND_BASE_URL", hub.url)
        monkeypatch.chdir(ROOT)
        namespace: dict[str, object] = {"__name__": "readme"}
        for number, block in enumerate(snippet_blocks(), 1):
            try:
                exec(compile(block, f"README.md python block {number}", "exec"), namespace)
            except Exception as exc:  # name the failing block, keep the original traceback
                raise AssertionError(f"README python block {number} failed: {exc!r}\n{block}") from exc
        counts = hub.counts()
    assert counts["rejected"] == 0
    assert counts["requests_rejected"] == 0
    assert counts["accepted"] > 0


def run_user_suite(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch, *options: str, base_url: str
) -> subprocess.CompletedProcess[str]:
    """The user's suite in ``pytester.path``, as a nested pytest session in this process: it loads the plugin
    by its entry point as the user's run does, without a new interpreter's imports (a hang still meets the
    suite's own timeout)."""
    monkeypatch.setenv("SUPRSEND_BASE_URL", base_url)
    arguments = ["-q", "-p", "no:cacheprovider", *options]
    result = pytester.runpytest_inprocess(*arguments)
    return subprocess.CompletedProcess(arguments, int(result.ret), result.stdout.str(), result.stderr.str())


def test_readme_user_test_files_record_then_replay_offline(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    tmp_path = pytester.path
    for name, text in user_test_files().items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    with readme_sandbox() as hub:
        recorded = run_user_suite(pytester, monkeypatch, "--suprsend-record-mode=once", base_url=hub.url)
        assert recorded.returncode == 0, recorded.stdout + recorded.stderr
        assert "3 passed" in recorded.stdout
        dead_url = hub.url
    cassettes = list((tmp_path / "tests" / "cassettes").rglob("*.json"))
    assert len(cassettes) == 1
    assert README_SECRET not in cassettes[0].read_text(encoding="utf-8")

    # The hub is gone: only the replay fixture's test can pass now, and it must, from its cassette alone.
    replayed = run_user_suite(pytester, monkeypatch, "test_recorded.py", base_url=dead_url)
    assert replayed.returncode == 0, replayed.stdout + replayed.stderr
    assert "1 passed" in replayed.stdout
