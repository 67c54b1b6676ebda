"""Group commit in a durable outbox with fsync: calls from several threads share one commit (one disk
flush), and each returns only once the commit covering its record is done (or raises if it failed)."""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from pathlib import Path

import pytest
from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET

from suprsend_typed._background.outbox import Entry
from suprsend_typed._background.sender import BackgroundSender
from suprsend_typed._background.sqlite_outbox import SqliteOutbox
from suprsend_typed._client import Suprsend
from suprsend_typed._event import Event
from tests.core.fakes import FakeTransport, reply

THREADS = 6
WAIT = 30.0  # a bound on waits on a loaded machine, never a measured time
LONG = 600.0  # seconds: no cycle runs during the test, so every record stays in the file


def _sender(path: Path) -> BackgroundSender:
    client = Suprsend(
        WORKSPACE_KEY,
        WORKSPACE_SECRET,
        "http://127.0.0.1:9/",
        transport=FakeTransport(default=reply(503, {"message": "down"})),
        max_retries=0,
    )
    return client.background(path, flush_interval=LONG, fsync=True)  # group commit is fsync's


def _numbers(batch: list[Entry]) -> list[int]:
    return [int(json.loads(entry.record.text)["properties"]["n"]) for entry in batch]


def _in_file(path: Path) -> list[int]:
    with contextlib.closing(sqlite3.connect(path)) as db:  # after the sender closed: the file is free
        return [json.loads(body)["properties"]["n"] for (body,) in db.execute("SELECT body FROM outbox")]


class _HeldWrites:
    """Wraps ``SqliteOutbox.write``: the first write waits until every other thread has staged its record
    (so they must share the next commit), and the write numbered ``fail`` raises."""

    def __init__(self, sender: BackgroundSender, fail: int | None = None) -> None:
        self.outbox = sender._durable
        assert self.outbox is not None
        self.real = SqliteOutbox.write
        self.fail = fail
        self.batches: list[list[int]] = []
        self.committed: set[int] = set()

    def install(self, monkeypatch: pytest.MonkeyPatch) -> None:
        def write(outbox: SqliteOutbox, batch: list[Entry]) -> None:
            self.write(outbox, batch)

        monkeypatch.setattr(SqliteOutbox, "write", write)

    def write(self, outbox: SqliteOutbox, batch: list[Entry]) -> None:
        if not self.batches:
            deadline = time.monotonic() + WAIT
            while outbox.staged < THREADS - 1 and time.monotonic() < deadline:
                time.sleep(0.001)
        self.batches.append(_numbers(batch))
        if len(self.batches) == self.fail:
            raise sqlite3.OperationalError("disk I/O error")
        self.real(outbox, batch)
        self.committed.update(_numbers(batch))


def _call_from_threads(sender: BackgroundSender, writes: _HeldWrites) -> dict[int, str]:
    """One call per thread, all at once; for each number, "durable" if the call returned after its record
    was committed, "early" if before, or the error's name."""
    outcome: dict[int, str] = {}
    start = threading.Barrier(THREADS)

    def call(n: int) -> None:
        start.wait()
        try:
            sender.track_event(Event("u1", "grouped", {"n": n}))
        except Exception as exc:
            outcome[n] = type(exc).__name__
        else:
            outcome[n] = "durable" if n in writes.committed else "early"

    threads = [threading.Thread(target=call, args=(n,)) for n in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(WAIT)
    return outcome


def test_calls_from_several_threads_share_a_commit_and_each_returns_once_durable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "outbox.db"
    sender = _sender(path)
    writes = _HeldWrites(sender)
    writes.install(monkeypatch)
    outcome = _call_from_threads(sender, writes)
    assert outcome == dict.fromkeys(range(THREADS), "durable")
    assert [len(batch) for batch in writes.batches] == [1, THREADS - 1]  # the rest shared one commit
    assert sender.stats().pending == THREADS
    sender.close(timeout=0)
    assert sorted(_in_file(path)) == list(range(THREADS))


def test_every_call_of_a_failed_commit_raises_and_nothing_of_it_is_queued(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "outbox.db"
    sender = _sender(path)
    writes = _HeldWrites(sender, fail=2)
    writes.install(monkeypatch)
    outcome = _call_from_threads(sender, writes)
    (first,), shared = writes.batches
    assert outcome == {first: "durable", **dict.fromkeys(shared, "OperationalError")}
    assert sender.stats().pending == 1
    sender.track_event(Event("u1", "grouped", {"n": THREADS}))  # the outbox goes on
    sender.close(timeout=0)
    assert sorted(_in_file(path)) == [first, THREADS]
    assert sender.stats().pending == 2


def test_without_fsync_each_call_commits_its_own_record(tmp_path: Path) -> None:
    client = Suprsend(
        WORKSPACE_KEY, WORKSPACE_SECRET, "http://127.0.0.1:9/", transport=FakeTransport(), max_retries=0
    )
    sender = client.background(tmp_path / "outbox.db", flush_interval=LONG)
    assert sender._durable is None  # no group commit: the outbox commits in put(), under the lock
    sender.track_event(Event("u1", "own"))
    assert sender.stats().pending == 1
    sender.close(timeout=0)
