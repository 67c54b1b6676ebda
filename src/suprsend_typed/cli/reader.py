"""Input lines to wire records: skip what is done or another shard's, validate the rest, report bad lines.

Runs on the calling thread, lazily, one line at a time, as the bulk sender pulls records: memory holds a
line only until its chunk is answered. Each record gets its line's dedupe key unless it carries its own.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from json.scanner import make_scanner
from typing import Any

import attrs

from .._bulk.outcome import short_reason
from .._context import WireContext, WireRecord
from .._errors import ValidationError
from .._json import TOO_DEEP
from .ids import LineIds
from .journal import Verifier
from .lineset import LineSet
from .records import RecordKind
from .shard import Shard
from .source import InputSource

# A line refused before sending is a client error, as the bulk sender reports such records.
INVALID_LINE_CODE = 400

# Called for a line refused before sending: line number, reason, its JSON value (None if it is not JSON),
# and its bytes.
InvalidLine = Callable[[int, str, Any, bytes], None]

# JSON Lines are UTF-8; a byte order mark at the start of the file is skipped.
_DECODER = json.JSONDecoder()
# ``(text, index) -> (value, end)``: what the decoder runs, without its checks around the value. (typeshed
# declares the C scanner's argument as a scanner; it takes the decoder, whose settings it reads.)
_SCAN_VALUE: Callable[[str, int], tuple[Any, int]] = make_scanner(_DECODER)  # type: ignore[arg-type]
_BOM = "\ufeff"


@attrs.define(kw_only=True, slots=True)
class LineCounts:
    """What happened to the lines read so far, other than sending."""

    lines: int = 0
    blank: int = 0
    already_acknowledged: int = 0  # skipped: the journal lists them
    other_shards: int = 0
    invalid: int = 0
    records: int = 0  # valid records handed to the sender (or, in a dry run, found valid)


class LineReader:
    """``records()`` yields the wire record of every line this run must send, in input order."""

    def __init__(
        self,
        source: InputSource,
        kind: RecordKind,
        *,
        ids: LineIds,
        context: WireContext,
        shard: Shard | None,
        done: LineSet,
        verifier: Verifier | None,
        line_of: dict[int, tuple[int, bytes, WireRecord]],
        on_invalid: InvalidLine,
    ) -> None:
        self._source = source
        self._kind = kind
        self._ids = ids
        self._context = context
        self._shard = shard
        self._done = done
        self._verifier = verifier
        self._line_of = line_of
        self._on_invalid = on_invalid
        self.counts = LineCounts()

    def records(self) -> Iterator[WireRecord]:
        """Raises ``JournalMismatchError`` when a line the journal acknowledged now holds something else."""
        counts, done, shard, line_of = self.counts, self._done, self._shard, self._line_of
        kind, context, key_name, key_of = self._kind, self._context, self._kind.dedupe_key, self._ids.key
        build, distinct_id = kind.build, kind.distinct_id
        verifier = self._verifier
        scan = _SCAN_VALUE
        done_end = done.end  # no line at or past it is done: a fresh run makes no membership test
        for number, raw in self._source.lines():
            counts.lines += 1
            if number < done_end and number in done:
                assert verifier is not None  # lines are only done in a journal
                verifier.check(number, raw)  # before skipping: the line must be the one acknowledged
                counts.already_acknowledged += 1
                continue
            if not raw or raw.isspace():
                counts.blank += 1
                continue
            try:
                # Decoded here, not by json.loads: bytes make it guess the encoding of every line.
                text = raw.decode("utf-8")
                if text.startswith(_BOM):
                    text = text[1:]
                # A line that is one JSON value, nothing around it, is scanned in one C call; any other
                # (white space around the value, or not JSON) is decoded in full, which raises the reason.
                try:
                    body, end = scan(text, 0)
                except (StopIteration, ValueError):
                    end = -1
                if end != len(text):
                    body = _DECODER.decode(text)
            except UnicodeDecodeError as exc:
                self._unreadable(number, f"not UTF-8: {exc}", raw)
                continue
            except ValueError as exc:  # huge integers too: "Exceeds the limit (4300 digits) ..."
                self._unreadable(number, f"not JSON: {exc}", raw)
                continue
            except RecursionError:
                self._unreadable(number, f"not readable: {TOO_DEEP}", raw)
                continue
            if not isinstance(body, dict):
                if shard is None or shard.owns(None):
                    self._invalid(
                        number, f"a line must hold one JSON object, got {type(body).__name__}", body, raw
                    )
                else:
                    counts.other_shards += 1
                continue
            if shard is not None and not shard.owns(distinct_id(body)):
                counts.other_shards += 1
                continue
            if key_name not in body:
                body[key_name] = key_of(number, raw)
            try:
                record = build(body, context)
            except ValidationError as exc:
                self._invalid(number, short_reason(exc), body, raw)
                continue
            except RecursionError:
                self._invalid(number, f"cannot be encoded: {TOO_DEEP}", body, raw)
                continue
            except Exception as exc:  # whatever one line does, the lines after it are sent
                self._invalid(number, f"cannot be encoded: {type(exc).__name__}: {exc}", body, raw)
                continue
            counts.records += 1
            line_of[id(record)] = (number, raw, record)  # raw: digested by the journal per chunk
            yield record
        if verifier is not None:
            verifier.finish(counts.lines)

    def _unreadable(self, number: int, reason: str, raw: bytes) -> None:
        """A line that is not a JSON value: shard 0 reports it (its distinct id cannot be read)."""
        if self._shard is None or self._shard.owns(None):
            self._invalid(number, reason, None, raw)
        else:
            self.counts.other_shards += 1

    def _invalid(self, number: int, reason: str, value: Any, raw: bytes) -> None:
        self.counts.invalid += 1
        self._on_invalid(number, reason, value, raw)
