"""Send converted records chunk by chunk, up to ``concurrency`` chunks at a time, accounting for each record.

Records are pulled lazily, packed by the chunker and handed to worker threads; at most ``concurrency``
chunks are in flight, so memory stays near ``concurrency`` x chunk size whatever the number of records.
Outcomes are folded into the tally on the calling thread only, which is also where ``on_progress`` runs.
When the record source raises, reading stops but nothing read is lost: the records already pulled are sent
and counted, the chunks in flight are awaited, and then ``BulkSourceError`` carries the partial response.
When ``on_progress`` raises, or a chunk is answered 401 or 403, no new chunk is taken and
``BulkProgressError`` or ``BulkAuthenticationError`` follows the same way. Ctrl-C waits for nothing: the
chunks in flight are reported with an unknown outcome, the rest as not sent, and ``BulkInterruptedError``
follows at once.
"""

from __future__ import annotations

import operator
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence

import attrs

from .. import _json
from .._context import WireRecord
from .._errors import ClientClosedError
from .._http import Request, Response
from .chunker import Chunk, Rejected, chunks
from .outcome import exception_outcome
from .progress import Progress, ProgressCallback
from .response import BulkResponse, BulkTally, ChunkOutcome, FailedRecord
from .source import GuardedSource
from .workers import Abandoned, ChunkSenders, send_alongside

# A record's size for the chunker, whether it carries a dedupe key, and its text, read without a Python-level
# call.
_APPARENT_SIZE: Callable[[WireRecord], int] = operator.attrgetter("apparent_size")
_DEDUPE: Callable[[WireRecord], bool] = operator.attrgetter("dedupe")
_TEXT: Callable[[WireRecord], str] = operator.attrgetter("text")


@attrs.frozen(kw_only=True, slots=True)
class ChunkRoute:
    """How one chunk becomes a request, is sent, and how its answer becomes per-record outcomes.

    ``cancel`` is set when the send is interrupted: the retry layer then makes no further attempt of the
    chunks still being sent by threads the interrupted caller no longer waits for.
    """

    # (content, retryable) -> the request; pure.
    build_request: Callable[[bytes, bool], Request]
    # The client's middleware chain and transport; raises only for a failure to get an answer.
    send: Callable[[Request], Response]
    read: Callable[[Sequence[WireRecord], Response], ChunkOutcome]
    cancel: threading.Event = attrs.field(factory=threading.Event)

    def __call__(self, records: Sequence[WireRecord]) -> ChunkOutcome:
        """Never raises but for a closed client: whatever stops this chunk fails its records, and the other
        chunks go on."""
        try:
            request = chunk_request(self.build_request, records)
            options = attrs.evolve(request.options, cancel=self.cancel)
            response = self.send(attrs.evolve(request, options=options))
        except ClientClosedError:  # not a failure of this chunk: the caller sends on a closed client
            raise
        except Exception as exc:  # reported per record: a bulk call does not raise for one chunk
            return exception_outcome(records, exc)
        return self.read(records, response)


def chunk_request(build_request: Callable[[bytes, bool], Request], records: Sequence[WireRecord]) -> Request:
    """The request of one chunk (pure, shared by the sync and the async sender): the records' texts as one
    JSON array. A retried chunk is de-duplicated by the hub only when every record carries a dedupe key."""
    content = _json.encode(_json.join_array(list(map(_TEXT, records))))
    return build_request(content, all(map(_DEDUPE, records)))


def send_all(
    conversions: Iterable[WireRecord | FailedRecord],
    *,
    send_chunk: Callable[[Sequence[WireRecord]], ChunkOutcome],
    max_records: int,
    max_bytes: int,
    concurrency: int = 1,
    on_progress: ProgressCallback | None = None,
    tally: BulkTally[BulkResponse] | None = None,
    cancel: threading.Event | None = None,
) -> BulkResponse:
    """Send every convertible record and count every one; failed conversions are counted as given.

    ``send_chunk`` must not raise (``ChunkRoute`` does not). ``tally`` may arrive holding warnings found
    while converting. If iterating ``conversions`` raises, the records pulled before are still sent, and
    then ``BulkSourceError`` is raised with their ``BulkResponse`` (the source's exception as its cause).
    If ``on_progress`` raises, or a chunk is answered 401 or 403, nothing more is read; what was read is
    sent, and ``BulkProgressError`` or ``BulkAuthenticationError`` is raised the same way. On Ctrl-C
    (in the source, a send, or a wait), nothing more is read or waited for: ``cancel`` is set and
    ``BulkInterruptedError`` carries the response at once.
    """
    check_concurrency(concurrency)
    source = GuardedSource(conversions)
    progress = Progress(
        tally or BulkTally(respond=BulkResponse.of), on_progress, stop_reading=source.stop, cancel=cancel
    )
    source.on_interrupt = progress.interrupted
    response = _send_packed(
        _sendable(source, progress),
        send_chunk=send_chunk,
        max_records=max_records,
        max_bytes=max_bytes,
        concurrency=concurrency,
        progress=progress,
    )
    if progress.interrupt is None:
        source.raise_if_failed(response)
    progress.raise_if_failed(response)
    return response


