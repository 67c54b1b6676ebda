"""The SQLite outbox on its own: how it numbers rows, and when it copies its WAL into the database file."""

from __future__ import annotations

import contextlib
import gc
import itertools
import os
import sqlite3
from pathlib import Path

import pytest

from suprsend_typed._background import sqlite_outbox
from suprsend_typed._background.outbox import DeadLetter
from suprsend_typed._background.sqlite_outbox import SqliteOutbox
from suprsend_typed._context import WireRecord

KIND = "track_events_bulk"


def _record(n: int) -> WireRecord:
    text = f'{{"event": "e", "distinct_id": "u", "properties": {{"n": {n}}}, "$insert_id": "id-{n}"}}'
    return WireRecord(text, len(text), True)


def _big_record(n: int) -> WireRecord:
    """A record over several pages, so that queueing it makes the database larger."""
    text = f'{{"event": "e", "distinct_id": "u", "properties": {{"n": {n}, "pad": "{"x" * 3000}"}}}}'
    return WireRecord(text, len(text), True)


def _copied(outbox: SqliteOutbox, path: Path) -> bool:
    """Whether the database file holds every page of the database (the WAL's pages copied into it)."""
    (pages,) = outbox._db.execute("PRAGMA page_count").fetchone()
    return path.stat().st_size == int(pages) * sqlite_outbox.PAGE_SIZE


