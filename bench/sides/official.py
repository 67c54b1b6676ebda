"""The official ``suprsend-py-sdk==0.20.0``, used only as the comparison point."""

from __future__ import annotations

from suprsend import Event, Suprsend, Workflow

from ..call_latency import percentiles, timed_calls
from ..payloads import event_fields, workflow_body
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


def bulk_events(url: str, *, count: int) -> Workload:
    client = _client(url)

    def run() -> Outcome:
        bulk = client.bulk_events.new_instance()
        bulk.append(*[Event(*event_fields(i)) for i in range(count)])
        response = bulk.trigger()
        return Outcome(total=response.total, success=response.success)

    return run


def latency_workflows(url: str, *, count: int, concurrency: int) -> Workload:
    """Sequential by design: the official SDK has no concurrency option, so ``concurrency`` is unused."""
    client = _client(url)

    def run() -> Outcome:
        bulk = client.bulk_workflows.new_instance()
        bulk.append(*[Workflow(body=workflow_body(i)) for i in range(count)])
        response = bulk.trigger()
        return Outcome(total=response.total, success=response.success)

    return run


def track_latency(url: str, *, calls: int, warmup: int, mode: str) -> Workload:
    """Per-call latency of the official ``track_event`` (it has no background mode: ``mode`` is sync)."""
    if mode != "sync":
        raise ValueError(f"the official SDK sends synchronously only, not {mode!r}")
    client = _client(url)
    for i in range(warmup):
        client.track_event(Event(*event_fields(i)))
    results: list[bool] = []

    def run() -> Outcome:
        samples = timed_calls(
            lambda i: results.append(client.track_event(Event(*event_fields(i)))["success"]), calls
        )
        return Outcome(total=calls, success=sum(results), extra=percentiles(samples))

    return run
