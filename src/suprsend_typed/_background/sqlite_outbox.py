"""The durable outbox: a SQLite file in WAL mode that holds every record from the moment its call returns
until the hub has acknowledged it (or refused it for good: then it moves to the ``dead_letters`` table).

- A call returns after its INSERT committed. ``synchronous=NORMAL`` (the default) makes a commit survive a
  crash of the process (kill -9): the WAL is in the operating system's cache. ``fsync=True`` sets
  ``synchronous=FULL``, so a commit also survives a power loss, at the price of a disk flush per commit;
  there calls from several threads share commits (the sender's group commit: ``stage``, then one
  ``write`` for every record staged meanwhile), each call returning once the commit covering it is done.
- A row is deleted only after the hub's answer accepted it, so a crash between the answer and the delete
  sends it again under the same ``$insert_id`` / ``$idempotency_key``, and the hub drops the copy.
- One outbox has one sender: an exclusive ``flock`` on ``<file>-lock``, taken before the database is opened
  and held until ``close()``, refuses a second sender (in any process) with ``OutboxLockedError``. The
  kernel releases it when the holder dies, so a restarted process takes over what was pending.
- The sender's one connection holds SQLite's own lock on the file in exclusive locking mode: the WAL index
  lives in the connection's memory instead of a shared ``-shm`` file, so a commit takes no file locks
  (which cost about a third of a call's INSERT). The price: no other connection (the ``sqlite3`` shell
  included) can open the file while a sender has it; ``stats()`` and ``dead_letters()`` read it through
  the sender, and the file is a plain SQLite database again once the sender closed. And the WAL copies
  (``checkpoint``) run on that connection too, so a call may wait for one disk flush every
  ``CHECKPOINT_COMMITS`` commits.
"""

from __future__ import annotations

import collections
import itertools
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence

from .._context import WireRecord
from .._errors import SuprsendConfigError
from .errors import OutboxLockedError
from .outbox import DeadLetter, Entry, remove_settled

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: SQLite's exclusive locking mode alone keeps others out
    fcntl = None  # type: ignore[assignment]

# Flushes a file's data to disk (not its times): fdatasync where the system has it.
_flush = getattr(os, "fdatasync", os.fsync)

LOCK_SUFFIX = "-lock"
WAL_SUFFIX = "-wal"  # SQLite's name for the write-ahead log of a database file
SCHEMA_VERSION = 1
# How long opening the file waits for a connection outside the SDK (the sqlite3 shell inspecting the file
# between two senders) to let go of it before failing.
BUSY_TIMEOUT_SECONDS = 5.0
# Commits (the calls' and the sender's) between two copies of the WAL into the database file. A copy flushes
# the disk twice (the WAL, then the database file), and calls wait for the second one (one connection), so
# not after every cycle: 4,000 commits make a WAL of about 10 MB with 1 KiB pages. No other connection reads
# the file, so every copy is complete and the next commit writes the WAL from its start again.
CHECKPOINT_COMMITS = 4_000
# The page size of a new outbox file (an existing file keeps its own): every commit writes at least one
# whole page to the WAL, so a small page makes the one commit per call cheaper; records larger than a page
# continue on overflow pages.
PAGE_SIZE = 1024
# How many queued entries (and apparent bytes) a sender also keeps in memory, so that ``head`` gives them
# out without reading them back from the file: several full cycles. Past either (the hub is down and
# records pile up) the sender reads the file again, until its queue is empty.
MIRRORED_ENTRIES = 10_000
MIRRORED_BYTES = 16 * 1024 * 1024
# How SQLite says that another connection holds the file (sqlite3 has no error codes before Python 3.11).
_BUSY = "database is locked"
_INSERT = "INSERT INTO outbox (id, kind, body, size, dedupe) VALUES (?, ?, ?, ?, ?)"
_SCHEMA = (
    # The sender numbers the rows itself (see SqliteOutbox.put): no AUTOINCREMENT, whose sqlite_sequence
    # row would add a second page to every commit. (Files made with AUTOINCREMENT read the same.)
    "CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, "
    "body TEXT NOT NULL, size INTEGER NOT NULL, dedupe INTEGER NOT NULL)",
    "CREATE TABLE IF NOT EXISTS dead_letters (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, "
    "body TEXT NOT NULL, error TEXT NOT NULL, code INTEGER NOT NULL, outcome TEXT NOT NULL, "
    "dead_at REAL NOT NULL)",
)


