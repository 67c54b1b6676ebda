"""The background sender in memory: what it sends, how, and what it says when it cannot."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest
from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET

from suprsend_typed._background.delivery import LARGEST_CHUNK_RECORDS
from suprsend_typed._background.errors import (
    BackgroundSenderError,
    ForkedSenderError,
    OutboxLockedError,
    QueueFullError,
    SenderClosedError,
    SenderStoppedError,
)
from suprsend_typed._background.sender import BackgroundSender
from suprsend_typed._bulk.response import FailedRecord
from suprsend_typed._client import Suprsend
from suprsend_typed._errors import (
    DEFAULT_ERROR_STATUS,
    AuthenticationError,
    SuprsendConfigError,
    SuprsendError,
    ValidationError,
)
from suprsend_typed._event import Event
from suprsend_typed._generated.limits import MAX_EVENTS_PER_BULK
from suprsend_typed._http import Request, Response
from suprsend_typed._workflow import WorkflowTriggerRequest
from suprsend_typed.pytest_plugin import SandboxFixture
from tests.core.fakes import FakeTransport, reply

FAST = 0.01  # flush_interval of these tests: a batch goes almost at once
WAIT = 10.0  # the longest any flush here may take on a loaded machine; a bound, never a measured time


def _client(transport: FakeTransport) -> Suprsend:
    return Suprsend(
        WORKSPACE_KEY, WORKSPACE_SECRET, "http://127.0.0.1:9/", transport=transport, max_retries=0
    )


def _records(request: Request) -> list[dict[str, Any]]:
    body = json.loads(request.content)
    return body if isinstance(body, list) else [body]


def test_every_kind_reaches_the_hub_once_in_bulk_requests_with_its_keys(
    suprsend_sandbox: SandboxFixture,
) -> None:
    client, hub = suprsend_sandbox.client, suprsend_sandbox.hub
    events = 2 * MAX_EVENTS_PER_BULK + 5
    with client.background(flush_interval=FAST) as sender:
        for n in range(events):
            sender.track_event(Event("u1", "signed_up", {"n": n}, idempotency_key=f"ev-{n}"))
        sender.track("u2", "clicked", {"button": "buy"})
        sender.trigger(
            WorkflowTriggerRequest(
                {"workflow": "welcome", "recipients": ["u1"], "data": {}}, idempotency_key="wf-1"
            )
        )
        edit = client.users.get_edit_instance("u3")
        edit.set("name", "Ada")
        sender.edit(edit)
        assert sender.flush(timeout=WAIT)
        stats = sender.stats()
    assert (stats.pending, stats.sent, stats.dead_letters, stats.dropped) == (0, events + 3, 0, 0)

    accepted = hub.records("event", "accepted")
    assert len(accepted) == events + 1
    assert {record["idempotency_key"] for record in accepted} >= {f"ev-{n}" for n in range(events)}
    assert len({record["insert_id"] for record in accepted}) == events + 1  # each its own $insert_id
    (trigger,) = hub.records("workflow_trigger", "accepted")
    assert trigger["idempotency_key"] == "wf-1"
    assert len(hub.records("identity_event", "accepted")) == 1
    # Through the bulk endpoint, at most one chunk's worth of records per request.
    event_requests = [r for r in hub.requests() if r["path"].startswith("/v2/bulk/event")]
    assert len(event_requests) >= events // MAX_EVENTS_PER_BULK
    assert not [r for r in hub.requests() if r["path"].startswith("/v2/event")]


def test_bad_input_raises_on_the_calling_thread_and_queues_nothing() -> None:
    transport = FakeTransport()
    with _client(transport).background(flush_interval=FAST) as sender:
        with pytest.raises(ValidationError):
            sender.track_event(Event("", "signed_up"))
        with pytest.raises(TypeError, match="expects an Event"):
            sender.track_event({"event": "x"})  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="WorkflowTriggerRequest"):
            sender.trigger({"workflow": "w"})  # type: ignore[arg-type]
        with pytest.raises(TypeError, match="UserEdit"):
            sender.edit("u1")  # type: ignore[arg-type]
        assert sender.stats().pending == 0
    assert transport.sent == []


@pytest.mark.parametrize(
    "options",
    [
        {"max_batch": 0},
        {"max_batch": LARGEST_CHUNK_RECORDS + 1},
        {"max_queue": 0},
        {"flush_interval": -1.0},
        {"block_timeout": float("nan")},
        {"when_full": "wait"},
        {"on_error": "print"},
    ],
)
def test_bad_options_are_refused_before_a_thread_starts(options: dict[str, Any]) -> None:
    threads = threading.active_count()
    with pytest.raises(SuprsendConfigError):
        _client(FakeTransport()).background(**options)
    assert threading.active_count() == threads


def test_a_record_refused_for_good_goes_to_on_error_and_the_dead_letters_the_others_are_sent() -> None:
    def answer(request: Request) -> Response:
        results = [
            {"status": "error", "status_code": 400, "error": {"message": "bad event"}}
            if record["event"] == "broken"
            else {"status": "success"}
            for record in _records(request)
        ]
        return reply(207, {"records": results})

    failures: list[FailedRecord] = []
    with _client(FakeTransport(answer=answer)).background(
        flush_interval=FAST, on_error=failures.append
    ) as sender:
        sender.track_event(Event("u1", "fine"))
        sender.track_event(Event("u1", "broken", {"n": 1}))
        sender.track_event(Event("u1", "fine"))
        assert sender.flush(timeout=WAIT)
        stats = sender.stats()
        (letter,) = sender.dead_letters()
    assert (stats.sent, stats.dead_letters, stats.pending) == (2, 1, 0)
    # After the block (close()) the in-memory dead letters still answer, as stats() does.
    assert sender.dead_letters() == [letter] and sender.stats().dead_letters == 1
    assert sender.dead_letters(limit=0) == []
    (failure,) = failures
    assert failure["code"] == 400 and failure["outcome"] == "failed" and failure["error"] == "bad event"
    assert letter.record == failure["record"]
    assert letter.record["event"] == "broken" and letter.record["$insert_id"]


def test_retryable_failures_are_sent_again_under_the_same_keys() -> None:
    transport = FakeTransport(
        script=[reply(503, {"message": "busy"})],
        answer=lambda request: reply(207, {"records": [{"status": "success"}] * len(_records(request))}),
    )
    with _client(transport).background(flush_interval=FAST) as sender:
        sender.track_event(Event("u1", "signed_up"))
        assert sender.flush(timeout=WAIT)
        stats = sender.stats()
    assert (stats.sent, stats.retried, stats.dead_letters) == (1, 1, 0)
    first, second = transport.bodies()
    assert first == second  # the same $insert_id


def test_a_401_stops_the_sender_and_every_later_call_raises_it() -> None:
    transport = FakeTransport(default=reply(401, {"message": "bad signature"}))
    sender = _client(transport).background(flush_interval=FAST)
    sender.track_event(Event("u1", "signed_up"))
    with pytest.raises(SenderStoppedError) as stopped:
        sender.flush(timeout=WAIT)
    assert isinstance(stopped.value.__cause__, AuthenticationError)
    with pytest.raises(SenderStoppedError):
        sender.track_event(Event("u1", "again"))
    stats = sender.stats()
    assert stats.pending == 1 and stats.sent == 0 and stats.stopped is not None
    with pytest.raises(SenderStoppedError):
        sender.close()
    assert len(transport.sent) == 1  # no chunk was sent after the 401


def test_a_closed_sender_refuses_calls_and_closing_twice_is_harmless() -> None:
    sender = _client(FakeTransport()).background(flush_interval=FAST)
    assert sender.close() is True
    assert sender.close() is True
    with pytest.raises(SenderClosedError) as closed:
        sender.track_event(Event("u1", "late"))
    with pytest.raises(SenderClosedError):
        sender.flush()
    assert str(closed.value) == "the background sender is closed"  # no [code: N]: nothing was sent
    assert sender.dead_letters() == [] and sender.stats().pending == 0  # inspection still answers


@pytest.mark.parametrize(
    "error",
    [QueueFullError, SenderStoppedError, SenderClosedError, OutboxLockedError, ForkedSenderError],
)
def test_the_senders_own_errors_show_no_http_code(error: type[BackgroundSenderError]) -> None:
    raised = error("what happened")

    assert str(raised) == "what happened"
    assert isinstance(raised, BackgroundSenderError) and isinstance(raised, SuprsendError)
    assert raised.status_code == DEFAULT_ERROR_STATUS  # the SDK's value for an error without an answer


def test_closing_the_client_sends_what_its_senders_hold_first() -> None:
    transport = FakeTransport(
        answer=lambda request: reply(207, {"records": [{"status": "success"}] * len(_records(request))})
    )
    client = _client(transport)
    sender = client.background(flush_interval=WAIT)  # only the close sends it
    sender.track_event(Event("u1", "signed_up"))
    client.close()
    assert len(transport.sent) == 1
    assert sender.stats().pending == 0


def test_closing_the_client_sends_what_the_senders_of_its_copies_hold_first() -> None:
    transport = FakeTransport(
        answer=lambda request: reply(207, {"records": [{"status": "success"}] * len(_records(request))})
    )
    client = _client(transport)
    copy = client.with_options(timeout=5.0)
    sender = copy.background(flush_interval=WAIT)  # only a close sends it
    sender.track_event(Event("u1", "signed_up"))
    other = client.with_options().background(flush_interval=WAIT)
    copy.close()  # closes the copy's own sender, not its origin's other copies'
    assert len(transport.sent) == 1
    other.track_event(Event("u2", "signed_up"))
    client.close()  # the origin's close ends the senders of its copies too, before the shared transport
    assert len(transport.sent) == 2
    assert sender.stats().pending == 0 and other.stats().pending == 0


class _Gate:
    """A transport answer that holds every request until the test opens the gate."""

    def __init__(self) -> None:
        self.open = threading.Event()
        self.entered = threading.Event()

    def __call__(self, request: Request) -> Response:
        self.entered.set()
        self.open.wait(WAIT)
        return reply(207, {"records": [{"status": "success"}] * len(_records(request))})


def _held_sender(gate: _Gate, **options: Any) -> BackgroundSender:
    """A sender with one record stuck in flight and ``max_queue`` records queued behind it."""
    sender = _client(FakeTransport(answer=gate)).background(flush_interval=FAST, max_batch=1, **options)
    sender.track_event(Event("u1", "in_flight"))
    assert gate.entered.wait(WAIT)
    return sender


def test_block_policy_waits_then_raises_queue_full_and_the_record_is_not_queued() -> None:
    gate = _Gate()
    sender = _held_sender(gate, max_queue=2, block_timeout=0.0)
    sender.track_event(Event("u1", "queued"))  # the in-flight record still counts: 2 of 2
    with pytest.raises(QueueFullError) as full:
        sender.track_event(Event("u1", "no_room"))
    assert str(full.value) == full.value.message  # raised here, nothing sent: no HTTP code
    assert sender.stats().pending == 2
    gate.open.set()
    assert sender.flush(timeout=WAIT)
    assert sender.stats().sent == 2
    sender.close()


def test_block_policy_takes_the_record_once_room_is_made() -> None:
    gate = _Gate()
    sender = _held_sender(gate, max_queue=1, block_timeout=WAIT)
    threading.Timer(0.05, gate.open.set).start()
    sender.track_event(Event("u1", "waited"))  # returns once the in-flight record is acknowledged
    assert sender.flush(timeout=WAIT)
    assert sender.stats().sent == 2
    sender.close()


def test_drop_policy_drops_counts_and_warns(caplog: pytest.LogCaptureFixture) -> None:
    gate = _Gate()
    sender = _held_sender(gate, max_queue=1, when_full="drop")
    with caplog.at_level("WARNING", logger="suprsend_typed"):
        sender.track_event(Event("u1", "dropped"))
        sender.track_event(Event("u1", "dropped too"))
    assert sender.stats().dropped == 2
    assert [r.message for r in caplog.records if "dropping" in r.message]  # said once, not per record
    assert len([r for r in caplog.records if "dropping" in r.message]) == 1
    gate.open.set()
    assert sender.flush(timeout=WAIT)
    stats = sender.stats()
    sender.close()
    assert (stats.sent, stats.dropped, stats.pending) == (1, 2, 0)


def test_a_kind_first_sent_after_close_gave_up_is_not_sent() -> None:
    # close() that gives up while an event chunk is in flight cancels the sending; the triggers of the
    # same cycle, whose route is made only after that, must not go out either: they stay queued.
    gate = threading.Event()
    in_flight = threading.Event()

    def answer(request: Request) -> Response:
        in_flight.set()
        gate.wait(WAIT)
        return reply(207, {"records": [{"status": "success"}] * len(_records(request))})

    transport = FakeTransport(answer=answer)
    sender = _client(transport).background(flush_interval=WAIT, max_batch=2)
    sender.track_event(Event("u1", "signed_up"))
    sender.trigger(WorkflowTriggerRequest({"workflow": "welcome", "recipients": ["u1"], "data": {}}))
    assert in_flight.wait(WAIT)  # the cycle of both started: the event's chunk is held
    assert sender.close(timeout=0) is False
    gate.set()
    sender._thread.join(WAIT)
    assert not sender._thread.is_alive()

    assert [request.url.rsplit("/", 2)[-2] for request in transport.sent] == ["event"]
