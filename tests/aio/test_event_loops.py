"""One ``AsyncSuprsend`` used on several event loops, as the README's module-level client is under
``asyncio.run`` twice or pytest-asyncio (a loop per test): every loop gets its own connections, and each
loop's connections are closed with it, so nothing warns of an unclosed session or socket."""

from __future__ import annotations

import asyncio
import gc
import threading
import warnings
from collections.abc import Iterator

import pytest

from suprsend_typed import AsyncSuprsend, ClientClosedError, Event
from suprsend_typed.pytest_plugin import SandboxFixture


@pytest.fixture
def unclosed_warnings() -> Iterator[list[warnings.WarningMessage]]:
    """The ResourceWarnings (unclosed sockets, transports, aiohttp sessions) raised during the test,
    collected after a garbage collection so that finalisers have run."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", ResourceWarning)
        found: list[warnings.WarningMessage] = []
        yield found
        gc.collect()
        found.extend(w for w in caught if issubclass(w.category, ResourceWarning))


def _client(sandbox: SandboxFixture) -> AsyncSuprsend:
    credentials = sandbox.hub.credentials
    return AsyncSuprsend(credentials.workspace_key, credentials.workspace_secret, sandbox.url)


async def _track(client: AsyncSuprsend, n: int) -> bool:
    result = await client.track_event(Event(f"user-{n}", "order_placed", {"n": n}))
    return bool(result["success"])


def test_a_client_made_outside_any_loop_serves_one_asyncio_run_after_another(
    suprsend_sandbox: SandboxFixture, unclosed_warnings: list[warnings.WarningMessage]
) -> None:
    client = _client(suprsend_sandbox)
    assert asyncio.run(_track(client, 1))
    assert asyncio.run(_track(client, 2))

    async def last_and_close() -> bool:
        try:
            return await _track(client, 3)
        finally:
            await client.aclose()

    assert asyncio.run(last_and_close())
    gc.collect()
    assert suprsend_sandbox.hub.counts()["accepted"] == 3
    assert unclosed_warnings == []


def test_concurrent_calls_on_a_new_loop_share_one_session(suprsend_sandbox: SandboxFixture) -> None:
    client = _client(suprsend_sandbox)

    async def many() -> list[bool]:
        try:
            return await asyncio.gather(*(_track(client, n) for n in range(20)))
        finally:
            await client.aclose()

    assert asyncio.run(_track(client, 0))
    assert all(asyncio.run(many()))
    assert suprsend_sandbox.hub.counts()["accepted"] == 21


def test_a_loop_closed_without_shutting_down_leaves_no_error_for_the_next_loop(
    suprsend_sandbox: SandboxFixture,
) -> None:
    """``loop.close()`` without ``shutdown_asyncgens`` cannot close its connections (aiohttp leaves them to
    the garbage collector then); the next loop still works and nothing raises ``Event loop is closed``."""
    client = _client(suprsend_sandbox)
    loop = asyncio.new_event_loop()
    try:
        assert loop.run_until_complete(_track(client, 1))
    finally:
        loop.close()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ResourceWarning)  # the bare close's sockets, as aiohttp leaves them
        assert asyncio.run(_track(client, 2))
        asyncio.run(client.aclose())
        gc.collect()


def test_aclose_closes_the_session_of_a_loop_running_in_another_thread(
    suprsend_sandbox: SandboxFixture, unclosed_warnings: list[warnings.WarningMessage]
) -> None:
    client = _client(suprsend_sandbox)
    other = asyncio.new_event_loop()
    thread = threading.Thread(target=other.run_forever)
    thread.start()
    try:
        assert asyncio.run_coroutine_threadsafe(_track(client, 1), other).result()
        assert asyncio.run(_track(client, 2))
        asyncio.run(client.aclose())  # closes the other thread's session on that thread's loop
        with pytest.raises(ClientClosedError):
            asyncio.run_coroutine_threadsafe(_track(client, 3), other).result()
    finally:
        other.call_soon_threadsafe(other.stop)
        thread.join()
        other.close()
    assert suprsend_sandbox.hub.counts()["accepted"] == 2
    assert unclosed_warnings == []