class SqliteOutbox:
    """The outbox file ``path``; opening it takes the lock and creates the tables if needed."""

    def __init__(self, path: str | os.PathLike[str], *, fsync: bool = False) -> None:
        self._path = os.fspath(path)
        self._lock_fd = _take_lock(self._path)
        self._commits = 0  # since the last copy of the WAL
        self._wal_fd: int | None = None  # the WAL file, flushed before a copy (see ``checkpoint``)
        # The one connection serves the calls' commits (``put``; ``write``, outside the sender's lock),
        # the sender's reads and settlements and the WAL copies (``checkpoint``, outside it too): one
        # statement or transaction at a time, under this lock.
        self._db_lock = threading.Lock()
        self._staged: list[Entry] = []  # records of calls waiting for a commit
        try:
            self._db = _open(self._path, fsync=fsync)
        except BaseException:
            self.release_lock()
            raise
        try:
            (self._pending, newest) = self._db.execute("SELECT count(*), max(id) FROM outbox").fetchone()
        except BaseException:
            self._db.close()
            self.release_lock()
            raise
        self._next_key = 1 if newest is None else int(newest) + 1
        # Every queued row, oldest first, while they all are in it (else None: rows left by an earlier
        # sender, or too many queued); only ``put`` and ``settle`` change the table, and both keep it.
        self._mirror: collections.deque[Entry] | None = None if self._pending else collections.deque()
        self._mirrored_bytes = 0

    @property
    def location(self) -> str:
        return self._path

    @property
    def pending(self) -> int:
        return int(self._pending)

    def put(self, kind: str, record: WireRecord) -> int:
        """Commit one record now (its own transaction); its key. See ``stage`` for the keys."""
        key = self._next_key
        with self._db_lock:
            self._db.execute(_INSERT, (key, kind, *record))
        self._next_key = key + 1
        self._pending += 1
        self._commits += 1
        mirror = self._mirror  # what ``written`` does, for the one record of a call
        if mirror is not None:
            mirror.append(Entry(key, kind, record))
            self._mirrored_bytes += record.apparent_size
            if len(mirror) > MIRRORED_ENTRIES or self._mirrored_bytes > MIRRORED_BYTES:
                self._mirror = None
        return key

    def stage(self, kind: str, record: WireRecord) -> int:
        """Under the sender's lock: the record waits for the next ``write``; its key. Keys are numbered
        here, one after the other from the newest row at opening: this process is the only writer (the
        lock), and keys never go back while it runs, even if the table empties."""
        key = self._next_key
        self._next_key = key + 1
        self._staged.append(Entry(key, kind, record))
        self._pending += 1
        return key

    def take_staged(self) -> list[Entry]:
        """Under the sender's lock: every staged record, for one ``write``."""
        batch, self._staged = self._staged, []
        return batch

    @property
    def staged(self) -> int:
        return len(self._staged)

    def write(self, batch: list[Entry]) -> None:
        """Commit ``batch`` in one transaction (group commit: the records of every call that came while
        the previous commit ran). Outside the sender's lock, one write at a time (the sender sees to it);
        the whole transaction holds the connection, so the sender's reads never see a row before its
        commit."""
        db = self._db
        if len(batch) == 1:  # one calling thread: one statement, its own transaction
            key, kind, record = batch[0]
            with self._db_lock:
                db.execute(_INSERT, (key, kind, *record))
            return
        rows = [(key, kind, *record) for key, kind, record in batch]
        with self._db_lock:
            db.execute("BEGIN IMMEDIATE")
            try:
                db.executemany(_INSERT, rows)
                db.execute("COMMIT")
            except BaseException:
                if db.in_transaction:
                    db.execute("ROLLBACK")
                raise

    def written(self, batch: list[Entry], *, ok: bool) -> None:
        """Under the sender's lock, after ``write``: the batch is queued (``ok``), or not at all."""
        if not ok:
            self._pending -= len(batch)
            return
        self._commits += 1
        mirror = self._mirror
        if mirror is not None:
            mirror.extend(batch)
            if len(batch) == 1:
                self._mirrored_bytes += batch[0].record.apparent_size
            else:
                self._mirrored_bytes += sum(entry.record.apparent_size for entry in batch)
            if len(mirror) > MIRRORED_ENTRIES or self._mirrored_bytes > MIRRORED_BYTES:
                self._mirror = None

    def head(self, limit: int) -> list[Entry]:
        if self._mirror is not None:
            return list(itertools.islice(self._mirror, limit))
        with self._db_lock:
            rows = self._db.execute(
                "SELECT id, kind, body, size, dedupe FROM outbox ORDER BY id LIMIT ?", (limit,)
            ).fetchall()
        return [
            Entry(key, kind, WireRecord(body, size, bool(dedupe))) for key, kind, body, size, dedupe in rows
        ]

    def oldest_key(self) -> int | None:
        if self._mirror is not None:
            return self._mirror[0].key if self._mirror else None
        with self._db_lock:
            (key,) = self._db.execute("SELECT min(id) FROM outbox").fetchone()
        return None if key is None else int(key)

    def newest_key(self) -> int | None:
        with self._db_lock:
            (key,) = self._db.execute("SELECT max(id) FROM outbox").fetchone()
        return None if key is None else int(key)

    def settle(self, done: Iterable[int], dead: Sequence[tuple[Entry, DeadLetter]]) -> None:
        removed = sorted([*done, *(entry.key for entry, _ in dead)])
        if not removed:
            return
        now = time.time()
        with self._db_lock, self._db:  # one transaction: a dead letter is never queued and dead
            self._db.execute("BEGIN IMMEDIATE")
            if dead:
                self._db.executemany(
                    "INSERT INTO dead_letters (kind, body, error, code, outcome, dead_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (entry.kind, entry.record.text, letter.error, letter.code, letter.outcome, now)
                        for entry, letter in dead
                    ],
                )
            # Usually the whole head was settled: one range, one statement.
            self._db.executemany("DELETE FROM outbox WHERE id BETWEEN ? AND ?", _runs(removed))
        self._pending -= len(removed)
        self._commits += 1
        if self._mirror is not None:
            self._mirrored_bytes -= remove_settled(self._mirror, set(removed))
        elif not self._pending:
            self._mirror = collections.deque()
            self._mirrored_bytes = 0

    def checkpoint(self) -> None:
        """Copy the WAL into the database file every ``CHECKPOINT_COMMITS`` commits, on the sender's thread
        (commits never copy it themselves: ``wal_autocheckpoint=0``). A copy first flushes the WAL to disk,
        then writes its pages into the database file and flushes that (the only disk flushes without
        fsync). Calls wait while it holds the connection, so the WAL is flushed here first, outside the
        lock: SQLite's own flush of it then finds little left to write, and calls wait for about one flush,
        the database file's. That first flush is only a head start; SQLite still makes its own."""
        if self._commits < CHECKPOINT_COMMITS:
            return
        self._commits = 0
        self._flush_wal()
        with self._db_lock:
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()

    def _flush_wal(self) -> None:
        if self._wal_fd is None:
            try:
                self._wal_fd = os.open(self._path + WAL_SUFFIX, os.O_RDONLY)
            except OSError:  # no WAL yet: nothing to flush
                return
        _flush(self._wal_fd)

    def dead_letters(self, limit: int | None) -> list[DeadLetter]:
        with self._db_lock:
            rows = self._db.execute(
                "SELECT kind, body, error, code, outcome FROM dead_letters ORDER BY id LIMIT ?",
                (-1 if limit is None else limit,),
            ).fetchall()
        return [
            DeadLetter(
                kind=kind, record=WireRecord(body, 0, False).body, error=error, code=code, outcome=outcome
            )
            for kind, body, error, code, outcome in rows
        ]

    def dead_count(self) -> int:
        with self._db_lock:
            (count,) = self._db.execute("SELECT count(*) FROM dead_letters").fetchone()
        return int(count)

    def close(self) -> None:
        try:
            self._close_wal()
            with self._db_lock:
                self._db.close()
        finally:
            self.release_lock()

    def forget_after_fork(self) -> None:
        """Close the child's copy of the lock descriptor, so that the lock ends with the parent's sender
        (the parent's copy keeps it meanwhile). The database connection is the parent's: the child must
        not even close its copy, for SQLite, believing it holds the file alone (exclusive locking mode),
        would then copy the WAL and delete it under the parent. So the copy is kept until the child ends."""
        _keep_until_exit(self._db)
        self._close_wal()
        self.release_lock()

    def _close_wal(self) -> None:
        if self._wal_fd is not None:
            fd, self._wal_fd = self._wal_fd, None
            os.close(fd)

    def release_lock(self) -> None:
        if self._lock_fd is not None:
            fd, self._lock_fd = self._lock_fd, None
            os.close(fd)