def test_keys_keep_growing_when_the_queue_empties_and_after_reopening(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    outbox = SqliteOutbox(path)
    first = [outbox.put(KIND, _record(n)) for n in range(3)]
    outbox.settle(first, [])
    assert outbox.pending == 0 and outbox.oldest_key() is None
    later = outbox.put(KIND, _record(3))
    assert first == [1, 2, 3] and later == 4  # a flush waiting for key 3 is never fooled by a reused key
    outbox.close()

    reopened = SqliteOutbox(path)
    assert reopened.pending == 1 and reopened.newest_key() == 4
    assert reopened.put(KIND, _record(4)) == 5
    assert [entry.record.body["properties"] for entry in reopened.head(10)] == [{"n": 3}, {"n": 4}]
    reopened.close()


def test_a_file_made_with_autoincrement_keys_is_read_and_written_the_same(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    with contextlib.closing(sqlite3.connect(path)) as db, db:  # the first version's table
        db.execute(
            "CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, "
            "body TEXT NOT NULL, size INTEGER NOT NULL, dedupe INTEGER NOT NULL)"
        )
        db.execute("PRAGMA user_version=1")
        db.execute("INSERT INTO outbox (kind, body, size, dedupe) VALUES (?, ?, ?, ?)", (KIND, *_record(0)))
    outbox = SqliteOutbox(path)
    assert outbox.put(KIND, _record(1)) == 2
    assert [entry.key for entry in outbox.head(10)] == [1, 2]
    outbox.close()


def test_a_new_file_has_small_pages(tmp_path: Path) -> None:
    outbox = SqliteOutbox(tmp_path / "outbox.db")
    big = "x" * (4 * sqlite_outbox.PAGE_SIZE)  # overflow pages: a record larger than a page is whole
    text = f'{{"event": "e", "distinct_id": "u", "properties": {{"big": "{big}"}}}}'
    outbox.put(KIND, WireRecord(text, len(text), False))
    assert outbox._db.execute("PRAGMA page_size").fetchone() == (sqlite_outbox.PAGE_SIZE,)
    assert outbox.head(1)[0].record.text == text
    outbox.close()


def test_the_wal_is_copied_every_so_many_commits_not_after_every_cycle(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_outbox, "CHECKPOINT_COMMITS", 4)
    path = tmp_path / "outbox.db"
    outbox = SqliteOutbox(path)
    keys = [outbox.put(KIND, _big_record(n)) for n in range(2)]
    outbox.settle(keys[:1], [])
    outbox.checkpoint()  # 3 commits: nothing copied
    assert not _copied(outbox, path)
    outbox.put(KIND, _big_record(2))
    outbox.checkpoint()  # the 4th: everything copied, records queued or not
    assert _copied(outbox, path) and outbox.pending == 2
    outbox.checkpoint()  # no commit since: nothing to do
    outbox.close()


def test_the_wal_is_flushed_outside_the_lock_before_each_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_outbox, "CHECKPOINT_COMMITS", 2)
    path = tmp_path / "outbox.db"
    outbox = SqliteOutbox(path)
    flushed: list[tuple[int, bool]] = []  # (inode flushed, whether calls were locked out meanwhile)

    def flush(fd: int) -> None:
        flushed.append((os.fstat(fd).st_ino, outbox._db_lock.locked()))

    monkeypatch.setattr(sqlite_outbox, "_flush", flush)
    outbox.put(KIND, _big_record(0))
    outbox.checkpoint()  # 1 commit: no copy, no flush
    assert flushed == []
    outbox.put(KIND, _big_record(1))
    outbox.checkpoint()
    wal = Path(f"{path}{sqlite_outbox.WAL_SUFFIX}")
    assert flushed == [(wal.stat().st_ino, False)] and _copied(outbox, path)
    outbox.close()
    assert outbox._wal_fd is None  # closed with the outbox


def test_a_forked_child_never_closes_the_parents_connection(tmp_path: Path) -> None:
    path = tmp_path / "outbox.db"
    outbox = SqliteOutbox(path)
    outbox.put(KIND, _record(0))
    wal = Path(f"{path}{sqlite_outbox.WAL_SUFFIX}")
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 1
        try:
            outbox.forget_after_fork()  # what the sender's at-fork hook does
            del outbox  # a child's copy of the parent's objects is freed sooner or later
            gc.collect()
            # Closed here, SQLite would believe it holds the file alone, copy the WAL and delete it.
            code = 0 if wal.exists() else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert wal.exists()
    outbox.put(KIND, _record(1))
    assert [entry.key for entry in outbox.head(10)] == [1, 2]
    outbox.close()


def _in_file(outbox: SqliteOutbox) -> list[tuple[int, str]]:
    """The rows in the file, read through the outbox's connection (the only one while it is open)."""
    rows = outbox._db.execute("SELECT id, body FROM outbox ORDER BY id")
    return [(int(key), str(body)) for key, body in rows]


def _given(outbox: SqliteOutbox) -> list[tuple[int, str]]:
    return [(entry.key, entry.record.text) for entry in outbox.head(1_000_000)]


def test_head_gives_what_the_file_holds_whether_from_memory_or_from_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_outbox, "MIRRORED_ENTRIES", 6)  # small: the fallback and its end are seen
    path = tmp_path / "outbox.db"
    left = SqliteOutbox(path)
    for n in range(3):
        left.put(KIND, _record(n))
    left.close()  # an earlier sender left 3 rows: the next reads them from the file

    outbox = SqliteOutbox(path)
    n = 3
    mirrored: list[bool] = []  # whether head came from memory, cycle by cycle
    # Drain the 3 left rows (from the file), pile up past the mirror (back to the file), drain again.
    puts = [0, 1, 0, 0, 0, 4, 4, 4, 4, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 2, 0]
    for cycle, count in enumerate(puts):
        for _ in range(count):
            outbox.put(KIND, _record(n))
            n += 1
        mirrored.append(outbox._mirror is not None)
        head = outbox.head(4)
        assert [(entry.key, entry.record.text) for entry in head] == _in_file(outbox)[:4]
        # Settle every other entry given out (the others stay queued to retry), some as dead letters.
        done = [entry.key for entry in head[: 1 if count else 3 : 2]]
        dead = [
            (entry, DeadLetter(KIND, {}, "refused", 400, "refused")) for entry in head[1:2] if cycle % 3 == 0
        ]
        outbox.settle(done, dead)
        assert _given(outbox) == _in_file(outbox)
        assert outbox.pending == len(_in_file(outbox))
        assert outbox.oldest_key() == (min((key for key, _ in _in_file(outbox)), default=None))
    # From the file, from memory, from the file (piled up), from memory again.
    assert [key for key, _ in itertools.groupby(mirrored)] == [False, True, False, True]
    outbox.settle([entry.key for entry in outbox.head(1_000_000)], [])
    assert outbox.oldest_key() is None and outbox._mirror is not None  # empty again: from memory again
    key = outbox.put(KIND, _record(n))
    assert _given(outbox) == _in_file(outbox) == [(key, _record(n).text)]
    outbox.close()
