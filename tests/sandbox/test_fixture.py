"""The ``suprsend_sandbox`` fixture as a user's suite uses it: application code that builds its own client
from the environment reaches the sandbox, never production; the state comes from ``suprsend_sandbox_seed``."""

from __future__ import annotations

import os
import textwrap

import pytest

from suprsend_typed.pytest_plugin import SandboxFixture

pytest_plugins = ("pytester",)

INLINE_SUITE = """
import os

import pytest

from suprsend_typed import Event, Suprsend


@pytest.fixture
def suprsend_sandbox_seed():
    return {"users": [{"distinct_id": "u1", "name": "Ann"}], "tenants": [{"tenant_id": "acme"}]}


def send_signup():
    # Application code: it knows nothing of tests and builds its client from the environment.
    client = Suprsend()
    try:
        return client.track_event(Event("u1", "signed_up"))
    finally:
        client.close()


def test_app_code_reaches_the_sandbox(suprsend_sandbox):
    assert os.environ["SUPRSEND_BASE_URL"] == suprsend_sandbox.url
    assert send_signup()["success"]
    assert suprsend_sandbox.hub.counts()["accepted"] == 1
    assert suprsend_sandbox.hub.store.profile("u1")["properties"] == {"name": "Ann"}
    assert list(suprsend_sandbox.hub.store.entities("tenants")) == ["acme"]


def test_the_environment_is_restored_after_the_test():
    assert os.environ["SUPRSEND_BASE_URL"] == "https://production.invalid/"
    assert os.environ["SUPRSEND_WORKSPACE_KEY"] == "production-key"
    assert "SUPRSEND_API_KEY" not in os.environ
    assert "SUPRSEND_WORKSPACE_UID" not in os.environ
"""


def test_fixture_points_app_code_at_the_sandbox_and_restores_the_environment(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A nested session in this process (pytester), so that it loads the plugin by its entry point as a
    user's run does, without a new interpreter's imports."""
    pytester.makepyfile(test_app=textwrap.dedent(INLINE_SUITE))
    for name in [name for name in os.environ if name.startswith("SUPRSEND_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("SUPRSEND_BASE_URL", "https://production.invalid/")
    monkeypatch.setenv("SUPRSEND_WORKSPACE_KEY", "production-key")
    monkeypatch.setenv("SUPRSEND_WORKSPACE_SECRET", "production-secret")
    arguments = ["-q", "-p", "no:cacheprovider", "--rootdir", str(pytester.path)]
    arguments += ["test_app.py::test_app_code_reaches_the_sandbox"]
    arguments += ["test_app.py::test_the_environment_is_restored_after_the_test"]
    result = pytester.runpytest_inprocess(*arguments)
    assert result.ret == 0, result.stdout.str() + result.stderr.str()
    assert "2 passed" in result.stdout.str()


def test_fixture_sets_every_variable_a_client_reads(suprsend_sandbox: SandboxFixture) -> None:
    credentials = suprsend_sandbox.hub.credentials
    assert os.environ["SUPRSEND_BASE_URL"] == suprsend_sandbox.url
    assert os.environ["SUPRSEND_WORKSPACE_KEY"] == credentials.workspace_key
    assert os.environ["SUPRSEND_WORKSPACE_SECRET"] == credentials.workspace_secret
    assert os.environ["SUPRSEND_API_KEY"] in credentials.api_keys
    printed = suprsend_sandbox.hub.environment()
    assert os.environ["SUPRSEND_WORKSPACE_UID"] == printed["SUPRSEND_WORKSPACE_UID"]
