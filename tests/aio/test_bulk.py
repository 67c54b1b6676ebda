"""Async bulk: the same chunks, per-record outcomes, errors, retry_failed() and resend() as the sync bulk,
from sync and async record sources, with memory bounded by the chunks in flight."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Iterable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suprsend_typed import AsyncSuprsend, Event, Suprsend
from suprsend_typed._bulk.async_bulk import AsyncBulkResponse
from suprsend_typed._bulk.errors import BulkAuthenticationError
from suprsend_typed._bulk.response import BulkResponse
from suprsend_typed._bulk.source import BulkSourceError
from suprsend_typed._generated.limits import MAX_EVENTS_PER_BULK
from suprsend_typed._http import Request
from tests.bulk.test_bulk_client import BEHAVIOURS, _scripted
from tests.core.fakes import AsyncFakeTransport, FakeTransport, reply

from .test_wire_identity import BASE_URL, KEY, NOW, SECRET, _ids, wire


def sync_client(transport: FakeTransport) -> Suprsend:
    return Suprsend(
        KEY, SECRET, BASE_URL, transport=transport, clock=lambda: NOW, id_factory=_ids(), max_retries=0
    )


def async_client(transport: AsyncFakeTransport, **options: Any) -> AsyncSuprsend:
    options.setdefault("max_retries", 0)
    return AsyncSuprsend(
        KEY, SECRET, BASE_URL, transport=transport, clock=lambda: NOW, id_factory=_ids(), **options
    )


async def aiter_of(items: Iterable[Any]) -> AsyncIterator[Any]:
    for item in items:
        yield item


def events(kinds: list[str]) -> list[Event]:
    names = {"ok": "order_placed", "invalid": "$bad"}
    return [Event(f"user-{n}", names[kind], {"n": n}) for n, kind in enumerate(kinds)]


def summary(response: BulkResponse) -> tuple[Any, ...]:
    return (
        response.status,
        response.total,
        response.success,
        response.failure,
        response.unknown,
        response.not_sent,
        response.failed_records,
        response.warnings,
    )


def sorted_wire(requests: list[Request]) -> list[Any]:
    return sorted(wire(request) for request in requests)


@settings(max_examples=30, deadline=None)
@given(
    kinds=st.lists(st.sampled_from(["ok", "ok", "ok", "invalid"]), max_size=260),
    script=st.lists(st.sampled_from(BEHAVIOURS), min_size=1, max_size=5),
    concurrency=st.integers(1, 3),
    source=st.sampled_from(["sync", "async", "instance"]),
)
def test_async_bulk_sends_the_same_chunks_with_the_same_outcomes(
    kinds: list[str], script: list[str], concurrency: int, source: str
) -> None:
    by_sync = FakeTransport(answer=_scripted(script, per_record=True))
    with sync_client(by_sync) as client:
        if source == "instance":
            bulk = client.bulk_events.new_instance()
            bulk.append(*events(kinds))
            expected = bulk.trigger(concurrency=concurrency)
        else:
            expected = client.bulk_events.stream(iter(events(kinds)), concurrency=concurrency)

    by_async = AsyncFakeTransport(FakeTransport(answer=_scripted(script, per_record=True)))

    async def run() -> BulkResponse:
        async with async_client(by_async) as client:
            if source == "instance":
                bulk = client.bulk_events.new_instance()
                bulk.append(*events(kinds))
                return await bulk.trigger(concurrency=concurrency)
            items = events(kinds)
            records = aiter_of(items) if source == "async" else iter(items)
            return await client.bulk_events.stream(records, concurrency=concurrency)

    got = asyncio.run(run())
    assert isinstance(got, AsyncBulkResponse)
    assert summary(got) == summary(expected)
    assert sorted_wire(by_async.sent) == sorted_wire(by_sync.sent)


def test_an_async_source_is_read_about_as_far_as_the_chunks_in_flight() -> None:
    read = 0
    sent_records: list[int] = []
    ahead: list[int] = []
    concurrency = 3

    def answer(request: Request) -> Any:
        bodies = json.loads(request.content)
        sent_records.append(len(bodies))
        ahead.append(read - sum(sent_records))
        return reply(207, {"records": [{"status": "success", "status_code": 202}] * len(bodies)})

    async def source() -> AsyncIterator[Event]:
        nonlocal read
        for n in range(50 * MAX_EVENTS_PER_BULK):
            read += 1
            yield Event(f"user-{n}", "order_placed", {"n": n})

    transport = AsyncFakeTransport(FakeTransport(answer=answer), delay=0.001)

    async def run() -> BulkResponse:
        async with async_client(transport) as client:
            return await client.bulk_events.stream(source(), concurrency=concurrency)

    response = asyncio.run(run())
    assert response.success == response.total == 50 * MAX_EVENTS_PER_BULK
    # Never more than the chunks in flight, the open chunk and one batch read ahead of what was sent.
    assert max(ahead) <= (concurrency + 2) * MAX_EVENTS_PER_BULK


def test_retry_failed_and_resend_are_awaited_and_send_the_same_records_again() -> None:
    down = reply(503, {"message": "down"})
    transport = AsyncFakeTransport(
        FakeTransport(script=[down], answer=_scripted(["all_ok"], per_record=True))
    )

    async def run() -> tuple[BulkResponse, BulkResponse, BulkResponse]:
        async with async_client(transport) as client:
            first = await client.bulk_events.stream(aiter_of(events(["ok"] * 5)))
            again = await first.retry_failed()
            resent = await client.bulk_events.resend(first.failed_records)
            return first, again, resent

    first, again, resent = asyncio.run(run())
    assert (first.success, first.failure) == (0, 5)
    assert (again.success, again.failure, resent.success) == (5, 0, 5)
    bodies = transport.bodies()
    assert bodies[0] == bodies[1] == bodies[2]  # the same records, under the same $insert_id


def test_a_401_stops_an_async_stream_with_the_sync_error_and_response() -> None:
    refused = reply(401, {"message": "bad key"})
    items = 3 * MAX_EVENTS_PER_BULK
    by_sync = FakeTransport(default=refused)
    with pytest.raises(BulkAuthenticationError) as sync_raised, sync_client(by_sync) as client:
        client.bulk_events.stream(iter(events(["ok"] * items)))

    by_async = AsyncFakeTransport(FakeTransport(default=refused))

    async def run(records: Any) -> None:
        async with async_client(by_async) as client:
            await client.bulk_events.stream(records)

    for records in (iter(events(["ok"] * items)), aiter_of(events(["ok"] * items))):
        by_async.fake.sent.clear()
        with pytest.raises(BulkAuthenticationError) as raised:
            asyncio.run(run(records))
        assert len(by_async.sent) == len(by_sync.sent) == 1
        assert summary(raised.value.response)[:6] == summary(sync_raised.value.response)[:6]
        assert raised.value.response.total < items  # the source was read no further


def test_an_async_source_that_raises_sends_what_it_gave_then_raises_bulk_source_error() -> None:
    async def source() -> AsyncIterator[Event]:
        for item in events(["ok"] * 7):
            yield item
        raise RuntimeError("disk gone")

    transport = AsyncFakeTransport(FakeTransport(answer=_scripted(["all_ok"], per_record=True)))

    async def run() -> None:
        async with async_client(transport) as client:
            await client.bulk_events.stream(source())

    with pytest.raises(BulkSourceError) as raised:
        asyncio.run(run())
    assert raised.value.response.total == raised.value.response.success == 7
    assert isinstance(raised.value.__cause__, RuntimeError)