def _keep_until_exit(db: sqlite3.Connection) -> None:
    """Keep ``db`` from ever being freed in this process (freeing a connection closes it): one reference
    more than anything will release, so that not even the interpreter's exit frees it."""
    try:
        import ctypes

        ctypes.pythonapi.Py_IncRef(ctypes.py_object(db))
    except (ImportError, AttributeError):  # pragma: no cover - not CPython: held until modules are cleared
        _KEPT_CONNECTIONS.append(db)


_KEPT_CONNECTIONS: list[sqlite3.Connection] = []


def _take_lock(path: str) -> int | None:
    if fcntl is None:  # pragma: no cover - see the import
        return None
    lock_path = path + LOCK_SUFFIX
    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o600)
    except OSError as exc:
        raise SuprsendConfigError(f"cannot open the outbox lock file {lock_path}: {exc.strerror}") from exc
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "unknown"
        os.close(fd)
        raise OutboxLockedError(
            f"the outbox {path} is in use by another sender (process {holder}); one outbox file serves one "
            "sender at a time: give each process its own file"
        ) from None
    os.ftruncate(fd, 0)
    os.pwrite(fd, str(os.getpid()).encode("ascii"), 0)
    return fd


def _runs(keys: list[int]) -> list[tuple[int, int]]:
    """Sorted keys as (first, last) ranges of consecutive keys."""
    runs: list[tuple[int, int]] = []
    first = last = keys[0]
    for key in keys[1:]:
        if key != last + 1:
            runs.append((first, last))
            first = key
        last = key
    runs.append((first, last))
    return runs


