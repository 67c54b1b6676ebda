"""A failed record says whether the hub may have it, and failed records can be sent again under their own
keys, so that recovering from faults never delivers a record twice.

Before: a record whose answer was lost after it was sent (``drop_after``, a read timeout, or retries ending
in 5xx after such an attempt) was reported as a plain failure, though the hub had accepted it; resending
such records as new ``Event``s (fresh ``$insert_id``) delivered them twice.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest

from suprsend_typed._bulk.response import BulkResponse
from suprsend_typed._client import Suprsend
from suprsend_typed._errors import APIConnectionError, AuthenticationError
from suprsend_typed._event import Event
from suprsend_typed.sandbox import Fault, Sandbox

from .scenarios import (
    MIXED_FAULTS,
    TIMEOUT,
    WORKSPACE_KEY,
    WORKSPACE_SECRET,
    accepted,
    events,
    hmac_client,
    send_events,
    send_workflows,
)

DROP_AFTER = Fault(kind="drop_after")
UNAVAILABLE = Fault(kind="status", status=503)
EVENTS = 250  # three chunks
WORKFLOWS = 80  # two chunks


def accepted_events(sandbox: Sandbox) -> list[int]:
    return sorted(row["body"]["properties"]["n"] for row in accepted(sandbox, "event"))


def outcomes(response: BulkResponse) -> set[str]:
    return {failed["outcome"] for failed in response.failed_records}


def test_records_whose_answer_was_lost_are_unknown_and_resending_them_delivers_each_once(
    sandbox: Sandbox, retry_sleeps: list[float]
) -> None:
    sandbox.faults.add(DROP_AFTER, rate=1.0)
    with hmac_client(sandbox, max_retries=1, sleep=retry_sleeps.append) as client:
        lost = send_events(client, EVENTS, concurrency=2)
        assert (lost.failure, lost.unknown) == (EVENTS, EVENTS)
        assert outcomes(lost) == {"unknown"}
        assert accepted_events(sandbox) == list(range(EVENTS))  # the hub had every one of them

        sandbox.faults.clear()
        again = lost.retry_failed()
    assert (again.total, again.success, again.failure) == (EVENTS, EVENTS, 0)
    assert accepted_events(sandbox) == list(range(EVENTS))  # still once each: same $insert_id
    assert sandbox.counts()["duplicate"] >= EVENTS


def test_retries_ending_in_5xx_after_a_lost_answer_leave_the_outcome_unknown(
    sandbox: Sandbox, retry_sleeps: list[float]
) -> None:
    sandbox.faults.add(DROP_AFTER, at=[0])
    sandbox.faults.add(UNAVAILABLE, at=[1, 2])
    with hmac_client(sandbox, max_retries=2, sleep=retry_sleeps.append) as client:
        response = client.bulk_events.stream(events(10))
    assert {(f["code"], f["outcome"]) for f in response.failed_records} == {(503, "unknown")}
    assert accepted_events(sandbox) == list(range(10))


def test_answers_that_refused_every_attempt_are_known_failures(
    sandbox: Sandbox, retry_sleeps: list[float]
) -> None:
    sandbox.faults.add(UNAVAILABLE, rate=1.0)
    with hmac_client(sandbox, max_retries=1, sleep=retry_sleeps.append) as client:
        response = send_events(client, EVENTS, concurrency=2)
    assert (response.failure, response.unknown) == (EVENTS, 0)
    assert outcomes(response) == {"failed"}
    assert accepted_events(sandbox) == []


def test_a_connection_that_could_not_be_opened_is_a_known_failure(retry_sleeps: list[float]) -> None:
    with Sandbox() as hub:
        url = hub.url  # a port nothing listens on once the hub is gone
    client = Suprsend(
        WORKSPACE_KEY, WORKSPACE_SECRET, url, timeout=TIMEOUT, max_retries=1, sleep=retry_sleeps.append
    )
    response = client.bulk_events.stream(events(5))
    assert outcomes(response) == {"failed"} and response.unknown == 0
    result = client.track_event(Event("user-1", "order_placed"))
    with pytest.raises(APIConnectionError) as raised:
        result.raise_for_status()
    assert raised.value.outcome_unknown is False


def test_under_mixed_faults_failures_tell_the_truth_and_resending_completes_the_delivery(
    sandbox: Sandbox, retry_sleeps: list[float]
) -> None:
    """No retries, so many records fail. Every record the hub accepted but reported failed must be marked
    unknown; a known failure must really be missing. Resending the failed records, faults gone, then
    leaves every record accepted exactly once."""
    MIXED_FAULTS.apply(sandbox)
    with hmac_client(sandbox, max_retries=0, sleep=retry_sleeps.append) as client:
        events_result = send_events(client, 1_000, concurrency=4)
        workflows_result = send_workflows(client, 200, concurrency=2)
        for result, kind in ((events_result, "event"), (workflows_result, "workflow_trigger")):
            assert result.failure > 0
            key = "$insert_id" if kind == "event" else "$idempotency_key"
            kept = {row["body"][key] for row in accepted(sandbox, kind)}
            for failed in result.failed_records:
                assert failed["record"] is not None
                if failed["record"][key] in kept:  # the hub has it: the failure must not claim otherwise
                    assert failed["outcome"] == "unknown", failed
        sandbox.faults.clear()
        events_again = events_result.retry_failed()
        workflows_again = workflows_result.retry_failed()
    assert events_again.failure == workflows_again.failure == 0
    assert accepted_events(sandbox) == list(range(1_000))
    workflow_rows = accepted(sandbox, "workflow_trigger")
    assert sorted(row["body"]["data"]["n"] for row in workflow_rows) == list(range(200))


def test_a_single_call_keeps_its_fail_result_and_can_raise_it(sandbox: Sandbox) -> None:
    wrong = Suprsend(WORKSPACE_KEY, "not-the-secret-0000", sandbox.url, max_retries=0)
    result = wrong.track_event(Event("user-1", "order_placed"))
    assert (result["success"], result["status_code"]) == (False, HTTPStatus.UNAUTHORIZED)
    with pytest.raises(AuthenticationError):
        result.raise_for_status()
    right = sandbox.client()
    good = right.track_event(Event("user-1", "order_placed"))
    assert good.raise_for_status() is good
