"""A record source that raises mid-stream: what it gave is sent and counted, then the error is raised."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET

from suprsend_typed._bulk import BulkSourceError
from suprsend_typed._client import Suprsend
from suprsend_typed._event import Event
from suprsend_typed._generated.limits import MAX_EVENTS_PER_BULK
from suprsend_typed._http import Request, Response
from tests.core.fakes import FakeTransport

BASE_URL = "http://127.0.0.1:9/"
PULLED = 2 * MAX_EVENTS_PER_BULK + MAX_EVENTS_PER_BULK // 2  # the last chunk is still pending at the error
REFUSED_CHUNK_START = MAX_EVENTS_PER_BULK  # the scripted hub refuses the chunk that starts here


def _hub_answer(request: Request) -> Response:
    """Answers per record, except a 400 for the chunk starting at ``REFUSED_CHUNK_START``."""
    numbers = _numbers(request)
    if numbers[0] == REFUSED_CHUNK_START:
        error = {"error": {"message": "bad chunk", "type": "validation_error"}}
        return Response(status_code=400, content=json.dumps(error).encode())
    records = [{"status": "success", "status_code": 202, "message_id": f"m{n}"} for n in numbers]
    return Response(status_code=207, content=json.dumps({"records": records}).encode())


def _numbers(request: Request) -> list[int]:
    return [int(body["distinct_id"].removeprefix("user-")) for body in json.loads(request.content)]


def _sent(hub: FakeTransport) -> list[int]:
    """The records sent, by number, in arrival order."""
    return [n for request in hub.sent for n in _numbers(request)]


def _client(hub: FakeTransport) -> Suprsend:
    return Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, BASE_URL, transport=hub, max_retries=0)


def _failing_source(count: int, failure: Exception) -> Iterator[Event]:
    for n in range(count):
        yield Event(f"user-{n}", "signed_up", {"n": n})
    raise failure


@pytest.mark.parametrize("concurrency", [1, 2, 4])
def test_records_read_before_a_source_error_are_sent_and_reported(concurrency: int) -> None:
    hub = FakeTransport(answer=_hub_answer)
    failure = ValueError("bad row 251")
    progress: list[tuple[int, int]] = []

    with pytest.raises(BulkSourceError) as caught:
        _client(hub).bulk_events.stream(
            _failing_source(PULLED, failure),
            concurrency=concurrency,
            on_progress=lambda done, failed: progress.append((done, failed)),
        )

    response = caught.value.response
    assert caught.value.__cause__ is failure
    assert sorted(_sent(hub)) == list(range(PULLED))
    assert (response.total, response.success, response.failure) == (
        PULLED,
        PULLED - MAX_EVENTS_PER_BULK,
        MAX_EVENTS_PER_BULK,
    )
    assert response.status == "partial"
    assert {failed["code"] for failed in response.failed_records} == {400}
    assert progress[-1] == (PULLED, MAX_EVENTS_PER_BULK)
    assert f"total: {PULLED}" in str(caught.value)


@pytest.mark.parametrize("concurrency", [1, 2])
def test_wrong_kind_items_read_before_the_error_are_counted_too(concurrency: int) -> None:
    hub = FakeTransport(answer=_hub_answer)

    def source() -> Iterator[object]:
        yield Event("user-0", "signed_up", {})
        yield "not an event"
        raise KeyError("row")

    with pytest.raises(BulkSourceError) as caught:
        _client(hub).bulk_events.stream(source(), concurrency=concurrency)  # type: ignore[arg-type]

    response = caught.value.response
    assert isinstance(caught.value.__cause__, KeyError)
    assert _sent(hub) == [0]
    assert (response.total, response.success, response.failure) == (2, 1, 1)


def test_a_source_failing_at_once_sends_nothing_and_still_raises() -> None:
    hub = FakeTransport(answer=_hub_answer)

    with pytest.raises(BulkSourceError) as caught:
        _client(hub).bulk_events.stream(_failing_source(0, RuntimeError("no file")), concurrency=2)

    assert _sent(hub) == []
    assert caught.value.response.total == 0
    assert isinstance(caught.value.__cause__, RuntimeError)


def test_a_source_that_ends_normally_raises_nothing() -> None:
    hub = FakeTransport(answer=_hub_answer)

    response = _client(hub).bulk_events.stream(
        (Event(f"user-{n}", "signed_up", {}) for n in range(MAX_EVENTS_PER_BULK // 2)), concurrency=2
    )

    assert (response.total, response.success) == (MAX_EVENTS_PER_BULK // 2, MAX_EVENTS_PER_BULK // 2)