def send_records(
    records: Sequence[WireRecord],
    *,
    send_chunk: Callable[[Sequence[WireRecord]], ChunkOutcome],
    max_records: int,
    max_bytes: int,
    concurrency: int = 1,
    on_progress: ProgressCallback | None = None,
    tally: BulkTally[BulkResponse],
    cancel: threading.Event | None = None,
) -> BulkResponse:
    """``send_all`` for records already converted, such as a bulk instance's, with the failed conversions
    already in ``tally``: a list cannot raise and holds nothing to set aside, so no per-record filter runs.

    With ``concurrency`` above 1 every chunk is packed first (the records are in memory already; chunks
    only refer to them), so records too big to send are reported before any chunk's outcome. If sending
    stops (``on_progress`` raised, a 401 or 403, Ctrl-C), the records never sent are counted as failed
    with the outcome ``not_sent`` and the matching error raised.
    """
    check_concurrency(concurrency)
    progress = Progress(tally, on_progress, cancel=cancel)
    if concurrency == 1:
        response = _send_packed(
            records,
            send_chunk=send_chunk,
            max_records=max_records,
            max_bytes=max_bytes,
            concurrency=1,
            progress=progress,
        )
    else:
        to_send: list[tuple[WireRecord, ...]] = []
        for item in chunks(records, max_records=max_records, max_bytes=max_bytes, size_of=_APPARENT_SIZE):
            if isinstance(item, Chunk):
                to_send.append(item.records)
            else:
                progress.reject(item.record, item.reason)
        try:
            for unsent in send_alongside(to_send, send_chunk, concurrency, progress.fold):
                progress.not_sent(unsent)
        except Abandoned as abandoned:
            _count_abandoned(progress, abandoned)
        response = progress.finish()
    progress.raise_if_failed(response)
    return response


def _count_abandoned(progress: Progress[BulkResponse], abandoned: Abandoned) -> None:
    """Count what an interrupted send knew: outcomes answered, chunks in flight, chunks never taken."""
    progress.interrupted(abandoned.interrupt)
    for outcome in abandoned.answered:
        progress.fold(outcome)
    progress.interrupted(abandoned.interrupt, in_flight=abandoned.in_flight, untaken=abandoned.untaken)


def _send_packed(
    records: Iterable[WireRecord],
    *,
    send_chunk: Callable[[Sequence[WireRecord]], ChunkOutcome],
    max_records: int,
    max_bytes: int,
    concurrency: int,
    progress: Progress[BulkResponse],
) -> BulkResponse:
    """Pack, send and fold until ``records`` ends, then wait for the chunks still in flight.

    Once sending has stopped, the chunks that still come out of the chunker (a lazy source stops at once,
    so only the records it has read already) are counted as not sent. On Ctrl-C nothing is waited for.
    """
    packed = chunks(records, max_records=max_records, max_bytes=max_bytes, size_of=_APPARENT_SIZE)
    if concurrency == 1:
        in_flight: Sequence[WireRecord] = ()
        try:
            for item in packed:
                if not isinstance(item, Chunk):
                    progress.reject(item.record, item.reason)
                elif progress.stopped:
                    progress.not_sent(item.records)
                else:
                    in_flight = item.records
                    outcome = send_chunk(in_flight)
                    in_flight = ()
                    progress.fold(outcome)
        except KeyboardInterrupt as interrupt:
            progress.interrupted(interrupt, in_flight=[in_flight] if in_flight else ())
            _count_the_rest(packed, progress)
        return progress.finish()
    with ChunkSenders(send_chunk, concurrency) as senders:
        try:
            for item in packed:
                if not isinstance(item, Chunk):
                    progress.reject(item.record, item.reason)
                    continue
                if senders.unfolded >= concurrency and progress.interrupt is None:
                    for outcome in senders.answered(wait=True):
                        progress.fold(outcome)
                if progress.stopped:
                    progress.not_sent(item.records)
                    continue
                senders.submit(item.records)
                for outcome in senders.answered(wait=False):
                    progress.fold(outcome)
            while senders.unfolded and progress.interrupt is None:
                for outcome in senders.answered(wait=True):
                    progress.fold(outcome)
        except KeyboardInterrupt as interrupt:
            progress.interrupted(interrupt)
        if progress.interrupt is not None:  # Ctrl-C here, or in the source (which then stopped reading)
            _count_abandoned(progress, senders.abandon(progress.interrupt))
            _count_the_rest(packed, progress)
    return progress.finish()


def _count_the_rest(
    packed: Iterator[Chunk[WireRecord] | Rejected[WireRecord]], progress: Progress[BulkResponse]
) -> None:
    """After sending stopped: what the chunker still holds is not sent (the source reads no further)."""
    for item in packed:
        if isinstance(item, Chunk):
            progress.not_sent(item.records)
        else:
            progress.reject(item.record, item.reason)


def check_concurrency(concurrency: int) -> None:
    """Refuse a concurrency below 1 before anything is sent."""
    if concurrency < 1:
        raise ValueError(f"concurrency must be at least 1, got {concurrency}")


def _sendable(
    conversions: Iterable[WireRecord | FailedRecord], progress: Progress[BulkResponse]
) -> Iterator[WireRecord]:
    """The records to chunk; records whose conversion failed are counted on the way past."""
    for conversion in conversions:
        if isinstance(conversion, WireRecord):
            yield conversion
        else:
            progress.add_failed(conversion)
