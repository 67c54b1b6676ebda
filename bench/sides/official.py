"""The official ``suprsend-py-sdk==0.20.0``, used only as the comparison point."""

from __future__ import annotations

from suprsend import Event, Suprsend, Workflow

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
