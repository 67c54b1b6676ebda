"""suprsend_typed through its seed surface: the calls a user of the official SDK would port."""

from __future__ import annotations

import json
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

from suprsend_typed import Event, Suprsend, Workflow

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
