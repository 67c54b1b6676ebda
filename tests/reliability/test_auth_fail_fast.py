"""Wrong credentials stop a bulk or a stream at the first 401 or 403, with a typed error that carries the
partial response; a stream's failures never grow with its input.

Before: a stream of 20,000 events with a wrong secret sent all 200 chunks, got 200 x 401 and kept all
20,000 records in ``failed_records``.
"""

from __future__ import annotations

from collections.abc import Iterator
from http import HTTPStatus

import pytest

from suprsend_typed import BulkAuthenticationError
from suprsend_typed._bulk.bulk import STREAM_FAILED_RECORDS_KEPT
from suprsend_typed._bulk.response import FailedRecord
from suprsend_typed._client import Suprsend
from suprsend_typed._errors import AuthenticationError
from suprsend_typed._event import Event
from suprsend_typed.sandbox import Fault, Sandbox

from .scenarios import TIMEOUT, WORKSPACE_KEY, accepted, events

EVENTS = 2_000  # 20 chunks
WRONG_SECRET = "not-the-workspace-secret-0001"


def wrong_client(sandbox: Sandbox) -> Suprsend:
    return Suprsend(WORKSPACE_KEY, WRONG_SECRET, sandbox.url, timeout=TIMEOUT, max_retries=0)


@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_stream_with_wrong_credentials_stops_reading_and_sending(
    sandbox: Sandbox, concurrency: int
) -> None:
    read = 0

    def counted() -> Iterator[Event]:
        nonlocal read
        for event in events(20_000):
            read += 1
            yield event

    with pytest.raises(BulkAuthenticationError) as raised:
        wrong_client(sandbox).bulk_events.stream(counted(), concurrency=concurrency)

    error = raised.value
    assert isinstance(error.__cause__, AuthenticationError)
    assert error.status_code == HTTPStatus.UNAUTHORIZED
    assert len(sandbox.requests()) <= concurrency  # no chunk taken after the 401 was seen
    response = error.response
    assert response.total == read < 20_000  # the rest stays in the caller's iterator
    assert (response.success, response.failure) == (0, read)
    assert response.not_sent == read - len(sandbox.requests()) * 100
    assert len(response.failed_records) <= STREAM_FAILED_RECORDS_KEPT


def test_a_bulk_instance_stopped_by_wrong_credentials_can_be_sent_with_the_right_ones(
    sandbox: Sandbox,
) -> None:
    bulk = wrong_client(sandbox).bulk_events.new_instance()
    bulk.append(*events(EVENTS))
    with pytest.raises(BulkAuthenticationError) as raised:
        bulk.trigger(concurrency=4)

    response = raised.value.response
    refused = [f for f in response.failed_records if f["outcome"] == "failed"]
    assert {f["code"] for f in refused} == {HTTPStatus.UNAUTHORIZED}
    # The chunks in flight when the first 401 came back, and at most one more per other helper, taken in the
    # instant before it stopped them: never the 20 chunks of the bulk.
    assert len(refused) <= (2 * 4 - 1) * 100
    assert response.not_sent == EVENTS - len(refused) > 0
    assert response.total == response.failure == EVENTS

    resent = sandbox.client().bulk_events.resend(response.failed_records)
    assert (resent.total, resent.success) == (EVENTS, EVENTS)
    rows = accepted(sandbox, "event")
    assert sorted(row["body"]["properties"]["n"] for row in rows) == list(range(EVENTS))


def test_a_403_stops_sending_too(sandbox: Sandbox) -> None:
    sandbox.faults.add(Fault(kind="status", status=403), rate=1.0)
    with pytest.raises(BulkAuthenticationError) as raised:
        sandbox.client(max_retries=0).bulk_events.stream(events(EVENTS))
    assert raised.value.status_code == HTTPStatus.FORBIDDEN
    assert len(sandbox.requests()) == 1


def test_a_stream_in_which_everything_fails_keeps_a_bounded_list_with_exact_counts(sandbox: Sandbox) -> None:
    sandbox.faults.add(Fault(kind="status", status=503), rate=1.0)
    client = sandbox.client(max_retries=0)
    response = client.bulk_events.stream(events(3_000), concurrency=2)
    assert (response.total, response.failure) == (3_000, 3_000)
    assert len(response.failed_records) == STREAM_FAILED_RECORDS_KEPT
    assert response.failed_records_omitted == 3_000 - STREAM_FAILED_RECORDS_KEPT

    taken: list[FailedRecord] = []
    counted = client.bulk_events.stream(events(3_000), concurrency=2, on_failure=taken.append)
    assert (counted.failure, counted.failed_records, len(taken)) == (3_000, [], 3_000)