def _open(path: str, *, fsync: bool) -> sqlite3.Connection:
    try:
        db = sqlite3.connect(
            path, isolation_level=None, check_same_thread=False, timeout=BUSY_TIMEOUT_SECONDS
        )
    except sqlite3.Error as exc:
        raise SuprsendConfigError(f"cannot open the outbox {path}: {exc}") from exc
    try:
        db.execute("PRAGMA wal_autocheckpoint=0")  # see SqliteOutbox.checkpoint
        db.execute(f"PRAGMA page_size={PAGE_SIZE}")  # before the first table exists
        # Before the first access in WAL mode, so that no shared-memory WAL index is ever made (see the top).
        db.execute("PRAGMA locking_mode=EXCLUSIVE")
        (mode,) = db.execute("PRAGMA journal_mode=WAL").fetchone()
        if str(mode).lower() != "wal":
            raise SuprsendConfigError(f"the outbox {path} cannot use WAL mode (journal mode {mode!r})")
        # FULL flushes the disk at every commit, NORMAL only at checkpoints (see the top).
        db.execute(f"PRAGMA synchronous={'FULL' if fsync else 'NORMAL'}")
        (version,) = db.execute("PRAGMA user_version").fetchone()
        if version not in (0, SCHEMA_VERSION):
            raise SuprsendConfigError(
                f"the outbox {path} has schema version {version}; this SDK reads version {SCHEMA_VERSION}"
            )
        with db:
            db.execute("BEGIN IMMEDIATE")
            for statement in _SCHEMA:
                db.execute(statement)
            db.execute(f"PRAGMA user_version={SCHEMA_VERSION}")
    except sqlite3.DatabaseError as exc:
        db.close()
        if isinstance(exc, sqlite3.OperationalError) and _BUSY in str(exc):
            raise OutboxLockedError(
                f"the outbox {path} is open in another program (the sqlite3 shell?) that kept it for "
                f"{BUSY_TIMEOUT_SECONDS} s; a sender needs the file to itself: close that program"
            ) from exc
        raise SuprsendConfigError(f"the outbox {path} is not a usable SQLite database: {exc}") from exc
    except BaseException:
        db.close()
        raise
    return db
