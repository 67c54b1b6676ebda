"""SQLite storage of everything the sandbox received: requests, records, dedupe keys, profiles, messages,
and the seeded entities (tenants, preference categories, templates) by namespace and id.

One connection shared by the server threads behind a lock; each request is written in one transaction, so
a bulk request costs a handful of statements whatever its size.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, Final, Literal

import attrs

from .validation import parse_json

RecordStatus = Literal["accepted", "duplicate", "rejected"]
RequestOutcome = Literal["accepted", "rejected", "fault", "dropped"]

_SCHEMA: Final = """
CREATE TABLE IF NOT EXISTS requests (
    id INTEGER PRIMARY KEY, position INTEGER, method TEXT, path TEXT, kind TEXT, status INTEGER,
    outcome TEXT, auth TEXT, error TEXT, fault TEXT, body TEXT, received_at REAL);
CREATE TABLE IF NOT EXISTS records (
    id INTEGER PRIMARY KEY, request_id INTEGER, kind TEXT, position INTEGER, status TEXT, message_id TEXT,
    insert_id TEXT, idempotency_key TEXT, error TEXT, body TEXT);
CREATE INDEX IF NOT EXISTS records_kind ON records (kind, status);
CREATE TABLE IF NOT EXISTS dedupe (
    scope TEXT, key TEXT, seen_at REAL, message_id TEXT, PRIMARY KEY (scope, key)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS profiles (distinct_id TEXT PRIMARY KEY, profile TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS entities (
    namespace TEXT, id TEXT, document TEXT, PRIMARY KEY (namespace, id)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS messages (seq INTEGER PRIMARY KEY, message_id TEXT UNIQUE, document TEXT);
"""
_TABLES: Final = ("requests", "records", "dedupe", "profiles", "entities", "messages")


@attrs.frozen(kw_only=True, slots=True)
class RequestRow:
    """One HTTP request as received and answered.

    ``status`` is the answer the hub decided on: None when a ``drop_before`` fault closed the connection
    first. ``outcome`` is ``dropped`` whenever no answer was sent (a ``drop_after`` fault processes the
    request and then closes the connection); ``fault`` names the fault that hit the request, if any.
    """

    position: int  # 0-based arrival index among hub requests (the index faults are scheduled by)
    method: str
    path: str
    kind: str | None
    status: int | None
    outcome: RequestOutcome
    auth: str | None
    error: str | None = None
    fault: str | None = None
    body: str | None = None
    received_at: float


@attrs.frozen(kw_only=True, slots=True)
class RecordRow:
    """One record of a request (an array item, or the single object)."""

    kind: str
    position: int
    status: RecordStatus
    message_id: str | None = None
    insert_id: str | None = None
    idempotency_key: str | None = None
    error: str | None = None
    body: str | None = None
    # Scope of the idempotency key: requests of one family dedupe against each other.
    family: str = ""


class Store:
    """Thread-safe SQLite store; ``path=None`` keeps everything in memory."""

    def __init__(self, path: str | None = None) -> None:
        self._lock = threading.RLock()
        self._depth = 0  # nesting of transaction() on the thread holding the lock
        self._db = sqlite3.connect(path or ":memory:", check_same_thread=False, isolation_level=None)
        if path:
            self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=OFF")
        self._db.executescript(_SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def clear(self) -> None:
        with self._lock:
            for table in _TABLES:
                self._db.execute(f"DELETE FROM {table}")

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """One transaction that no other thread's reads or writes interleave with: a read-modify-write of an
        entity inside it never loses another request's update. Nested uses join the outer one."""
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            self._db.execute("BEGIN IMMEDIATE")
            self._depth = 1
            try:
                yield
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            else:
                self._db.execute("COMMIT")
            finally:
                self._depth = 0

    def save_request(self, request: RequestRow) -> int:
        with self._lock:
            return self._insert_request(request)

    def accept(
        self, request: RequestRow, records: Sequence[RecordRow], *, now: float, window: float
    ) -> list[RecordRow]:
        """Store a request and its records in one transaction, turning records already seen into duplicates.

        A record is a duplicate when its ``$insert_id``, or its ``$idempotency_key`` within its family, was
        accepted less than ``window`` seconds ago (earlier in the same request included). A duplicate takes
        the message id of the record it repeats.
        """
        with self.transaction():
            final = self._dedupe(records, now=now, window=window)
            request_id = self._insert_request(request)
            self._db.executemany(
                "INSERT INTO records (request_id, kind, position, status, message_id, insert_id, "
                "idempotency_key, error, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        request_id,
                        r.kind,
                        r.position,
                        r.status,
                        r.message_id,
                        r.insert_id,
                        r.idempotency_key,
                        r.error,
                        r.body,
                    )
                    for r in final
                ],
            )
        return final

    def _dedupe(self, records: Sequence[RecordRow], *, now: float, window: float) -> list[RecordRow]:
        by_scope: dict[str, list[str]] = {}
        for record in records:
            for scope, key in _dedupe_keys(record):
                by_scope.setdefault(scope, []).append(key)
        seen: dict[tuple[str, str], str | None] = {}
        for scope, scope_keys in by_scope.items():
            # One indexed lookup per scope (the primary key starts with it), whatever the table size.
            placeholders = ", ".join("?" * len(scope_keys))
            rows = self._db.execute(
                f"SELECT key, message_id FROM dedupe WHERE scope = ? AND key IN ({placeholders}) "
                "AND seen_at > ?",
                [scope, *scope_keys, now - window],
            )
            seen.update(((scope, found), message_id) for found, message_id in rows)
        final: list[RecordRow] = []
        fresh: list[tuple[str, str, float, str | None]] = []
        for record in records:
            if record.status != "accepted":
                final.append(record)
                continue
            record_keys = _dedupe_keys(record)
            hit = next((key for key in record_keys if key in seen), None)
            if hit is not None:
                final.append(
                    attrs.evolve(record, status="duplicate", message_id=seen[hit] or record.message_id)
                )
                continue
            for scope, key in record_keys:
                seen[scope, key] = record.message_id
                fresh.append((scope, key, now, record.message_id))
            final.append(record)
        self._db.executemany("INSERT OR REPLACE INTO dedupe VALUES (?, ?, ?, ?)", fresh)
        return final

    def _insert_request(self, r: RequestRow) -> int:
        cursor = self._db.execute(
            "INSERT INTO requests (position, method, path, kind, status, outcome, auth, error, fault, body, "
            "received_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                r.position,
                r.method,
                r.path,
                r.kind,
                r.status,
                r.outcome,
                r.auth,
                r.error,
                r.fault,
                r.body,
                r.received_at,
            ),
        )
        return int(cursor.lastrowid or 0)

    def requests(self, outcome: str | None = None) -> list[dict[str, Any]]:
        query = (
            "SELECT id, position, method, path, kind, status, outcome, auth, error, fault, body, received_at"
        )
        query += " FROM requests" + (" WHERE outcome = ?" if outcome else "") + " ORDER BY id"
        with self._lock:
            rows = self._db.execute(query, (outcome,) if outcome else ()).fetchall()
            counts = dict(
                self._db.execute("SELECT request_id, count(*) FROM records GROUP BY request_id").fetchall()
            )
        names = ("id", "position", "method", "path", "kind", "status", "outcome", "auth", "error", "fault")
        result = []
        for row in rows:
            item = dict(zip(names, row[:10], strict=True))
            item["body"] = _parsed(row[10])
            item["received_at"] = row[11]
            item["records"] = counts.get(row[0], 0)
            result.append(item)
        return result

    def records(self, kind: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
        conditions, params = [], []
        for column, value in (("kind", kind), ("status", status)):
            if value is not None:
                conditions.append(f"{column} = ?")
                params.append(value)
        where = " WHERE " + " AND ".join(conditions) if conditions else ""
        names = (
            "request_id",
            "kind",
            "position",
            "status",
            "message_id",
            "insert_id",
            "idempotency_key",
            "error",
        )
        with self._lock:
            rows = self._db.execute(
                f"SELECT {', '.join(names)}, body FROM records{where} ORDER BY id", params
            ).fetchall()
        return [{**dict(zip(names, row[:8], strict=True)), "body": _parsed(row[8])} for row in rows]

    def counts(self) -> dict[str, int]:
        """Records accepted, duplicate and rejected, plus requests received and requests refused whole."""
        with self._lock:
            by_status = dict(
                self._db.execute("SELECT status, count(*) FROM records GROUP BY status").fetchall()
            )
            by_outcome = dict(
                self._db.execute("SELECT outcome, count(*) FROM requests GROUP BY outcome").fetchall()
            )
        result = {status: int(by_status.get(status, 0)) for status in ("accepted", "duplicate", "rejected")}
        result["requests"] = int(sum(by_outcome.values()))
        for outcome in ("rejected", "fault", "dropped"):
            result[f"requests_{outcome}"] = int(by_outcome.get(outcome, 0))
        return result

    # Profiles and messages: the state the user and message endpoints read and change.

    def profile(self, distinct_id: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT profile FROM profiles WHERE distinct_id = ?", (distinct_id,)
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def save_profiles(self, profiles: Iterable[tuple[str, dict[str, Any]]]) -> None:
        rows = [(distinct_id, json.dumps(profile, ensure_ascii=False)) for distinct_id, profile in profiles]
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO profiles VALUES (?, ?)", rows)

    def profiles(self) -> dict[str, dict[str, Any]]:
        """Every profile by distinct id, in id order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT distinct_id, profile FROM profiles ORDER BY distinct_id"
            ).fetchall()
        return {key: dict(json.loads(profile)) for key, profile in rows}

    def delete_profiles(self, distinct_ids: Iterable[str]) -> int:
        """Remove these profiles; how many there were."""
        with self._lock:
            cursor = self._db.executemany(
                "DELETE FROM profiles WHERE distinct_id = ?", [(key,) for key in distinct_ids]
            )
        return cursor.rowcount

    def delete_entities(self, namespace: str, keys: Iterable[str] | None = None) -> int:
        """Remove these items of ``namespace`` (all of them when ``keys`` is None); how many there were."""
        with self._lock:
            if keys is None:
                cursor = self._db.execute("DELETE FROM entities WHERE namespace = ?", (namespace,))
            else:
                cursor = self._db.executemany(
                    "DELETE FROM entities WHERE namespace = ? AND id = ?", [(namespace, key) for key in keys]
                )
        return cursor.rowcount

    def entities_under(self, prefix: str) -> list[tuple[str, str, dict[str, Any]]]:
        """``(namespace, id, item)`` of the namespaces starting with ``prefix``, in namespace and id order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT namespace, id, document FROM entities WHERE substr(namespace, 1, ?) = ? "
                "ORDER BY namespace, id",
                (len(prefix), prefix),
            ).fetchall()
        return [(namespace, key, dict(json.loads(document))) for namespace, key, document in rows]

    def save_entities(self, namespace: str, items: Iterable[tuple[str, dict[str, Any]]]) -> None:
        """Store (or replace) items of ``namespace`` (``tenants``, ``templates`` ...) by id."""
        rows = [(namespace, key, json.dumps(document, ensure_ascii=False)) for key, document in items]
        with self._lock:
            self._db.executemany("INSERT OR REPLACE INTO entities VALUES (?, ?, ?)", rows)

    def entity(self, namespace: str, key: str) -> dict[str, Any] | None:
        with self._lock:
            row = self._db.execute(
                "SELECT document FROM entities WHERE namespace = ? AND id = ?", (namespace, key)
            ).fetchone()
        return None if row is None else dict(json.loads(row[0]))

    def entities(self, namespace: str) -> dict[str, dict[str, Any]]:
        """Every item of ``namespace`` by id, in id order."""
        with self._lock:
            rows = self._db.execute(
                "SELECT id, document FROM entities WHERE namespace = ? ORDER BY id", (namespace,)
            ).fetchall()
        return {key: dict(json.loads(document)) for key, document in rows}

    def add_messages(self, messages: Iterable[dict[str, Any]]) -> None:
        """Store messages (the hub's message documents, each with its ``message_id``) after the others."""
        rows = [(m["message_id"], json.dumps(m, ensure_ascii=False)) for m in messages]
        with self._lock:
            self._db.executemany("INSERT INTO messages (message_id, document) VALUES (?, ?)", rows)

    def messages(self) -> list[tuple[int, dict[str, Any]]]:
        """Every message with its sequence number, oldest first."""
        with self._lock:
            rows = self._db.execute("SELECT seq, document FROM messages ORDER BY seq").fetchall()
        return [(seq, dict(json.loads(document))) for seq, document in rows]

    def save_messages(self, messages: Iterable[dict[str, Any]]) -> None:
        """Replace stored messages by their ``message_id``."""
        rows = [(json.dumps(m, ensure_ascii=False), m["message_id"]) for m in messages]
        with self._lock:
            self._db.executemany("UPDATE messages SET document = ? WHERE message_id = ?", rows)


def _dedupe_keys(record: RecordRow) -> list[tuple[str, str]]:
    keys = []
    if record.insert_id:
        keys.append(("insert_id", record.insert_id))
    if record.idempotency_key:
        keys.append((f"idempotency:{record.family}", record.idempotency_key))
    return keys


def _parsed(text: str | None) -> Any:
    if text is None:
        return None
    try:
        return parse_json(text.encode("utf-8", "surrogatepass"))
    except (ValueError, RecursionError):  # a refused body is shown as received
        return text
