"""suprsend_typed's AsyncSuprsend: one event loop, the default aiohttp transport."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from suprsend_typed import AsyncSuprsend, Event, Workflow

from ..payloads import event_field_stream, workflow_body
from ..settings import WORKSPACE_KEY, WORKSPACE_SECRET
from ..workload import Outcome, Workload


def concurrent_triggers(url: str, *, calls: int, warmup: int, threads: int) -> Workload:
    """``calls`` legacy triggers all at once on one event loop (``threads`` is the sync side's count)."""
    loop = asyncio.new_event_loop()
    client = AsyncSuprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url=url)

    async def trigger_all(count: int) -> int:
        results = await asyncio.gather(
            *(client.trigger_workflow(Workflow(body=workflow_body(i))) for i in range(count))
        )
        return sum(bool(result["success"]) for result in results)

    loop.run_until_complete(trigger_all(warmup))  # opens the pool's connections, as the threads' warm-up

    def run() -> Outcome:
        return Outcome(total=calls, success=loop.run_until_complete(trigger_all(calls)))

    return run


def stream_events(url: str, *, count: int, concurrency: int) -> Workload:
    loop = asyncio.new_event_loop()
    client = AsyncSuprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url=url)

    async def events() -> AsyncIterator[Event]:
        for fields in event_field_stream(count):
            yield Event(*fields)

    def run() -> Outcome:
        response = loop.run_until_complete(client.bulk_events.stream(events(), concurrency=concurrency))
        return Outcome(total=response.total, success=response.success)

    return run
