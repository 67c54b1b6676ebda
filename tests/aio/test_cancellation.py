"""Cancelling a task in the middle of an async bulk send: it stops at once, nothing starts afterwards, no
connection stays checked out, and the partial response with its outcomes is reachable.

No test here measures time: the answers in flight would take far longer than the test's own guard
(``GUARD_S``), so a cancellation that waited for them would fail it.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from suprsend_typed import (
    AiohttpTransport,
    AsyncHandler,
    AsyncSuprsend,
    BulkCancelledError,
    Event,
    Request,
    Response,
)
from suprsend_typed._bulk.response import BulkResponse
from suprsend_typed._generated.limits import MAX_EVENTS_PER_BULK
from tests.bulk.test_bulk_client import _scripted
from tests.core.fakes import AsyncFakeTransport, FakeTransport
from tests.core.loopback import LoopbackServer
from tests.reliability.hung_server import never_answering_server

from .test_wire_identity import KEY, SECRET

SLOW_ANSWER_S = 60.0  # how long each answer would take: far beyond the guard
GUARD_S = 10.0  # fails the test instead of hanging it if cancellation waited for the answers
CHUNKS = 20


async def events() -> AsyncIterator[Event]:
    for n in range(CHUNKS * MAX_EVENTS_PER_BULK):
        yield Event(f"user-{n}", "order_placed", {"n": n})


async def _cancel_once_sending(
    client: AsyncSuprsend, started: Any, concurrency: int
) -> tuple[asyncio.Task[None], list[BulkResponse]]:
    """Run a stream as a task, cancel it once ``started()`` holds, and return it with the response the
    task found on its ``BulkCancelledError``."""
    reached: list[BulkResponse] = []

    async def stream() -> None:
        try:
            await client.bulk_events.stream(events(), concurrency=concurrency)
        except BulkCancelledError as cancelled:
            reached.append(cancelled.response)
            raise

    task = asyncio.ensure_future(stream())
    while not started():
        await asyncio.sleep(0.01)
    task.cancel()
    await asyncio.wait_for(asyncio.wait([task]), GUARD_S)
    return task, reached


def test_cancelling_a_stream_stops_it_and_keeps_its_outcomes() -> None:
    transport = AsyncFakeTransport(FakeTransport(answer=_scripted(["all_ok"], per_record=True)))

    async def run() -> None:
        async with AsyncSuprsend(KEY, SECRET, "http://127.0.0.1:9/", transport=transport) as client:
            transport.delay = SLOW_ANSWER_S
            task, reached = await _cancel_once_sending(client, lambda: len(transport.sent) >= 3, 3)
            assert task.cancelled()
            assert transport.in_flight == 0  # every send ended with the task
            sent = len(transport.sent)
            await asyncio.sleep(0.05)
            assert len(transport.sent) == sent == 3  # nothing started after the task ended

            (response,) = reached
            assert response.unknown == 3 * MAX_EVENTS_PER_BULK  # the three chunks in flight
            assert response.success == 0
            assert response.total == response.unknown + response.not_sent
            assert {failed["outcome"] for failed in response.failed_records} == {"unknown", "not_sent"}

            transport.delay = 0.0  # the hub is quick again: everything read is sent again, same keys
            again = await response.retry_failed()
            assert again.success == again.total == response.total
            first_bodies = transport.fake.bodies()[:3]
            assert transport.fake.bodies()[3:6] == first_bodies

    asyncio.run(run())


def test_cancelling_a_stream_over_aiohttp_leaves_no_connection_checked_out() -> None:
    """With a pool of 3 connections all stuck on a hub that never answers, cancelling must give them back:
    a call to another hub through the same pool then goes through (it would wait forever otherwise)."""
    server = LoopbackServer()

    async def run(hung_url: str) -> None:
        opened: list[Request] = []

        async def count(request: Request, call_next: AsyncHandler) -> Response:
            opened.append(request)
            return await call_next(request)

        transport = AiohttpTransport(pool_size=3)
        client = AsyncSuprsend(
            KEY,
            SECRET,
            hung_url,
            transport=transport,
            middleware=[count],
            timeout=SLOW_ANSWER_S,
            max_retries=0,
        )
        other_hub = AsyncSuprsend(KEY, SECRET, server.base_url, transport=transport, max_retries=0)
        try:
            task, reached = await _cancel_once_sending(client, lambda: len(opened) >= 3, 3)
            assert task.cancelled() and reached[0].unknown == 3 * MAX_EVENTS_PER_BULK
            call = other_hub.track_event(Event("u-1", "order_placed", {}))
            result = await asyncio.wait_for(call, GUARD_S)
            assert result["success"] is True, result
        finally:
            await transport.aclose()

    try:
        with never_answering_server() as hung_url:
            asyncio.run(run(hung_url))
    finally:
        server.close()
    assert len(server.received) == 1


def test_cancelling_a_single_call_during_retry_backoff_ends_it_at_once() -> None:
    from tests.core.fakes import reply

    busy = reply(503, {"message": "busy"}, headers={"retry-after-ms": str(int(SLOW_ANSWER_S * 1000))})
    transport = AsyncFakeTransport(FakeTransport(default=busy))

    async def run() -> None:
        async with AsyncSuprsend(KEY, SECRET, "http://127.0.0.1:9/", transport=transport) as client:
            task = asyncio.ensure_future(client.workflows.trigger({"workflow": "w", "recipients": ["u"]}))
            while not transport.sent:
                await asyncio.sleep(0.01)
            task.cancel()
            await asyncio.wait_for(asyncio.wait([task]), GUARD_S)
            assert task.cancelled()
            assert len(transport.sent) == 1

    asyncio.run(run())


@pytest.mark.parametrize("concurrency", [1, 4])
def test_cancelling_before_any_answer_counts_every_record_read(concurrency: int) -> None:
    transport = AsyncFakeTransport(FakeTransport(answer=_scripted(["all_ok"], per_record=True)))
    transport.delay = SLOW_ANSWER_S

    async def run() -> BulkResponse:
        async with AsyncSuprsend(KEY, SECRET, "http://127.0.0.1:9/", transport=transport) as client:
            task, reached = await _cancel_once_sending(
                client, lambda: len(transport.sent) >= concurrency, concurrency
            )
            assert task.cancelled() and transport.in_flight == 0
            return reached[0]

    response = asyncio.run(run())
    assert response.unknown == concurrency * MAX_EVENTS_PER_BULK
    assert response.total == response.unknown + response.not_sent
