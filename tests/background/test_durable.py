"""The durable outbox: what a returned call guarantees across crashes, restarts, forks and other senders."""

from __future__ import annotations

import collections
import contextlib
import json
import os
import signal
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET

from suprsend_typed._background import sqlite_outbox
from suprsend_typed._background.errors import ForkedSenderError, OutboxLockedError
from suprsend_typed._client import Suprsend
from suprsend_typed._event import Event
from suprsend_typed._http import Request, Response
from suprsend_typed.pytest_plugin import SandboxFixture
from suprsend_typed.sandbox import Sandbox
from tests.core.fakes import FakeTransport, reply

CHILD = Path(__file__).with_name("outbox_child.py")
FAST = 0.01
LONG = 600.0  # seconds: no cycle runs during the test unless something waits for one
WAIT = 30.0  # a bound on waits for child processes and flushes on a loaded machine, never a measured time
KILLS = 3  # processes killed one after another, each reopening the outbox the one before left
CALLS_BEFORE_KILL = 300  # calls a child has returned from when it is killed
NUMBERS_PER_CHILD = 1_000_000  # far more calls than a child makes before it is killed


def _client(transport: FakeTransport) -> Suprsend:
    return Suprsend(
        WORKSPACE_KEY, WORKSPACE_SECRET, "http://127.0.0.1:9/", transport=transport, max_retries=0
    )


def _all_accepted(request: Request) -> Response:
    count = len(json.loads(request.content))
    return reply(207, {"records": [{"status": "success"}] * count})


