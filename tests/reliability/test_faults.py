"""Bulk sends survive a faulty hub: every record delivered exactly once, or reported failed with its cause."""

from __future__ import annotations

import pytest

from suprsend_typed._bulk.response import BulkResponse
from suprsend_typed.sandbox import Fault, Sandbox

from .scenarios import (
    MIXED_FAULTS,
    SHORT_RETRY_AFTER,
    SLOWER_THAN_TIMEOUT,
    FaultPlan,
    accepted,
    hmac_client,
    send_events,
    send_workflows,
)

EVENTS = 10_000
WORKFLOWS = 2_000
# Enough retries that a chunk failing ~20 % of the time always gets through: 0.2**11 per chunk.
PATIENT_RETRIES = 10


def assert_all_succeeded(result: BulkResponse, count: int) -> None:
    assert (result.status, result.total, result.success, result.failure) == ("success", count, count, 0)
    assert result.failed_records == []


def test_mixed_faults_deliver_every_record_exactly_once(sandbox: Sandbox, retry_sleeps: list[float]) -> None:
    MIXED_FAULTS.apply(sandbox)
    with hmac_client(sandbox, max_retries=PATIENT_RETRIES, sleep=retry_sleeps.append) as client:
        events_result = send_events(client, EVENTS, concurrency=4)
        workflows_result = send_workflows(client, WORKFLOWS, concurrency=1)

    assert_all_succeeded(events_result, EVENTS)
    assert_all_succeeded(workflows_result, WORKFLOWS)

    counts = sandbox.counts()
    assert counts["accepted"] == EVENTS + WORKFLOWS
    assert counts["rejected"] == 0
    event_rows = accepted(sandbox, "event")
    assert sorted(row["body"]["properties"]["n"] for row in event_rows) == list(range(EVENTS))
    assert len({row["insert_id"] for row in event_rows}) == EVENTS
    workflow_rows = accepted(sandbox, "workflow_trigger")
    assert sorted(row["body"]["data"]["n"] for row in workflow_rows) == list(range(WORKFLOWS))
    assert len({row["idempotency_key"] for row in workflow_rows}) == WORKFLOWS

    # The faults really happened, and the retries that followed them were deduped by the hub.
    assert counts["requests_fault"] > 0 and counts["requests_dropped"] > 0
    assert counts["duplicate"] > 0
    assert len(retry_sleeps) >= counts["requests_fault"] + counts["requests_dropped"]
    assert 0.01 in retry_sleeps  # the 429's Retry-After was honoured


# fault, the code and the words every failed record must carry
NEVER_CLEARING = {
    "500": (Fault(kind="status", status=500), 500, "injected fault: status 500"),
    "503": (Fault(kind="status", status=503), 503, "injected fault: status 503"),
    "429": (SHORT_RETRY_AFTER, 429, "injected fault: 429"),
    "drop_before": (Fault(kind="drop_before"), 500, "RemoteDisconnected"),
    "drop_after": (Fault(kind="drop_after"), 500, "RemoteDisconnected"),
    "too_slow": (SLOWER_THAN_TIMEOUT, 500, "timed out"),
}
PROCESSED_WITHOUT_ANSWER = frozenset({"drop_after", "too_slow"})
SMALL_EVENTS = 150  # two chunks
SMALL_WORKFLOWS = 120  # two chunks
FEW_RETRIES = 2


@pytest.mark.parametrize("name", sorted(NEVER_CLEARING))
def test_faults_that_never_clear_fail_every_record_with_its_cause(
    name: str, sandbox: Sandbox, retry_sleeps: list[float]
) -> None:
    fault, code, cause = NEVER_CLEARING[name]
    FaultPlan(rates=((fault, 1.0),)).apply(sandbox)
    with hmac_client(sandbox, max_retries=FEW_RETRIES, sleep=retry_sleeps.append) as client:
        events_result = send_events(client, SMALL_EVENTS, concurrency=2)
        workflows_result = send_workflows(client, SMALL_WORKFLOWS, concurrency=2)

    for result, count in ((events_result, SMALL_EVENTS), (workflows_result, SMALL_WORKFLOWS)):
        assert (result.status, result.total, result.success, result.failure) == ("fail", count, 0, count)
        assert all(failed["code"] == code for failed in result.failed_records)
        assert all(cause in failed["error"] for failed in result.failed_records)
    # Each failed record names the record that was sent; none is missing or reported twice.
    assert sorted(
        failed_n(failed["record"], "properties") for failed in events_result.failed_records
    ) == list(range(SMALL_EVENTS))
    assert sorted(failed_n(failed["record"], "data") for failed in workflows_result.failed_records) == list(
        range(SMALL_WORKFLOWS)
    )
    chunks = 4
    assert len(retry_sleeps) == chunks * FEW_RETRIES

    sandbox.stop()  # lets requests the client gave up on finish, as a slow hub would
    counts = sandbox.counts()
    if name in PROCESSED_WITHOUT_ANSWER:
        # The hub kept each record once although the client never heard back, thanks to the fixed keys.
        assert counts["accepted"] == SMALL_EVENTS + SMALL_WORKFLOWS
        assert counts["duplicate"] == FEW_RETRIES * (SMALL_EVENTS + SMALL_WORKFLOWS)
    else:
        assert counts["accepted"] == 0


def failed_n(record: dict[str, object] | None, field: str) -> int:
    """The ``n`` the scenario put into a record's ``properties`` or ``data``."""
    assert record is not None
    values = record[field]
    assert isinstance(values, dict)
    return int(values["n"])
