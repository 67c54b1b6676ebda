"""``AsyncSuprsend.background()``: the sync client's ``BackgroundSender``, fed from async code, sending
through a sync chain built from the async client's own configuration (same credentials, base URL, headers,
timeout and retries), so the bytes on the wire are the sync client's."""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest

from suprsend_typed import (
    AsyncSuprsend,
    BackgroundSender,
    ClientClosedError,
    Event,
    SenderClosedError,
    SenderStoppedError,
    Suprsend,
    SuprsendConfigError,
    WorkflowTriggerRequest,
)
from suprsend_typed._async_background import AsyncClientSender
from suprsend_typed._http import Request, Response
from suprsend_typed._urllib3_transport import Urllib3Transport
from suprsend_typed.pytest_plugin import AsyncSandboxFixture, SandboxFixture
from tests.core.fakes import AsyncFakeTransport
from tests.core.loopback import LoopbackServer, Reply

from .test_wire_identity import KEY, NOW, SECRET, _ids

WAIT = 10.0  # the longest any flush here may take on a loaded machine; a bound, never a measured time
# Longer than any test: a batch goes on flush() only, so each sender sends exactly one request.
ON_FLUSH_ONLY = 3600.0
EVENTS = 3


@pytest.mark.asyncio
async def test_the_async_clients_sender_queues_and_sends_every_kind_to_the_sandbox(
    suprsend_async_sandbox: AsyncSandboxFixture, suprsend_sandbox: SandboxFixture
) -> None:
    hub = suprsend_async_sandbox.hub
    async with suprsend_async_sandbox.client() as client:
        sender = client.background(flush_interval=ON_FLUSH_ONLY)
        assert isinstance(sender, BackgroundSender)
        for n in range(EVENTS):
            sender.track_event(Event("u1", "signed_up", {"n": n}, idempotency_key=f"ev-{n}"))
        sender.trigger(
            WorkflowTriggerRequest(
                {"workflow": "welcome", "recipients": ["u1"], "data": {}}, idempotency_key="wf-1"
            )
        )
        edit = suprsend_sandbox.client.users.get_edit_instance("u3")
        edit.set("name", "Ada")
        sender.edit(edit)
        assert sender.stats().pending == EVENTS + 2
        assert await asyncio.to_thread(sender.flush, WAIT)
        stats = sender.stats()
        assert (stats.pending, stats.sent, stats.dead_letters, stats.dropped) == (0, EVENTS + 2, 0, 0)
    # aclose() closed the sender.
    with pytest.raises(SenderClosedError):
        sender.track_event(Event("u1", "signed_up"))
    accepted = hub.records("event", "accepted")
    assert {record["idempotency_key"] for record in accepted} == {f"ev-{n}" for n in range(EVENTS)}
    (trigger,) = hub.records("workflow_trigger", "accepted")
    assert trigger["idempotency_key"] == "wf-1"
    assert len(hub.records("identity_event", "accepted")) == 1
    assert not [r for r in hub.requests() if r["path"].startswith("/v2/event")]  # bulk endpoints only


def _bulk_accepted(records: int) -> Reply:
    results = [{"status": "success", "status_code": 202}] * records
    return Reply(status=207, body=json.dumps({"records": results}).encode())


def _send_three(sender: BackgroundSender) -> None:
    for n in range(EVENTS):
        sender.track_event(Event("u1", "order_placed", {"n": n}))
    assert sender.flush(WAIT)


def test_the_async_clients_sender_puts_the_sync_clients_bytes_on_the_wire() -> None:
    """Same fixed clock and ids: method, path, every header (Date, signature, user agent) and the body
    bytes agree."""
    server = LoopbackServer()
    server.replies = [_bulk_accepted(EVENTS), _bulk_accepted(EVENTS)]
    options: dict[str, Any] = {"timeout": 7.5, "max_retries": 1, "app_info": {"name": "shop", "version": "2"}}
    try:
        sync_client = Suprsend(KEY, SECRET, server.base_url, clock=lambda: NOW, id_factory=_ids(), **options)
        with sync_client, sync_client.background(flush_interval=ON_FLUSH_ONLY) as sync_sender:
            _send_three(sync_sender)
        async_client = AsyncSuprsend(
            KEY, SECRET, server.base_url, clock=lambda: NOW, id_factory=_ids(), **options
        )
        with async_client.background(flush_interval=ON_FLUSH_ONLY) as async_sender:
            _send_three(async_sender)
        asyncio.run(async_client.aclose())
    finally:
        server.close()
    from_sync, from_async = server.received
    assert from_sync.path == from_async.path == "/v2/bulk/event/"
    assert from_async.method == from_sync.method
    assert from_async.headers == from_sync.headers
    assert from_async.body == from_sync.body
    assert len(json.loads(from_async.body)) == EVENTS


def test_a_with_options_copy_gives_its_sender_its_own_timeout_and_retries() -> None:
    client = AsyncSuprsend(KEY, SECRET, "http://127.0.0.1:9/")
    copy = client.with_options(timeout=3.0, max_retries=0)
    sender = copy.background()
    assert isinstance(sender, AsyncClientSender)
    try:
        core = sender._thread_core  # the sync core the sender's thread sends through
        assert (core.timeout.connect, core.max_retries) == (3.0, 0)
        assert core.base_url == client.base_url
    finally:
        sender.close()
        asyncio.run(client.aclose())


async def _passing(request: Request, call_next: object) -> Response:  # an async middleware
    raise AssertionError("never called")


@pytest.mark.parametrize(
    ("options", "named"),
    [({"middleware": [_passing]}, "middleware="), ({"transport": AsyncFakeTransport()}, "transport=")],
)
def test_a_client_with_async_middleware_or_transport_refuses_background_naming_the_fix(
    options: dict[str, object], named: str
) -> None:
    client = AsyncSuprsend(KEY, SECRET, "http://127.0.0.1:9/", **options)  # type: ignore[arg-type]
    with pytest.raises(SuprsendConfigError, match=f"{named}.*Suprsend\\(") as refused:
        client.background()
    assert "background()" in str(refused.value)
    asyncio.run(client.aclose())


def test_closing_the_sender_closes_its_transport_and_a_closed_client_stops_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    closed: list[Urllib3Transport] = []
    close = Urllib3Transport.close

    def recording_close(transport: Urllib3Transport) -> None:
        closed.append(transport)
        close(transport)

    monkeypatch.setattr(Urllib3Transport, "close", recording_close)
    server = LoopbackServer()
    server.replies = [_bulk_accepted(EVENTS)]
    try:
        client = AsyncSuprsend(KEY, SECRET, server.base_url)
        sender = client.background(flush_interval=ON_FLUSH_ONLY)
        _send_three(sender)
        assert closed == []
        assert sender.close(WAIT)
        assert len(closed) == 1  # the sender's own transport, at its close
        asyncio.run(client.aclose())
        later = client.background(flush_interval=ON_FLUSH_ONLY)  # its first send finds the client closed
        later.track_event(Event("u1", "order_placed"))
        with pytest.raises(SenderStoppedError) as stopped:
            later.flush(WAIT)
        assert isinstance(stopped.value.__cause__, ClientClosedError)
        with pytest.raises(SenderStoppedError):
            later.close(WAIT)
        assert len(set(map(id, closed))) == 2  # closing again (aclose() closes every sender) is harmless
    finally:
        server.close()