def _child(hub: Sandbox, mode: str, outbox: Path | str, first: int) -> subprocess.Popen[str]:
    credentials = hub.credentials
    return subprocess.Popen(
        [
            sys.executable,
            str(CHILD),
            hub.url,
            credentials.workspace_key,
            credentials.workspace_secret,
            mode,
            str(outbox),
            str(first),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    )


def _accepted_numbers(hub: Sandbox, distinct_id: str) -> collections.Counter[int]:
    numbers: collections.Counter[int] = collections.Counter()
    for record in hub.records("event", "accepted"):
        body: dict[str, Any] = record["body"]
        if body["distinct_id"] == distinct_id:
            numbers[body["properties"]["n"]] += 1
    return numbers


@pytest.mark.parametrize("mode", ["forever", "threads"])  # one calling thread; several sharing commits
def test_kill_9_loses_nothing_whose_call_returned_and_duplicates_nothing(
    suprsend_sandbox: SandboxFixture, tmp_path: Path, mode: str
) -> None:
    hub = suprsend_sandbox.hub
    outbox = tmp_path / "outbox.db"
    returned: set[int] = set()
    for kill in range(KILLS):
        # Each child numbers from its own range: a call may commit and be killed before it returns
        # (and prints), so a number the test never saw can still be in the outbox.
        child = _child(hub, mode, outbox, kill * NUMBERS_PER_CHILD)
        assert child.stdout is not None
        for _ in range(CALLS_BEFORE_KILL):
            line = child.stdout.readline()
            assert line, child.stderr.read() if child.stderr else "the child ended"
            returned.add(int(line))
        child.send_signal(signal.SIGKILL)
        returned.update(int(line) for line in child.stdout.read().split())  # printed before the kill
        child.wait(WAIT)
    # A new sender on the outbox sends whatever the killed ones left, under the same keys.
    with suprsend_sandbox.client.background(outbox, flush_interval=FAST) as sender:
        assert sender.flush(timeout=WAIT)
        assert sender.stats().pending == 0

    accepted = _accepted_numbers(hub, "u-killed")
    assert returned <= set(accepted), sorted(returned - set(accepted))[:10]
    assert max(accepted.values()) == 1, [n for n, count in accepted.items() if count > 1][:10]


def test_a_new_sender_resends_what_was_pending_with_the_same_keys(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.db"
    down = FakeTransport(default=reply(503, {"message": "down"}))
    first = _client(down).background(outbox, flush_interval=FAST)
    for n in range(3):
        first.track_event(Event("u1", "queued", {"n": n}))
    assert first.close(timeout=0) is False  # the hub never took them: they stay in the file
    assert first.stats().pending == 3
    with contextlib.closing(sqlite3.connect(outbox)) as db:  # closed: a sender needs the file to itself
        kept = [json.loads(body) for (body,) in db.execute("SELECT body FROM outbox ORDER BY id")]

    counted = threading.Event()  # the new sender may send only once its pending count was read

    def accept_after_count(request: Request) -> Response:
        assert counted.wait(WAIT)
        return _all_accepted(request)

    up = FakeTransport(answer=accept_after_count)
    with _client(up).background(outbox, flush_interval=FAST) as second:
        assert second.stats().pending == 3
        counted.set()
        assert second.flush(timeout=WAIT)
    (sent,) = up.bodies()
    assert isinstance(sent, list)
    assert sent == kept  # byte for byte what was queued: the same $insert_id each
    assert [record["properties"]["n"] for record in sent] == [0, 1, 2]
    with contextlib.closing(sqlite3.connect(outbox)) as db:
        assert db.execute("SELECT count(*) FROM outbox").fetchone() == (0,)


def test_one_outbox_has_one_sender(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.db"
    client = _client(FakeTransport(answer=_all_accepted))
    sender = client.background(outbox, flush_interval=FAST)
    with pytest.raises(OutboxLockedError, match="in use by another sender"):
        client.background(outbox)
    sender.close()
    client.background(outbox).close()  # free again once closed


def test_the_outbox_is_a_wal_database_and_fsync_makes_commits_full(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.db"
    client = _client(FakeTransport(answer=_all_accepted))
    with client.background(outbox, fsync=True) as sender:
        db = sender._outbox._db  # type: ignore[attr-defined]
        assert db.execute("PRAGMA synchronous").fetchone() == (2,)  # FULL
    with client.background(outbox) as sender:
        db = sender._outbox._db  # type: ignore[attr-defined]
        assert db.execute("PRAGMA synchronous").fetchone() == (1,)  # NORMAL
        assert db.execute("PRAGMA locking_mode").fetchone() == ("exclusive",)
    with contextlib.closing(sqlite3.connect(outbox)) as db:
        assert db.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_no_other_program_opens_the_file_while_a_sender_has_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_outbox, "BUSY_TIMEOUT_SECONDS", 0.01)
    outbox = tmp_path / "outbox.db"
    client = _client(FakeTransport(answer=_all_accepted))
    with client.background(outbox, flush_interval=LONG) as sender:
        sender.track_event(Event("u1", "queued"))
        with contextlib.closing(sqlite3.connect(outbox, timeout=0.01)) as shell:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                shell.execute("SELECT count(*) FROM outbox").fetchone()
    # Once the sender closed, the file is a plain database; a program holding it keeps a sender out.
    with contextlib.closing(sqlite3.connect(outbox, isolation_level=None)) as shell:
        shell.execute("BEGIN")
        assert shell.execute("SELECT count(*) FROM outbox").fetchone() == (0,)
        with pytest.raises(OutboxLockedError, match="open in another program"):
            client.background(outbox)
    client.background(outbox).close()  # free again once that program closed it


def test_dead_letters_are_kept_in_the_file_for_later_senders(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.db"
    refused = FakeTransport(default=reply(400, {"message": "malformed"}))
    with _client(refused).background(outbox, flush_interval=FAST, on_error=lambda failed: None) as sender:
        sender.track_event(Event("u1", "refused"))
        assert sender.flush(timeout=WAIT)
    assert [letter.record["event"] for letter in sender.dead_letters()] == ["refused"]  # after close too
    with _client(refused).background(outbox) as later:
        assert later.stats().dead_letters == 1
        (letter,) = later.dead_letters()
    assert letter.code == 400 and letter.outcome == "failed" and letter.record["event"] == "refused"
    assert letter.kind == "track_events_bulk"


def test_not_a_database_is_a_clear_error(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.db"
    outbox.write_bytes(b"this is not SQLite" * 100)
    with pytest.raises(Exception, match="not a usable SQLite database"):
        _client(FakeTransport()).background(outbox)


def test_queued_records_are_sent_at_interpreter_exit(suprsend_sandbox: SandboxFixture) -> None:
    hub = suprsend_sandbox.hub
    child = _child(hub, "exit", "-", 0)
    out, err = child.communicate(timeout=WAIT)
    assert child.returncode == 0, err
    assert out.strip() == "queued"
    accepted = _accepted_numbers(hub, "u-exit")
    assert sorted(accepted) == list(range(150)) and max(accepted.values()) == 1


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_a_forked_child_never_uses_its_parents_sender(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.db"
    transport = FakeTransport(answer=_all_accepted)
    client = _client(transport)
    durable = client.background(outbox, flush_interval=FAST)
    in_memory = client.background(flush_interval=FAST)
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 1
        try:
            for sender in (durable, in_memory):
                try:
                    sender.track_event(Event("u-child", "forked"))
                except ForkedSenderError:
                    pass
                else:
                    os._exit(2)
            try:
                client.background(outbox)  # the parent's sender holds the file
            except OutboxLockedError:
                own = client.background(flush_interval=FAST)  # a sender of its own works
                own.track_event(Event("u-child", "own"))
                code = 0 if own.flush(timeout=WAIT) and own.stats().sent == 1 else 3
                own.close()
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    # The parent's senders are untouched, and its lock outlived the child's copy of the descriptor.
    durable.track_event(Event("u-parent", "after_fork"))
    in_memory.track_event(Event("u-parent", "after_fork"))
    assert durable.flush(timeout=WAIT) and in_memory.flush(timeout=WAIT)
    with pytest.raises(OutboxLockedError):
        client.background(outbox)
    durable.close()
    in_memory.close()


def test_a_record_of_a_kind_this_sdk_does_not_send_becomes_a_dead_letter(tmp_path: Path) -> None:
    outbox = tmp_path / "outbox.db"
    _client(FakeTransport()).background(outbox).close()  # creates the tables
    with contextlib.closing(sqlite3.connect(outbox)) as db, db:
        db.execute(
            "INSERT INTO outbox (kind, body, size, dedupe) VALUES (?, ?, ?, ?)",
            ("future_kind", '{"$insert_id": "i-1"}', 20, 1),
        )
    transport = FakeTransport()
    with _client(transport).background(outbox, flush_interval=FAST) as sender:
        assert sender.flush(timeout=WAIT)
        (letter,) = sender.dead_letters()
    assert letter.kind == "future_kind" and letter.outcome == "refused" and "future_kind" in letter.error
    assert transport.sent == []
