"""The SQLite outbox on its own: how it numbers rows, and when it copies its WAL into the database file."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from suprsend_typed._background import sqlite_outbox
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
    with sqlite3.connect(path) as db:  # the first version's table
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


def test_the_wal_is_copied_once_the_queue_is_empty_and_not_after_every_cycle_of_a_burst(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sqlite_outbox, "CHECKPOINT_INTERVAL_SECONDS", 3600.0)  # no copy for its age
    path = tmp_path / "outbox.db"
    outbox = SqliteOutbox(path)
    keys = [outbox.put(KIND, _big_record(n)) for n in range(5)]
    outbox.settle(keys[:2], [])
    outbox.checkpoint()  # records still queued, last copy recent: nothing copied
    assert not _copied(outbox, path)
    outbox.settle(keys[2:], [])
    outbox.checkpoint()  # the queue is empty: everything copied
    assert _copied(outbox, path)
    outbox.close()

    monkeypatch.setattr(sqlite_outbox, "CHECKPOINT_INTERVAL_SECONDS", 0.0)  # every copy is due
    path = tmp_path / "other.db"
    outbox = SqliteOutbox(path)
    outbox.put(KIND, _big_record(5))
    assert not _copied(outbox, path)
    outbox.checkpoint()
    assert _copied(outbox, path) and outbox.pending == 1
    outbox.close()
