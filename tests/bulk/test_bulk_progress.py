"""A failing ``on_progress`` stops sending without losing the accounting of a single record."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator

import pytest
from support.cores import RecordingCore, accept_each, recording_core

from suprsend_typed import BulkProgressError
from suprsend_typed._bulk.bulk import BulkEventsFactory, BulkInstance
from suprsend_typed._bulk.progress import ProgressCallback
from suprsend_typed._event import Event
from suprsend_typed._http import Request, Response

EVENTS_PER_CHUNK = 100


class CallbackBug(Exception):
    pass


def _events(count: int) -> list[Event]:
    return [Event(f"user-{n}", "order_placed", {"n": n}) for n in range(count)]


def _failing_on_call(number: int) -> tuple[list[tuple[int, int]], ProgressCallback]:
    calls: list[tuple[int, int]] = []

    def on_progress(done: int, failed: int) -> None:
        calls.append((done, failed))
        if len(calls) == number:
            raise CallbackBug(f"call {number}")

    return calls, on_progress


def _instance(count: int) -> tuple[RecordingCore, BulkInstance[Event]]:
    """A bulk instance holding ``count`` events, over a client that accepts every record."""
    client = recording_core()
    bulk = BulkEventsFactory(client).new_instance()  # type: ignore[arg-type]
    bulk.append(*_events(count))
    return client, bulk


def _sent_numbers(client: RecordingCore) -> list[int]:
    return [body["properties"]["n"] for bodies in client.sent_bodies() for body in bodies]  # type: ignore[index]


@pytest.mark.parametrize("concurrency", [1, 4])
def test_a_bulk_instance_counts_every_record_and_says_which_were_not_sent(concurrency: int) -> None:
    client, bulk = _instance(1_000)
    calls, on_progress = _failing_on_call(2)

    with pytest.raises(BulkProgressError) as raised:
        bulk.trigger(concurrency=concurrency, on_progress=on_progress)

    response = raised.value.response
    assert isinstance(raised.value.__cause__, CallbackBug)
    assert response.total == 1_000 == response.success + response.failure
    sent = _sent_numbers(client)
    assert response.success == len(sent)  # every record sent was accepted and counted
    not_sent = [f for f in response.failed_records if f["error"].startswith("not sent: on_progress raised")]
    assert len(not_sent) == response.failure == 1_000 - len(sent)
    assert {f["record"]["properties"]["n"] for f in not_sent} | set(sent) == set(range(1_000))  # type: ignore[index]
    assert all(f["code"] == 400 for f in not_sent)
    if concurrency == 1:  # with helpers, chunks they took before the failure was seen are sent too
        assert len(client.sent) == 2
    assert len(calls) == 2  # never called again after it raised


def test_sequential_instance_stops_right_after_the_chunk_whose_report_failed() -> None:
    client, bulk = _instance(1_000)
    _, on_progress = _failing_on_call(3)

    with pytest.raises(BulkProgressError) as raised:
        bulk.trigger(concurrency=1, on_progress=on_progress)

    assert _sent_numbers(client) == list(range(3 * EVENTS_PER_CHUNK))
    assert raised.value.response.success == 3 * EVENTS_PER_CHUNK
    assert "CallbackBug: call 3" in str(raised.value)


def test_chunks_no_thread_took_when_the_callback_failed_are_reported_as_not_sent() -> None:
    """At concurrency > 1 the chunks nobody took must come back as "not sent" records.

    With a client that answers at once, the helpers take every chunk before the calling thread's first
    report fails, so there are none. Here the helpers are held until the callback has failed (chunk 0, the
    first to be reported, answers at once on any thread), and the calling thread's other chunks wait for
    chunk 0's answer: only a handful of the 20 chunks are ever taken.
    """
    caller = threading.get_ident()
    chunk_zero_answered, callback_failed = threading.Event(), threading.Event()

    def answer(request: Request) -> Response:
        first = json.loads(request.content)[0]["properties"]["n"]
        if first == 0:
            response = accept_each(request)
            chunk_zero_answered.set()
            return response
        held_until = chunk_zero_answered if threading.get_ident() == caller else callback_failed
        assert held_until.wait(timeout=10)
        return accept_each(request)

    def on_progress(done: int, failed: int) -> None:
        callback_failed.set()
        raise CallbackBug("first report")

    client = recording_core(answer)
    bulk = BulkEventsFactory(client).new_instance()  # type: ignore[arg-type]
    bulk.append(*_events(2_000))
    with pytest.raises(BulkProgressError) as raised:
        bulk.trigger(concurrency=4, on_progress=on_progress)

    response = raised.value.response
    sent = _sent_numbers(client)
    not_sent = [f for f in response.failed_records if f["error"].startswith("not sent: on_progress raised")]
    assert 0 < len(sent) <= 10 * EVENTS_PER_CHUNK  # chunk 0, one per helper, a few of the calling thread's
    assert (response.total, response.success, response.failure) == (2_000, len(sent), 2_000 - len(sent))
    assert len(not_sent) == 2_000 - len(sent)
    assert sorted(f["record"]["properties"]["n"] for f in not_sent) == sorted(  # type: ignore[index]
        set(range(2_000)) - set(sent)
    )


@pytest.mark.parametrize("concurrency", [1, 3])
def test_a_stream_reads_no_further_and_accounts_for_everything_it_read(concurrency: int) -> None:
    client = recording_core()
    pulled = 0

    def source() -> Iterator[Event]:
        nonlocal pulled
        for event in _events(5_000):
            pulled += 1
            yield event

    _, on_progress = _failing_on_call(1)
    with pytest.raises(BulkProgressError) as raised:
        BulkEventsFactory(client).stream(  # type: ignore[arg-type]
            source(),
            concurrency=concurrency,
            on_progress=on_progress,
        )

    response = raised.value.response
    assert response.total == pulled == response.success + response.failure
    assert pulled <= (concurrency + 2) * EVENTS_PER_CHUNK  # the source was not read to its end
    assert response.success == len(_sent_numbers(client))


def test_a_failure_in_the_last_report_still_returns_the_whole_response_in_the_error() -> None:
    _, bulk = _instance(50)
    _, on_progress = _failing_on_call(1)

    with pytest.raises(BulkProgressError) as raised:
        bulk.trigger(on_progress=on_progress)

    assert (raised.value.response.total, raised.value.response.success) == (50, 50)


def test_keyboard_interrupt_in_the_callback_is_not_swallowed() -> None:
    client, bulk = _instance(300)

    def on_progress(done: int, failed: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        bulk.trigger(concurrency=1, on_progress=on_progress)
    assert len(client.sent) == 1
    assert not [t for t in threading.enumerate() if t.name.startswith("suprsend-bulk")]


def test_a_callback_that_never_fails_is_called_on_the_calling_thread_after_each_chunk_in_order() -> None:
    client, bulk = _instance(1_000)
    calls: list[tuple[int, int]] = []

    def on_progress(done: int, failed: int) -> None:
        calls.append((done, threading.get_ident()))

    response = bulk.trigger(on_progress=on_progress)

    assert response.success == 1_000 == len(_sent_numbers(client))
    assert [done for done, _ in calls] == list(range(EVENTS_PER_CHUNK, 1_001, EVENTS_PER_CHUNK))
    assert {thread for _, thread in calls} == {threading.get_ident()}


@pytest.mark.parametrize("concurrency", [1, 3])
def test_records_read_into_a_half_packed_chunk_are_counted_when_a_stream_stops(concurrency: int) -> None:
    # About 300 KB each: chunks close by size after 2 records, while the chunker reads windows of records
    # ahead; those read but not packed yet must be counted too.
    client = recording_core()
    pulled = 0

    def source() -> Iterator[Event]:
        nonlocal pulled
        for n in range(60):
            pulled += 1
            yield Event(f"user-{n}", "order_placed", {"n": n, "blob": "x" * 300_000})

    _, on_progress = _failing_on_call(1)
    with pytest.raises(BulkProgressError) as raised:
        BulkEventsFactory(client).stream(  # type: ignore[arg-type]
            source(), concurrency=concurrency, on_progress=on_progress
        )

    response = raised.value.response
    assert pulled < 60
    assert response.total == pulled == response.success + response.failure
    assert response.success == len(_sent_numbers(client))
    assert all(f["error"].startswith("not sent: on_progress raised") for f in response.failed_records)


def test_an_on_failure_callback_that_raises_stops_a_stream_like_on_progress() -> None:
    client = recording_core(lambda request: Response(status_code=503, content=b"down"))

    def on_failure(failed: object) -> None:
        raise CallbackBug("full")

    with pytest.raises(BulkProgressError, match="on_failure raised CallbackBug") as raised:
        BulkEventsFactory(client).stream(_events(1_000), on_failure=on_failure)  # type: ignore[arg-type]
    assert len(client.sent) == 1
    assert raised.value.response.failure == raised.value.response.total


@pytest.mark.parametrize("concurrency", [1, 4])
def test_an_on_failure_that_raises_for_a_record_refused_before_sending_stops_a_stream_with_its_response(
    concurrency: int,
) -> None:
    # The failed record comes from the stream itself (an object of the wrong kind), not from a chunk's
    # answer: the callback's failure must still become BulkProgressError with every record read counted.
    client = recording_core()
    items: list[object] = [*_events(5), "not an event", *_events(5)]

    def on_failure(failed: object) -> None:
        raise CallbackBug("full")

    with pytest.raises(BulkProgressError, match="on_failure raised CallbackBug") as raised:
        BulkEventsFactory(client).stream(  # type: ignore[arg-type]
            items, concurrency=concurrency, on_failure=on_failure
        )

    response = raised.value.response
    assert response.total == response.success + response.failure
    assert response.success == len(_sent_numbers(client))
    assert response.total >= 6  # the five events read before the refused item, and the item itself
