"""A background sender's backlog: once ``BATCHES_PER_CYCLE`` batches wait, a cycle sends a kind's chunks
several at once (the kind's trigger concurrency), as a bulk ``trigger()`` does; a short queue goes one
chunk at a time, and profile edits always do, in the order they were queued."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from typing import Any

from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET

from suprsend_typed._background.delivery import LARGEST_CHUNK_RECORDS
from suprsend_typed._background.sender import BATCHES_PER_CYCLE, THREAD_NAME, BackgroundSender, SenderStats
from suprsend_typed._bulk.bulk import EVENTS, USERS
from suprsend_typed._client import Suprsend
from suprsend_typed._errors import AuthenticationError
from suprsend_typed._event import Event
from suprsend_typed._http import Request, Response
from tests.core.fakes import FakeTransport, reply

FAST = 0.01  # flush_interval: a batch goes almost at once
WAIT = 10.0  # the longest any wait here may take on a loaded machine; a bound, never a measured time
BATCH = 2  # max_batch: small chunks, so that a backlog is a few records


def _records(request: Request) -> list[dict[str, Any]]:
    body = json.loads(request.content)
    return body if isinstance(body, list) else [body]


def _accepted(request: Request) -> Response:
    return reply(207, {"records": [{"status": "success"}] * len(_records(request))})


class _Hub:
    """A transport answer that holds the first request until ``release()``, so that the test can queue a
    backlog behind it, and counts the requests in flight at once afterwards. ``answer`` says what each
    later request gets (all accepted by default); ``together`` requests after the first are held until
    that many are in flight at once (a barrier: it proves they were sent together)."""

    def __init__(self, *, together: int = 1, answer: Callable[[Request], Response] = _accepted) -> None:
        self._first = threading.Event()
        self.first_sent = threading.Event()
        self._answer = answer
        self._together = threading.Barrier(together, timeout=WAIT) if together > 1 else None
        self._lock = threading.Lock()
        self._requests = 0
        self.in_flight = 0
        self.most_in_flight = 0
        self.threads: set[str] = set()  # the names of the threads that sent the requests after the first

    def release(self) -> None:
        self._first.set()

    def __call__(self, request: Request) -> Response:
        with self._lock:
            self._requests += 1
            number = self._requests
            self.in_flight += 1
            if number > 1:
                self.most_in_flight = max(self.most_in_flight, self.in_flight)
                self.threads.add(threading.current_thread().name)
        try:
            if number == 1:
                self.first_sent.set()
                self._first.wait(WAIT)
                return _accepted(request)
            if self._together is not None and number <= 1 + self._together.parties:
                self._together.wait()
            return self._answer(request)
        finally:
            with self._lock:
                self.in_flight -= 1


def _held_sender(hub: _Hub, max_batch: int = BATCH) -> tuple[BackgroundSender, FakeTransport]:
    """A sender whose first record is held in flight by ``hub``: what is queued next waits behind it. Also
    the transport, which records every request sent."""
    transport = FakeTransport(answer=hub)
    client = Suprsend(
        WORKSPACE_KEY, WORKSPACE_SECRET, "http://127.0.0.1:9/", transport=transport, max_retries=0
    )
    sender = client.background(flush_interval=FAST, max_batch=max_batch)
    sender.track_event(Event("u0", "held"))
    assert hub.first_sent.wait(WAIT)
    return sender, transport


def _queue_events(sender: BackgroundSender, count: int) -> None:
    for n in range(count):
        sender.track_event(Event("u1", "queued", {"n": n}))


def _queue_edits(sender: BackgroundSender, count: int) -> None:
    """``count`` edits of one user, edit ``n`` setting ``step`` to ``n``."""
    users = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, "http://127.0.0.1:9/").users
    for n in range(count):
        edit = users.get_edit_instance("u1")
        edit.set("step", n)
        sender.edit(edit)


def _sent_all(hub: _Hub, sender: BackgroundSender) -> SenderStats:
    """Release the held record, wait until everything queued is settled, close; the stats before closing."""
    hub.release()
    assert sender.flush(timeout=WAIT)
    stats = sender.stats()
    sender.close()
    return stats


def _insert_ids(transport: FakeTransport) -> list[str]:
    return [str(record["$insert_id"]) for request in transport.sent for record in _records(request)]


def test_a_backlog_of_events_goes_several_chunks_at_once_each_record_once() -> None:
    concurrency = EVENTS.trigger_concurrency
    hub = _Hub(together=concurrency)
    sender, transport = _held_sender(hub)
    backlog = BATCHES_PER_CYCLE * BATCH
    _queue_events(sender, backlog)
    stats = _sent_all(hub, sender)

    assert hub.most_in_flight == concurrency  # the barrier let them through: sent together
    assert (stats.sent, stats.pending, stats.retried) == (backlog + 1, 0, 0)
    assert len(transport.sent) == 1 + backlog // BATCH  # chunks of max_batch records
    assert all(len(_records(request)) <= BATCH for request in transport.sent)
    sent = _insert_ids(transport)
    assert len(sent) == len(set(sent)) == backlog + 1  # every record once


def test_a_short_queue_goes_one_chunk_at_a_time() -> None:
    # The default batch holds several event chunks: a cycle without a backlog still sends them in turn.
    assert LARGEST_CHUNK_RECORDS > EVENTS.max_records
    hub = _Hub()
    sender, transport = _held_sender(hub, max_batch=LARGEST_CHUNK_RECORDS)
    queued = (BATCHES_PER_CYCLE - 1) * LARGEST_CHUNK_RECORDS  # one batch short of a backlog
    _queue_events(sender, queued)
    _sent_all(hub, sender)

    assert hub.most_in_flight == 1
    assert hub.threads == {THREAD_NAME}  # no helper thread was started
    assert len(transport.sent) == 1 + queued // EVENTS.max_records
    assert len(_insert_ids(transport)) == queued + 1


def test_a_backlog_of_profile_edits_goes_one_request_at_a_time_in_order() -> None:
    assert USERS.trigger_concurrency == 1
    hub = _Hub()
    sender, transport = _held_sender(hub)
    count = 2 * BATCHES_PER_CYCLE * BATCH
    _queue_edits(sender, count)
    _sent_all(hub, sender)

    assert hub.most_in_flight == 1
    assert hub.threads == {THREAD_NAME}
    steps = [
        record["$user_operations"][0]["$set"]["step"]
        for request in transport.sent[1:]
        for record in _records(request)
    ]
    assert steps == list(range(count))


def test_a_backlog_chunk_worth_another_try_is_sent_again_the_others_once() -> None:
    concurrency = EVENTS.trigger_concurrency
    busy_once = threading.Event()

    def answer(request: Request) -> Response:
        if any(record["properties"].get("n") == 0 for record in _records(request)):
            if not busy_once.is_set():
                busy_once.set()
                return reply(503, {"message": "busy"})
        return _accepted(request)

    hub = _Hub(together=concurrency, answer=answer)
    sender, transport = _held_sender(hub)
    backlog = BATCHES_PER_CYCLE * BATCH
    _queue_events(sender, backlog)
    stats = _sent_all(hub, sender)

    assert (stats.sent, stats.retried, stats.pending) == (backlog + 1, BATCH, 0)
    sent = _insert_ids(transport)
    assert len(sent) == backlog + 1 + BATCH  # the refused chunk twice, under the same keys
    assert len(set(sent)) == backlog + 1


def test_a_401_in_a_backlog_stops_the_sender_and_keeps_the_rest_queued() -> None:
    concurrency = EVENTS.trigger_concurrency
    hub = _Hub(answer=lambda request: reply(401, {"message": "bad signature"}))
    sender, transport = _held_sender(hub)
    backlog = BATCHES_PER_CYCLE * BATCH
    _queue_events(sender, backlog)
    hub.release()
    try:
        sender.flush(timeout=WAIT)
    except Exception as exc:  # noqa: BLE001 - checked just below
        stopped: BaseException = exc
    else:
        raise AssertionError("flush() did not raise after a 401")
    assert isinstance(stopped.__cause__, AuthenticationError)
    stats = sender.stats()
    assert stats.sent == 1 and stats.pending == backlog  # nothing of the backlog acknowledged or lost
    # Chunks already taken by a helper may still go; no new chunk is taken once the 401 is seen.
    assert len(transport.sent) - 1 <= concurrency


def test_closing_during_a_backlog_cycle_sends_no_chunk_not_taken_yet() -> None:
    # close() that gives up while a backlog cycle is sending lets the chunks in flight finish (without a
    # further attempt), but no thread takes a new chunk after it returned: the rest stays queued.
    concurrency = EVENTS.trigger_concurrency
    assert BATCHES_PER_CYCLE > concurrency
    gate = threading.Event()
    all_in_flight = threading.Event()
    arrived = 0
    arrived_lock = threading.Lock()

    def answer(request: Request) -> Response:
        nonlocal arrived
        with arrived_lock:
            arrived += 1
            if arrived == concurrency:
                all_in_flight.set()
        gate.wait(WAIT)
        return _accepted(request)

    hub = _Hub(together=concurrency, answer=answer)
    sender, transport = _held_sender(hub)
    backlog = BATCHES_PER_CYCLE * BATCH
    _queue_events(sender, backlog)
    hub.release()
    assert all_in_flight.wait(WAIT)
    assert sender.close(timeout=0) is False
    gate.set()
    sender._thread.join(WAIT)
    assert not sender._thread.is_alive()

    assert len(transport.sent) == 1 + concurrency  # the held record and the chunks in flight at close


def test_profile_edits_are_applied_in_order_when_an_edit_chunk_is_sent_again() -> None:
    # An edit chunk worth another try (a 503) stays at the head; the edits queued after it must not be
    # applied before it is, or the older edit would overwrite the newer one when it is sent again.
    busy_once = threading.Event()
    applied: list[int] = []

    def answer(request: Request) -> Response:
        steps = [record["$user_operations"][0]["$set"]["step"] for record in _records(request)]
        if 0 in steps and not busy_once.is_set():
            busy_once.set()
            return reply(503, {"message": "busy"})
        applied.extend(steps)
        return _accepted(request)

    hub = _Hub(answer=answer)
    sender, transport = _held_sender(hub)
    count = BATCHES_PER_CYCLE * BATCH
    _queue_edits(sender, count)
    stats = _sent_all(hub, sender)

    assert busy_once.is_set()
    assert applied == list(range(count))
    assert (stats.sent, stats.pending) == (count + 1, 0)
