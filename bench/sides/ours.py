"""suprsend_typed through its seed surface: the calls a user of the official SDK would port."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from suprsend_typed import Event, Suprsend, Workflow

from ..call_latency import percentiles, timed_calls
from ..payloads import event_field_stream, event_fields, workflow_body
from ..settings import WORKSPACE_KEY, WORKSPACE_SECRET
from ..workload import Outcome, Workload


def _client(url: str) -> Suprsend:
    return Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url=url)


def single(url: str, *, calls: int, warmup: int) -> Workload:
    client = _client(url)
    for i in range(warmup):
        client.trigger_workflow(Workflow(body=workflow_body(i)))

    def run() -> Outcome:
        accepted = 0
        for i in range(calls):
            accepted += bool(client.trigger_workflow(Workflow(body=workflow_body(i)))["success"])
        return Outcome(total=calls, success=accepted)

    return run


def concurrent_triggers(url: str, *, calls: int, warmup: int, threads: int) -> Workload:
    """``calls`` legacy triggers from ``threads`` threads sharing one client (``pool_size=threads``)."""
    client = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url=url, pool_size=threads)
    pool = ThreadPoolExecutor(max_workers=threads)

    def trigger(i: int) -> bool:
        return bool(client.trigger_workflow(Workflow(body=workflow_body(i)))["success"])

    sum(pool.map(trigger, range(warmup)))

    def run() -> Outcome:
        return Outcome(total=calls, success=sum(pool.map(trigger, range(calls))))

    return run


def bulk_events(url: str, *, count: int) -> Workload:
    client = _client(url)
    # One event sent before the timed part, on every side: import and first-use work (our namespaces'
    # models load at first use) and one pooled connection are set-up, not per-record cost.
    warm_up = client.bulk_events.new_instance()
    warm_up.append(Event(*event_fields(count)))
    warm_up.trigger()

    def run() -> Outcome:
        bulk = client.bulk_events.new_instance()
        bulk.append(*[Event(*event_fields(i)) for i in range(count)])
        response = bulk.trigger()
        return Outcome(total=response.total, success=response.success)

    return run


def stream_events(url: str, *, count: int, concurrency: int) -> Workload:
    client = _client(url)

    def run() -> Outcome:
        events = (Event(*fields) for fields in event_field_stream(count))
        response = client.bulk_events.stream(events, concurrency=concurrency)
        return Outcome(total=response.total, success=response.success)

    return run


def latency_workflows(url: str, *, count: int, concurrency: int) -> Workload:
    client = _client(url)

    def run() -> Outcome:
        workflows = (Workflow(body=workflow_body(i)) for i in range(count))
        response = client.bulk_workflows.stream(workflows, concurrency=concurrency)
        return Outcome(total=response.total, success=response.success)

    return run


def send_events_file(url: str, *, path: str, concurrency: int) -> Workload:
    """The library's ``.stream()`` on a JSON Lines file of events, read and parsed lazily: what a script
    around the library does, and what ``suprsend-typed send events`` is measured against."""
    client = _client(url)

    def events() -> Iterator[Event]:
        with open(path, "rb") as file:
            for line in file:
                fields = json.loads(line)
                yield Event(fields["distinct_id"], fields["event"], fields["properties"])

    def run() -> Outcome:
        response = client.bulk_events.stream(events(), concurrency=concurrency)
        return Outcome(total=response.total, success=response.success)

    return run


def track_latency(url: str, *, calls: int, warmup: int, mode: str) -> Workload:
    """Per-call latency of ``client.track_event`` (``mode`` sync) or ``sender.track_event`` (memory,
    durable); the sender is flushed after the timed calls, so every event is accounted for."""
    client = _client(url)
    folder = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    results: list[bool] = []
    track: Callable[[Event], object]
    if mode == "sync":
        track = lambda event: results.append(client.track_event(event)["success"])  # noqa: E731
    else:
        sender = client.background(folder / "outbox.db" if mode == "durable" else None)
        track = sender.track_event
    for i in range(warmup):
        track(Event(*event_fields(i)))
    results.clear()

    def run() -> Outcome:
        samples = timed_calls(lambda i: track(Event(*event_fields(i))), calls)
        if mode == "sync":
            accepted = sum(results)
        else:
            sender.close()
            accepted = sender.stats().sent - warmup
        shutil.rmtree(folder, ignore_errors=True)
        return Outcome(total=calls, success=accepted, extra=percentiles(samples))

    return run


def background_events(url: str, *, count: int, mode: str) -> Workload:
    """End to end: ``count`` events queued through a background sender (``mode``: memory or durable)
    until closing it has sent them all; compared with ``stream_events`` at the same concurrency (1)."""
    client = _client(url)
    folder = Path(tempfile.mkdtemp(prefix="bench-outbox-"))
    outbox = folder / "outbox.db" if mode == "durable" else None

    def run() -> Outcome:
        # The queue holds every event: the figure is the sending rate, not the full-queue policy.
        sender = client.background(outbox, max_queue=count)
        for fields in event_field_stream(count):
            sender.track_event(Event(*fields))
        sender.close()
        shutil.rmtree(folder, ignore_errors=True)
        return Outcome(total=count, success=sender.stats().sent)

    return run
