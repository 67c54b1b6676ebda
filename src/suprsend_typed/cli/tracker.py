"""Which input lines each chunk carried, and what the hub said about each: the journal's and the
``--failed-out`` file's source of truth.

The bulk sender packs ``WireRecord``s, which know nothing of lines, so the reader files each record's line
number and bytes (and the record itself, which keeps it alive) under the record's identity (``id()``,
unique while the record is alive) and the tracker, which wraps the chunk route, takes them back when the
chunk is answered. What is still filed when sending stopped was never answered (``unanswered``). A
chunk's failed records come back in the order of its records (``BulkResponse`` guarantees it), so they are
matched to lines in one forward pass; a failed record that matches none makes the whole chunk count as
unacknowledged, which is always safe: a resend carries the same dedupe keys.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

from .._bulk.response import ChunkOutcome, FailedRecord
from .._context import WireRecord
from .failed_out import FailedOut, outcome_unknown
from .journal import Journal


class ChunkTracker:
    """``send_chunk`` for the bulk sender: sends through ``route``, then journals and reports by line."""

    def __init__(
        self,
        route: Callable[[Sequence[WireRecord]], ChunkOutcome],
        *,
        journal: Journal | None,
        failed_out: FailedOut | None,
    ) -> None:
        self._route = route
        self._journal = journal
        self._failed_out = failed_out
        # id(record) -> (line number, line bytes, record), for the records not answered yet.
        self.line_of: dict[int, tuple[int, bytes, WireRecord]] = {}
        self._lock = threading.Lock()
        self.accepted = 0
        self.failed = 0
        self.unknown = 0  # failed records whose outcome is unknown

    def __call__(self, records: Sequence[WireRecord]) -> ChunkOutcome:
        outcome = self._route(records)
        pop = self.line_of.pop
        filed = [pop(id(record)) for record in records]
        if not outcome.failed_records:
            accepted = filed
        else:
            accepted = self._report_failures(records, filed, outcome.failed_records)
        if self._journal is not None:
            lines = [line for line, _, _ in accepted]
            self._journal.acknowledge(lines, [raw for _, raw, _ in accepted])
        with self._lock:
            self.accepted += outcome.success
            self.failed += len(outcome.failed_records)
            self.unknown += sum(outcome_unknown(failed["code"]) for failed in outcome.failed_records)
        return outcome

    def unanswered(self) -> list[tuple[int, bytes, WireRecord]]:
        """The lines handed to the sender that got no answer (sending stopped): number, bytes and record."""
        filed = list(self.line_of.values())  # one copy in C: a straggling sender thread may still pop
        return sorted(filed, key=_first)

    def _report_failures(
        self,
        records: Sequence[WireRecord],
        filed: list[tuple[int, bytes, WireRecord]],
        failures: Sequence[FailedRecord],
    ) -> list[tuple[int, bytes, WireRecord]]:
        """Write the failures with their lines; the lines accepted (none if a failure cannot be placed)."""
        lines = [line for line, _, _ in filed]
        failed_lines: list[int | None] = []
        position = 0
        for failure in failures:
            while position < len(records) and records[position].body != failure["record"]:
                position += 1
            failed_lines.append(lines[position] if position < len(records) else None)
            position += 1
        if self._failed_out is not None:
            for line, failure in zip(failed_lines, failures, strict=True):
                self._failed_out.write(
                    line=line, error=failure["error"], code=failure["code"], record=failure["record"]
                )
        if None in failed_lines:
            return []
        refused = set(failed_lines)
        return [entry for entry in filed if entry[0] not in refused]


def _first(item: tuple[int, bytes, WireRecord]) -> int:
    return item[0]
