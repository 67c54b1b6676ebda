"""The plugin's async fixtures under both async test runners, pytest-asyncio and anyio.

The replay tests were recorded once with ``--suprsend-record-mode=once`` (against the sandbox); by default
they replay their committed cassettes and the hub sees nothing.
"""

from __future__ import annotations

import pytest

from suprsend_typed import AsyncReplayTransport, Event, WorkflowTriggerRequest
from suprsend_typed.pytest_plugin import AsyncSandboxFixture


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"  # aiohttp, the default transport, runs on asyncio


async def trigger_on_sandbox(sandbox: AsyncSandboxFixture, runner: str) -> None:
    async with sandbox.client() as client:
        request = WorkflowTriggerRequest({"workflow": "welcome", "recipients": ["u1"], "data": {"r": runner}})
        result = await client.workflows.trigger(request)
    assert result["success"], result
    [record] = sandbox.hub.records("workflow_trigger")
    assert record["body"]["data"] == {"r": runner}


@pytest.mark.asyncio
async def test_async_sandbox_fixture_under_pytest_asyncio(
    suprsend_async_sandbox: AsyncSandboxFixture,
) -> None:
    await trigger_on_sandbox(suprsend_async_sandbox, "pytest-asyncio")


@pytest.mark.anyio
async def test_async_sandbox_fixture_under_anyio(suprsend_async_sandbox: AsyncSandboxFixture) -> None:
    await trigger_on_sandbox(suprsend_async_sandbox, "anyio")


async def replay_calls(
    replay: AsyncReplayTransport, sandbox: AsyncSandboxFixture, request: pytest.FixtureRequest
) -> None:
    credentials = sandbox.hub.credentials
    client = replay.client(credentials.workspace_key, credentials.workspace_secret, sandbox.url)
    async with client:  # its ids come from the cassette
        trigger = await client.workflows.trigger(
            WorkflowTriggerRequest(body={"workflow": "welcome", "recipients": ["u1"], "data": {}})
        )
        event = await client.track_event(Event("u1", "signed_up", {"plan": "pro"}))
    assert (trigger["status_code"], event["status_code"]) == (202, 202)
    if request.config.getoption("--suprsend-record-mode") == "none":
        assert sandbox.hub.requests() == []
        assert replay.play_count == 2


@pytest.mark.asyncio
async def test_async_replay_fixture_under_pytest_asyncio(
    suprsend_async_replay: AsyncReplayTransport,
    suprsend_async_sandbox: AsyncSandboxFixture,
    request: pytest.FixtureRequest,
) -> None:
    await replay_calls(suprsend_async_replay, suprsend_async_sandbox, request)


@pytest.mark.anyio
async def test_async_replay_fixture_under_anyio(
    suprsend_async_replay: AsyncReplayTransport,
    suprsend_async_sandbox: AsyncSandboxFixture,
    request: pytest.FixtureRequest,
) -> None:
    await replay_calls(suprsend_async_replay, suprsend_async_sandbox, request)
