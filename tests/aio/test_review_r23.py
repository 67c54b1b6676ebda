"""Defects found in review of the async bulk path (r23), each pinned by a test."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from suprsend_typed import AsyncSuprsend, BulkCancelledError, Event
from suprsend_typed._bulk.response import BaseBulkResponse
from tests.bulk.test_bulk_client import _scripted
from tests.core.fakes import AsyncFakeTransport, FakeTransport

from .test_wire_identity import KEY, SECRET

GUARD_S = 10.0


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
