"""Typed use of the background sender, checked by ``mypy --strict tests/typing`` (not run by pytest).

Each ``# type: ignore[...]`` marks a call the types must refuse (an unneeded ignore is itself an error).
"""

from __future__ import annotations

from suprsend_typed import (
    BackgroundSender,
    DeadLetter,
    Event,
    FailedRecord,
    OutboxLockedError,
    SenderStats,
    Suprsend,
    WorkflowTriggerRequest,
)


def report(failed: FailedRecord) -> None:
    print(failed["code"], failed["outcome"], failed["error"])


def queue_signup(client: Suprsend, user: str) -> SenderStats:
    sender: BackgroundSender = client.background(flush_interval=0.2, on_error=report, when_full="drop")
    sender.track_event(Event(user, "signed_up"))
    sender.track(user, "clicked", {"button": "buy"})
    sender.trigger(WorkflowTriggerRequest({"workflow": "welcome", "recipients": [user]}))
    sender.track_event({"event": "x"})  # type: ignore[arg-type]
    client.background(when_full="wait")  # type: ignore[arg-type]
    flushed: bool = sender.flush(timeout=5)
    letters: list[DeadLetter] = sender.dead_letters()
    print(flushed, [letter.code for letter in letters])
    sender.close()
    return sender.stats()


def durable(client: Suprsend) -> BackgroundSender | None:
    try:
        return client.background("outbox.db", fsync=True)
    except OutboxLockedError as exc:
        print(exc.message)
        return None
