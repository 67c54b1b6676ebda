"""The async bulk path accounts for every record when sending stops early (cancellation, 401, a callback
that raises), as the sync client does; and the aiohttp transport reads answer headers as urllib3 does."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Awaitable

import pytest

from suprsend_typed import AsyncSuprsend, BulkCancelledError, Event, Response, Suprsend
from suprsend_typed._bulk.errors import BulkAuthenticationError
from suprsend_typed._bulk.progress import BulkProgressError
from suprsend_typed._bulk.response import BaseBulkResponse
from suprsend_typed._generated.limits import MAX_EVENTS_PER_BULK
from tests.bulk.test_bulk_client import _scripted
from tests.core.fakes import AsyncFakeTransport, FakeTransport, reply

from .test_wire_identity import KEY, SECRET

GUARD_S = 10.0


async def _cancelled_while_sending(
    transport: AsyncFakeTransport, send: Awaitable[object], *, cancels: int = 1
) -> BaseBulkResponse:
    """Run ``send`` in a task, cancel it ``cancels`` times once two requests are in flight, and give the
    response its ``BulkCancelledError`` carried; the task must end cancelled, holding no connection."""
    reached: list[BaseBulkResponse] = []

    async def sending() -> None:
        try:
            await send
        except BulkCancelledError as cancelled:
            reached.append(cancelled.response)
            raise

    task = asyncio.ensure_future(sending())
    while len(transport.sent) < 2:
        await asyncio.sleep(0.01)
    for _ in range(cancels):
        task.cancel()
        await asyncio.sleep(0)  # the task now waits for its chunk tasks to end
    await asyncio.wait_for(asyncio.wait([task]), GUARD_S)
    assert task.cancelled() and transport.in_flight == 0
    (response,) = reached
    return response


def test_cancelling_while_an_async_source_waits_keeps_the_records_it_gave() -> None:
    """Records read from an async source into a batch not yet packed are counted (not sent) when the task is
    cancelled while the source waits for its next item: none is lost from the response."""
    transport = AsyncFakeTransport(FakeTransport(answer=_scripted(["all_ok"], per_record=True)))
    gave = 0

    async def run() -> BaseBulkResponse:
        nonlocal gave
        stuck = asyncio.Event()

        async def source() -> AsyncIterator[Event]:
            nonlocal gave
            for n in range(7):
                gave += 1
                yield Event(f"user-{n}", "order_placed", {"n": n})
            await stuck.wait()  # the next item never comes

        reached: list[BaseBulkResponse] = []
        async with AsyncSuprsend(KEY, SECRET, "http://127.0.0.1:9/", transport=transport) as client:

            async def stream() -> None:
                try:
                    await client.bulk_events.stream(source())
                except BulkCancelledError as cancelled:
                    reached.append(cancelled.response)
                    raise

            task = asyncio.ensure_future(stream())
            while gave < 7:
                await asyncio.sleep(0.01)
            await asyncio.sleep(0.01)
            task.cancel()
            await asyncio.wait_for(asyncio.wait([task]), GUARD_S)
            assert task.cancelled()
        return reached[0]

    response = asyncio.run(run())
    assert transport.sent == []
    assert response.total == 7
    assert response.not_sent == 7


@pytest.mark.parametrize("concurrency", [1, 2])
def test_a_401_stopping_an_async_bulk_instance_counts_every_record_appended(concurrency: int) -> None:
    """As the sync ``trigger()``: the records of an instance never sent after a 401 are ``not_sent``, all of
    them, so ``total`` is the number of records appended."""
    refused = reply(401, {"message": "bad key"})
    items = 5 * MAX_EVENTS_PER_BULK
    records = [Event(f"user-{n}", "order_placed", {"n": n}) for n in range(items)]
    by_sync = FakeTransport(default=refused)
    with Suprsend(KEY, SECRET, "http://127.0.0.1:9/", transport=by_sync, max_retries=0) as client:
        bulk = client.bulk_events.new_instance()
        bulk.append(*records)
        with pytest.raises(BulkAuthenticationError) as sync_raised:
            bulk.trigger(concurrency=concurrency)
    assert sync_raised.value.response.total == items

    by_async = AsyncFakeTransport(FakeTransport(default=refused))

    async def run() -> None:
        async with AsyncSuprsend(
            KEY, SECRET, "http://127.0.0.1:9/", transport=by_async, max_retries=0
        ) as client:
            bulk = client.bulk_events.new_instance()
            bulk.append(*records)
            await bulk.trigger(concurrency=concurrency)

    with pytest.raises(BulkAuthenticationError) as raised:
        asyncio.run(run())
    response = raised.value.response
    assert response.total == response.failure == items  # how many were sent before the stop may differ
    assert response.not_sent == items - len(by_async.sent) * MAX_EVENTS_PER_BULK
    assert response.unknown == 0


def test_cancelling_an_async_bulk_instance_counts_every_record_appended() -> None:
    """Cancelled with two chunks in flight, an instance's response holds all its records: those in flight
    as ``unknown``, every other one as ``not_sent`` (none dropped because reading had stopped)."""
    transport = AsyncFakeTransport(FakeTransport(answer=_scripted(["all_ok"], per_record=True)))
    transport.delay = 60.0
    items = 5 * MAX_EVENTS_PER_BULK

    async def run() -> BaseBulkResponse:
        async with AsyncSuprsend(KEY, SECRET, "http://127.0.0.1:9/", transport=transport) as client:
            bulk = client.bulk_events.new_instance()
            bulk.append(*(Event(f"user-{n}", "order_placed", {"n": n}) for n in range(items)))
            return await _cancelled_while_sending(transport, bulk.trigger(concurrency=2))

    response = asyncio.run(run())
    assert response.unknown == 2 * MAX_EVENTS_PER_BULK
    assert response.not_sent == 3 * MAX_EVENTS_PER_BULK
    assert response.total == items


def test_the_aiohttp_transport_keeps_every_value_of_a_repeated_answer_header_as_urllib3() -> None:
    """A header the hub repeats reads as its values joined by ", " from both clients (the last one alone
    from the async client dropped the others)."""
    from tests.core.loopback import LoopbackServer, Reply

    server = LoopbackServer()
    repeated = Reply(
        status=200,
        body=b"{}",
        headers=(("Content-Type", "application/json"), ("X-Thing", "a"), ("x-thing", "b")),
    )
    server.replies = [repeated, repeated]
    try:
        with Suprsend(KEY, SECRET, server.base_url, max_retries=0) as client:
            by_sync = client.request("GET", "v1/thing")

        async def run() -> Response:
            async with AsyncSuprsend(KEY, SECRET, server.base_url, max_retries=0) as client:
                return await client.request("GET", "v1/thing")

        by_async = asyncio.run(run())
    finally:
        server.close()
    assert by_sync.headers.get("x-thing") == "a, b"
    assert by_async.headers.get("x-thing") == by_sync.headers.get("x-thing")
    assert list(by_async.headers) == list(by_sync.headers)


def test_a_second_cancel_while_the_chunks_in_flight_end_still_gives_the_response() -> None:
    """A task cancelled twice (a shutdown that cancels every task again) still ends with
    ``BulkCancelledError`` and its response: the second cancel must not cut short the wait for the chunk
    tasks being cancelled, which would lose every outcome."""
    transport = AsyncFakeTransport(FakeTransport(answer=_scripted(["all_ok"], per_record=True)))
    transport.delay = 60.0
    items = 4 * MAX_EVENTS_PER_BULK

    async def run() -> BaseBulkResponse:
        async with AsyncSuprsend(KEY, SECRET, "http://127.0.0.1:9/", transport=transport) as client:
            records = [Event(f"user-{n}", "order_placed", {"n": n}) for n in range(items)]
            stream = client.bulk_events.stream(records, concurrency=2)
            return await _cancelled_while_sending(transport, stream, cancels=2)

    response = asyncio.run(run())
    assert len(transport.sent) == 2
    assert response.unknown == 2 * MAX_EVENTS_PER_BULK
    assert response.total == response.unknown + response.not_sent


@pytest.mark.parametrize("concurrency", [1, 4])
def test_an_on_failure_that_raises_for_a_refused_item_stops_an_async_stream_with_its_response(
    concurrency: int,
) -> None:
    """As the sync ``stream()``: the callback's exception becomes ``BulkProgressError`` carrying a response
    that counts every record read, not a bare exception that loses them."""
    transport = AsyncFakeTransport(FakeTransport(answer=_scripted(["all_ok"], per_record=True)))
    items: list[object] = [
        *(Event(f"user-{n}", "order_placed", {"n": n}) for n in range(5)),
        "not an event",
        *(Event(f"user-{n}", "order_placed", {"n": n}) for n in range(5, 10)),
    ]

    def on_failure(failed: object) -> None:
        raise RuntimeError("callback bug")

    async def run() -> BaseBulkResponse:
        async with AsyncSuprsend(KEY, SECRET, "http://127.0.0.1:9/", transport=transport) as client:
            with pytest.raises(BulkProgressError, match="on_failure raised RuntimeError") as raised:
                await client.bulk_events.stream(  # type: ignore[arg-type]
                    items, concurrency=concurrency, on_failure=on_failure
                )
        return raised.value.response

    response = asyncio.run(run())
    sent = sum(len(json.loads(request.content)) for request in transport.sent)
    assert response.total == response.success + response.failure
    assert response.success == sent
    assert response.total >= 6  # the five events read before the refused item, and the item itself
