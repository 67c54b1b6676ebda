"""Send converted records chunk by chunk, up to ``concurrency`` chunks at a time, accounting for each record.

Records are pulled lazily, packed by the chunker and handed to worker threads; at most ``concurrency``
chunks are in flight, so memory stays near ``concurrency`` x chunk size whatever the number of records.
Outcomes are folded into the tally on the calling thread only, which is also where ``on_progress`` runs.
When the record source raises, reading stops but nothing read is lost: the records already pulled are sent
and counted, the chunks in flight are awaited, and then ``BulkSourceError`` carries the partial response.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Iterable, Iterator, Sequence
from http import HTTPStatus

import attrs

from .. import _json
from .._context import WireRecord
from .._http import Request, Response
from .chunker import Chunk, chunks
from .outcome import exception_outcome
from .response import BulkResponse, BulkTally, ChunkOutcome, FailedRecord
from .source import GuardedSource
from .workers import ChunkSenders, send_alongside

ProgressCallback = Callable[[int, int], None]
"""``on_progress(done, failed)``: records accounted for so far, and how many of them failed."""

# A record refused on this side of the wire is a client error, whatever the server would have said.
CLIENT_ERROR_CODE = int(HTTPStatus.BAD_REQUEST)
# A record's size for the chunker, and whether it carries a dedupe key, read without a Python-level call.
_APPARENT_SIZE: Callable[[WireRecord], int] = operator.attrgetter("apparent_size")
_DEDUPE: Callable[[WireRecord], bool] = operator.attrgetter("dedupe")


@attrs.frozen(kw_only=True, slots=True)
class ChunkRoute:
    """How one chunk becomes a request, is sent, and how its answer becomes per-record outcomes."""

    # (content, retryable) -> the request; pure.
    build_request: Callable[[bytes, bool], Request]
    # The client's middleware chain and transport; raises only for a failure to get an answer.
    send: Callable[[Request], Response]
    read: Callable[[Sequence[WireRecord], Response], ChunkOutcome]

    def __call__(self, records: Sequence[WireRecord]) -> ChunkOutcome:
        """Never raises: whatever stops this chunk fails its records, and the other chunks go on."""
        try:
            content = _json.encode(_json.join_array([record.text for record in records]))
            # A retried chunk is de-duplicated by the hub only when every record carries a dedupe key.
            request = self.build_request(content, all(map(_DEDUPE, records)))
            response = self.send(request)
        except Exception as exc:  # reported per record: a bulk call does not raise for one chunk
            return exception_outcome(records, exc)
        return self.read(records, response)


def send_all(
    conversions: Iterable[WireRecord | FailedRecord],
    *,
    send_chunk: Callable[[Sequence[WireRecord]], ChunkOutcome],
    max_records: int,
    max_bytes: int,
    concurrency: int = 1,
    on_progress: ProgressCallback | None = None,
    tally: BulkTally | None = None,
) -> BulkResponse:
    """Send every convertible record and count every one; failed conversions are counted as given.

    ``send_chunk`` must not raise (``ChunkRoute`` does not). ``tally`` may arrive holding warnings found
    while converting. If iterating ``conversions`` raises, the records pulled before are still sent, and
    then ``BulkSourceError`` is raised with their ``BulkResponse`` (the source's exception as its cause).
    """
    check_concurrency(concurrency)
    progress = _Progress(tally or BulkTally(), on_progress)
    source = GuardedSource(conversions)
    response = _send_packed(
        _sendable(source, progress.tally),
        send_chunk=send_chunk,
        max_records=max_records,
        max_bytes=max_bytes,
        concurrency=concurrency,
        progress=progress,
    )
    source.raise_if_failed(response)
    return response


def send_records(
    records: Sequence[WireRecord],
    *,
    send_chunk: Callable[[Sequence[WireRecord]], ChunkOutcome],
    max_records: int,
    max_bytes: int,
    concurrency: int = 1,
    on_progress: ProgressCallback | None = None,
    tally: BulkTally,
) -> BulkResponse:
    """``send_all`` for records already converted, such as a bulk instance's, with the failed conversions
    already in ``tally``: a list cannot raise and holds nothing to set aside, so no per-record filter runs.

    With ``concurrency`` above 1 every chunk is packed first (the records are in memory already; chunks
    only refer to them) and records too big to send are reported before any chunk's outcome.
    """
    check_concurrency(concurrency)
    progress = _Progress(tally, on_progress)
    if concurrency == 1:
        return _send_packed(
            records,
            send_chunk=send_chunk,
            max_records=max_records,
            max_bytes=max_bytes,
            concurrency=1,
            progress=progress,
        )
    to_send: list[tuple[WireRecord, ...]] = []
    for item in chunks(records, max_records=max_records, max_bytes=max_bytes, size_of=_APPARENT_SIZE):
        if isinstance(item, Chunk):
            to_send.append(item.records)
        else:
            progress.reject(item.record, item.reason)
    send_alongside(to_send, send_chunk, concurrency, progress.fold)
    return progress.finish()


def _send_packed(
    records: Iterable[WireRecord],
    *,
    send_chunk: Callable[[Sequence[WireRecord]], ChunkOutcome],
    max_records: int,
    max_bytes: int,
    concurrency: int,
    progress: _Progress,
) -> BulkResponse:
    """Pack, send and fold until ``records`` ends, then wait for the chunks still in flight."""
    packed = chunks(records, max_records=max_records, max_bytes=max_bytes, size_of=_APPARENT_SIZE)
    if concurrency == 1:
        for item in packed:
            if isinstance(item, Chunk):
                progress.fold(send_chunk(item.records))
            else:
                progress.reject(item.record, item.reason)
        return progress.finish()
    with ChunkSenders(send_chunk, concurrency) as senders:
        for item in packed:
            if not isinstance(item, Chunk):
                progress.reject(item.record, item.reason)
                continue
            if senders.unfolded >= concurrency:
                for outcome in senders.answered(wait=True):
                    progress.fold(outcome)
            senders.submit(item.records)
            for outcome in senders.answered(wait=False):
                progress.fold(outcome)
        while senders.unfolded:
            for outcome in senders.answered(wait=True):
                progress.fold(outcome)
    return progress.finish()


def check_concurrency(concurrency: int) -> None:
    """Refuse a concurrency below 1 before anything is sent."""
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")


@attrs.define(slots=True)
class _Progress:
    """The tally plus the progress callback, touched only from the thread that runs ``send_all``."""

    tally: BulkTally
    on_progress: ProgressCallback | None
    reported: int = -1

    def fold(self, outcome: ChunkOutcome) -> None:
        self.tally.add_chunk(outcome)
        self._report()

    def reject(self, record: WireRecord, reason: str) -> None:
        self.tally.add_failed(FailedRecord(record=record.body, error=reason, code=CLIENT_ERROR_CODE))

    def finish(self) -> BulkResponse:
        """A last report when records were accounted for after the last chunk (or there was no chunk)."""
        if self.reported != self.tally.total and self.tally.total:
            self._report()
        return self.tally.response()

    def _report(self) -> None:
        self.reported = self.tally.total
        if self.on_progress is not None:
            self.on_progress(self.tally.total, self.tally.failure)


def _sendable(conversions: Iterable[WireRecord | FailedRecord], tally: BulkTally) -> Iterator[WireRecord]:
    """The records to chunk; records whose conversion failed are counted on the way past."""
    for conversion in conversions:
        if isinstance(conversion, WireRecord):
            yield conversion
        else:
            tally.add_failed(conversion)
