"""One send cycle of a background sender: the entries taken from the head of its outbox go out through
their kinds' bulk endpoints, packed by the bulk chunker and sent by the bulk chunk route (so with the
client's retries, signing and per-record reading), and each entry comes back acknowledged, to retry, or
dead. A cycle that catches up on a backlog sends a kind's chunks as a bulk instance's ``trigger()`` does:
up to the kind's trigger concurrency at once (``send_alongside``: the sender's thread and helpers for the
cycle), one at a time for profile edits, which keep their order. Outcomes are settled in chunk order.

Which records are worth another try is ``worth_resending``'s rule, the one ``BulkResponse.retry_failed``
uses: never sent, sent with an unknown outcome but a dedupe key, or refused for a reason that can pass
(throttling, a conflict, a server error). A 401 or 403 stops the cycle: the chunk refused and everything
after it stays queued, and the sender stops.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from .._base_client import RequestCore
from .._bulk.bulk import EVENTS, USERS, WORKFLOW_TRIGGERS, BulkKind, _route, worth_resending
from .._bulk.chunker import Chunk, chunks
from .._bulk.outcome import failed_chunk
from .._bulk.progress import CLIENT_ERROR_CODE
from .._bulk.response import ChunkOutcome, FailedRecord
from .._bulk.sender import ChunkRoute
from .._bulk.workers import send_alongside
from .._context import WireRecord
from .._errors import APIStatusError, ValidationError
from .outbox import DeadLetter, Entry, dead_letter

# The kinds a background sender queues, by the id of the bulk operation that sends them (the name kept in
# a durable outbox). Each has a bulk endpoint, so no kind is sent one record per request.
KINDS: dict[str, BulkKind[Any]] = {kind.operation.id: kind for kind in (EVENTS, WORKFLOW_TRIGGERS, USERS)}
EVENT_KIND = EVENTS.operation.id
TRIGGER_KIND = WORKFLOW_TRIGGERS.operation.id
EDIT_KIND = USERS.operation.id
# The largest chunk any kind may send: a cycle takes at most this many records unless told otherwise.
LARGEST_CHUNK_RECORDS = max(kind.max_records for kind in KINDS.values())

# An entry's size, kind, record and key, read without a Python-level call (a cycle reads each per entry).
_ENTRY_SIZE: Callable[[Entry], int] = operator.attrgetter("record.apparent_size")
_KIND: Callable[[Entry], str] = operator.attrgetter("kind")
_RECORD: Callable[[Entry], WireRecord] = operator.attrgetter("record")
_KEY: Callable[[Entry], int] = operator.attrgetter("key")


@attrs.define(kw_only=True, slots=True)
class Settlement:
    """What one cycle did with its entries; entries in none of the lists stay queued (to retry)."""

    done: list[int] = attrs.field(factory=list)
    dead: list[tuple[Entry, DeadLetter]] = attrs.field(factory=list)
    failed: list[FailedRecord] = attrs.field(factory=list)  # the dead ones, for on_error
    retry: int = 0
    auth_error: APIStatusError | None = None
    warnings: list[str] = attrs.field(factory=list)


class Routes:
    """One chunk route per kind, made on first use from the sender's request core."""

    def __init__(self, core: RequestCore) -> None:
        self._core = core
        self._routes: dict[str, ChunkRoute] = {}
        self._cancelled = False

    def __getitem__(self, kind: str) -> ChunkRoute:
        route = self._routes.get(kind)
        if route is None:
            route = self._routes[kind] = _route(self._core, KINDS[kind])
            if self._cancelled:  # made after close() gave up: cancelled as the others are
                route.cancel.set()
        return route

    def cancel(self) -> None:
        """No further retry attempt for a chunk being sent, and no new chunk (the sender is giving up at
        close); a route made after this is cancelled too."""
        self._cancelled = True
        for route in list(self._routes.values()):
            route.cancel.set()


