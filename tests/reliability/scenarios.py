"""Fault scenarios against the sandbox hub, shared by the delivery tests and the secret scan."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import attrs

from suprsend_typed._bulk.response import BulkResponse
from suprsend_typed._client import Suprsend
from suprsend_typed._event import Event
from suprsend_typed._http import Timeout
from suprsend_typed._workflow import WorkflowTriggerRequest
from suprsend_typed.sandbox import Fault, Sandbox

# Distinctive credentials, so a scan for them cannot match anything else by chance.
WORKSPACE_KEY = "reliability_workspace_key_0001"  # `env` must be >= 20 characters
WORKSPACE_UID = "reliability_workspace_uid_0001"
WORKSPACE_SECRET = "rel-SECRET-q7Hz2pX9vLw4"
API_KEY = "rel-APIKEY-Vb3Nm8Kt5Rc1"

READ_TIMEOUT = 0.3  # seconds; slow faults beyond it make the client time out and retry
TIMEOUT = Timeout(connect=1.0, read=READ_TIMEOUT)
SLOW_BUT_IN_TIME = Fault(kind="latency", latency_s=READ_TIMEOUT / 10)
SLOWER_THAN_TIMEOUT = Fault(kind="latency", latency_s=READ_TIMEOUT * 2)
SHORT_RETRY_AFTER = Fault(kind="rate_limit", retry_after=0.01)


@attrs.frozen(kw_only=True)
class FaultPlan:
    """Rules for ``sandbox.faults.add``: each fault either at fixed request positions or at a rate."""

    at: tuple[tuple[Fault, frozenset[int]], ...] = ()
    rates: tuple[tuple[Fault, float], ...] = ()

    def apply(self, sandbox: Sandbox) -> None:
        for fault, positions in self.at:
            sandbox.faults.add(fault, at=positions)
        for fault, rate in self.rates:
            sandbox.faults.add(fault, rate=rate)


# About 20 % of requests fail, and every kind of fault fires at least once (fixed positions).
MIXED_FAULTS = FaultPlan(
    at=(
        (Fault(kind="drop_after"), frozenset({3, 41})),
        (SLOWER_THAN_TIMEOUT, frozenset({7})),
        (SHORT_RETRY_AFTER, frozenset({11})),
        (Fault(kind="drop_before"), frozenset({13})),
        (Fault(kind="status", status=500), frozenset({17})),
        (Fault(kind="status", status=503), frozenset({19})),
        (SLOW_BUT_IN_TIME, frozenset({23})),
    ),
    rates=(
        (Fault(kind="status", status=500), 0.05),
        (Fault(kind="status", status=503), 0.04),
        (SHORT_RETRY_AFTER, 0.03),
        (Fault(kind="drop_before"), 0.03),
        (Fault(kind="drop_after"), 0.02),
        (SLOW_BUT_IN_TIME, 0.02),
        (SLOWER_THAN_TIMEOUT, 0.01),
    ),
)


def start_sandbox() -> Sandbox:
    return Sandbox(
        workspace_key=WORKSPACE_KEY,
        workspace_secret=WORKSPACE_SECRET,
        api_keys=(API_KEY,),
        workspace_uid=WORKSPACE_UID,
    ).start()


def hmac_client(sandbox: Sandbox, *, max_retries: int, sleep: Callable[[float], None]) -> Suprsend:
    return Suprsend(
        WORKSPACE_KEY, WORKSPACE_SECRET, sandbox.url, max_retries=max_retries, timeout=TIMEOUT, sleep=sleep
    )


def bearer_client(sandbox: Sandbox, *, max_retries: int, sleep: Callable[[float], None]) -> Suprsend:
    return Suprsend.with_workspace_api_key(
        WORKSPACE_UID, API_KEY, sandbox.url, max_retries=max_retries, timeout=TIMEOUT, sleep=sleep
    )


def events(count: int) -> Iterator[Event]:
    return (Event(f"user-{n}", "order_placed", {"n": n, "note": "ü ✓"}) for n in range(count))


def workflow_triggers(count: int) -> list[WorkflowTriggerRequest]:
    return [
        WorkflowTriggerRequest({"workflow": "welcome", "recipients": [f"user-{n}"], "data": {"n": n}})
        for n in range(count)
    ]


def send_events(client: Suprsend, count: int, *, concurrency: int) -> BulkResponse:
    return client.bulk_events.stream(events(count), concurrency=concurrency)


def send_workflows(client: Suprsend, count: int, *, concurrency: int) -> BulkResponse:
    bulk = client.workflows.bulk_trigger_instance()
    bulk.append(*workflow_triggers(count))
    return bulk.trigger(concurrency=concurrency)


def accepted(sandbox: Sandbox, kind: str) -> list[dict[str, Any]]:
    return sandbox.records(kind, "accepted")