def deliver(entries: Sequence[Entry], routes: Routes, *, max_records: int, catching_up: bool) -> Settlement:
    """Send ``entries`` (oldest first), kind by kind in the order each kind first appears, in chunks of
    at most ``max_records`` records (and the kind's own limits).

    ``catching_up``: the cycle took as many records as a cycle may, so a backlog is waiting (piled up
    while the hub was away, or queued faster than one chunk at a time sends, as before ``close()``). A
    kind's chunks then go up to its trigger concurrency at once, hiding the hub's answer time. Otherwise
    they go one at a time: the queue is short, and more threads would only take the processor from the
    calls that fill it (measured slower with a durable outbox, whose commits release it)."""
    settlement = Settlement()
    kinds = set(map(_KIND, entries))
    by_kind: dict[str, Sequence[Entry]]
    if len(kinds) == 1:  # the usual cycle: one kind, grouped without a Python step per entry
        by_kind = {kinds.pop(): entries}
    else:
        grouped: dict[str, list[Entry]] = {}
        for entry in entries:
            grouped.setdefault(entry.kind, []).append(entry)
        by_kind = dict(grouped)
    for kind_id, kind_entries in by_kind.items():
        if settlement.auth_error is not None:
            settlement.retry += len(kind_entries)
            continue
        kind = KINDS.get(kind_id)
        if kind is None:  # an outbox written by another version of the SDK
            for entry in kind_entries:
                reason = f"this SDK does not send records of kind {kind_id!r}"
                failed = FailedRecord(
                    record=entry.record.body,
                    error=reason,
                    code=ValidationError.status_code,
                    outcome="refused",
                )
                _bury(settlement, entry, failed)
            continue
        packed = chunks(
            kind_entries,
            max_records=min(kind.max_records, max_records),
            max_bytes=kind.max_bytes,
            size_of=_ENTRY_SIZE,
        )
        to_send: list[tuple[Entry, ...]] = []
        for item in packed:
            if isinstance(item, Chunk):
                to_send.append(item.records)
                continue
            failed = FailedRecord(
                record=item.record.record.body,
                error=item.reason,
                code=ValidationError.status_code,
                outcome="refused",
            )
            _bury(settlement, item.record, failed)
        concurrency = kind.trigger_concurrency if catching_up else 1
        _send_chunks(settlement, to_send, routes[kind_id], concurrency, in_order=kind.ordered)
    return settlement


def _send_chunks(
    settlement: Settlement,
    to_send: list[tuple[Entry, ...]],
    route: ChunkRoute,
    concurrency: int,
    *,
    in_order: bool,
) -> None:
    """Send one kind's chunks, up to ``concurrency`` at once, settling each in chunk order. Once a chunk
    is refused for its credentials no further chunk is taken: those not taken stay queued (to retry).
    Once the sender closed (``route.cancel``), a chunk not sent yet is not sent: it stays queued too.
    ``in_order`` (profile edits): once a chunk leaves records to retry, no further chunk is taken either,
    so that no edit is applied before an older one that is still to be sent again."""
    settling = iter(to_send)

    def fold(outcome: ChunkOutcome) -> bool:
        retry = settlement.retry
        _settle_chunk(settlement, next(settling), outcome)
        if in_order and settlement.retry > retry:
            return False
        return settlement.auth_error is None and not route.cancel.is_set()

    def send(records: Sequence[WireRecord]) -> ChunkOutcome:
        if route.cancel.is_set():  # taken by a thread after close() gave up: not sent, stays queued
            return failed_chunk(
                records, error="not sent: the sender closed", code=CLIENT_ERROR_CODE, outcome="not_sent"
            )
        return route(records)

    untaken = send_alongside(
        [list(map(_RECORD, entries)) for entries in to_send],
        send,
        max(1, min(concurrency, len(to_send))),
        fold,
    )
    settlement.retry += sum(map(len, untaken))


def _settle_chunk(settlement: Settlement, entries: Sequence[Entry], outcome: ChunkOutcome) -> None:
    settlement.warnings.extend(outcome.warnings)
    if outcome.auth_error is not None:
        settlement.auth_error = outcome.auth_error
        settlement.retry += len(entries)
        return
    if not outcome.failed_records:
        settlement.done.extend(map(_KEY, entries))
        return
    # Failed records come back in the order of the chunk's records, each the body as sent: match them
    # in one forward pass. A failure that matches no record leaves the whole chunk queued, which is safe:
    # a resend carries the same dedupe keys.
    failed_at: dict[int, FailedRecord] = {}
    position = 0
    for failed in outcome.failed_records:
        while position < len(entries) and entries[position].record.body != failed["record"]:
            position += 1
        if position == len(entries):
            settlement.retry += len(entries)
            return
        failed_at[position] = failed
        position += 1
    for position, entry in enumerate(entries):
        failure = failed_at.get(position)
        if failure is None:
            settlement.done.append(entry.key)
        elif worth_resending(failure):
            settlement.retry += 1
        else:
            _bury(settlement, entry, failure)


def _bury(settlement: Settlement, entry: Entry, failed: FailedRecord) -> None:
    settlement.dead.append((entry, dead_letter(entry, failed)))
    settlement.failed.append(failed)
