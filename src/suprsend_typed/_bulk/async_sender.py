"""The async bulk sender: the sync sender's packing, accounting and stop rules, with chunks sent as tasks.

Records are pulled lazily from a sync or an async iterable and packed by the same chunker, so a bulk is
split into the same requests as by the sync client (an async source is read a chunk's worth at a time and
the open chunk is re-packed with the next records, which gives the chunks of one pass; see ``ChunkFeed``).
At most ``concurrency`` chunk tasks are in flight, so memory stays bounded. Outcomes are folded in chunk
order into the same ``Progress``/``BulkTally`` as sync, so the per-record outcomes, ``on_progress``,
``retry_failed()`` and ``resend()`` are the same, and so are the errors that stop a send early.

Cancelling the task that awaits a send stops it at once: chunk tasks in flight are cancelled and awaited (so
no request starts afterwards and no connection stays checked out), their records are reported with an
unknown outcome, the records read but not sent as ``not_sent``, and ``BulkCancelledError`` (an
``asyncio.CancelledError``) carries that response, as ``BulkInterruptedError`` does for Ctrl-C.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import AsyncIterable, Awaitable, Callable, Iterable, Iterator, Sequence
from itertools import chain

import attrs

from .._context import WireRecord
from .._errors import ClientClosedError
from .._http import Request, Response
from .chunker import Chunk, Rejected, chunks
from .outcome import exception_outcome
from .progress import Progress, ProgressCallback
from .response import AsyncBulkResponse, BulkTally, ChunkOutcome, FailedRecord
from .sender import _APPARENT_SIZE, check_concurrency, chunk_request
from .source import BulkSourceError, GuardedSource

Packed = Chunk[WireRecord] | Rejected[WireRecord]
Conversion = WireRecord | FailedRecord


class BulkCancelledError(asyncio.CancelledError):
    """The task awaiting an async bulk send or stream was cancelled; still a ``CancelledError``, so the
    task ends cancelled as it should.

    ``response`` accounts for every record read, as ``BulkInterruptedError.response`` does for Ctrl-C:
    acknowledged ones, those in flight when the task was cancelled (``outcome`` ``"unknown"``) and those
    never sent (``"not_sent"``); ``await response.retry_failed()`` sends the last two again, same keys.
    """

    def __init__(self, response: AsyncBulkResponse) -> None:
        super().__init__(
            f"cancelled: {response.success} records acknowledged, {response.unknown} in flight "
            f"(outcome unknown), {response.not_sent} not sent"
        )
        self.response = response


@attrs.frozen(kw_only=True, slots=True)
class AsyncChunkRoute:
    """``ChunkRoute`` for the async client: the same request and answer reading, the send awaited."""

    build_request: Callable[[bytes, bool], Request]
    send: Callable[[Request], Awaitable[Response]]
    read: Callable[[Sequence[WireRecord], Response], ChunkOutcome]

    async def __call__(self, records: Sequence[WireRecord]) -> ChunkOutcome:
        """Never raises but for a closed client or cancellation, as ``ChunkRoute.__call__``."""
        try:
            response = await self.send(chunk_request(self.build_request, records))
        except ClientClosedError:
            raise
        except Exception as exc:  # reported per record: a bulk call does not raise for one chunk
            return exception_outcome(records, exc)
        return self.read(records, response)


class ChunkFeed:
    """The chunks of a sync or an async source of conversions, taken one at a time.

    A sync source goes through the chunker as it is. An async one is read ``max_records`` items at a time;
    each batch is packed together with the records of the chunk still open after the previous batch, which
    the chunker then closes exactly where a single pass would have (the greedy rule restarts at a chunk's
    first record), so the chunks are those of the sync client. Failed conversions are counted on the way.
    """

    def __init__(
        self,
        source: Iterable[Conversion] | AsyncIterable[Conversion],
        *,
        count_failed: Callable[[FailedRecord], None],
        max_records: int,
        max_bytes: int,
    ) -> None:
        # ``Progress.add_failed``: a stream's ``on_failure`` raising for a failed conversion stops sending
        # with ``BulkProgressError``, as it does for the sync client.
        self._count_failed = count_failed
        self._max_records = max_records
        self._max_bytes = max_bytes
        self._ready: deque[Packed] = deque()
        self._carry: tuple[WireRecord, ...] = ()
        # Records of the batch being read: kept here, so that a cancellation while the source computes its
        # next item leaves them to ``rest()`` rather than losing them with the local frame.
        self._batch: list[WireRecord] = []
        self._stopped = False
        self.error: Exception | None = None
        self._guarded: GuardedSource[Conversion] | None = None
        self._sync: Iterator[Packed] | None = None
        if isinstance(source, AsyncIterable):
            self._async_items = source.__aiter__()
        elif isinstance(source, Sequence):
            # Records already in hand (a bulk instance's, a resend): never cut short, so that once sending
            # stopped every one of them still comes out, to be counted as not sent (as ``send_records``).
            self._sync = self._pack(self._sendable(source))
        else:
            self._guarded = GuardedSource(source)
            self._sync = self._pack(self._sendable(self._guarded))

    def _pack(self, records: Iterable[WireRecord]) -> Iterator[Packed]:
        return chunks(
            records, max_records=self._max_records, max_bytes=self._max_bytes, size_of=_APPARENT_SIZE
        )

    def _sendable(self, conversions: Iterable[Conversion]) -> Iterator[WireRecord]:
        for conversion in conversions:
            if isinstance(conversion, WireRecord):
                yield conversion
            else:
                self._count_failed(conversion)

    def stop(self) -> None:
        """Read no further from the source."""
        self._stopped = True
        if self._guarded is not None:
            self._guarded.stop()

    async def next(self) -> Packed | None:
        """The next chunk or rejected record, or None once the source has ended (or reading stopped)."""
        if self._sync is not None:
            return next(self._sync, None)
        while not self._ready:
            if not await self._read_batch():
                return None
        return self._ready.popleft()

    async def _read_batch(self) -> bool:
        """Pack the next batch; False when there is nothing more at all."""
        batch = self._batch
        ended = self._stopped
        while not ended and len(batch) < self._max_records:
            try:
                conversion = await anext(self._async_items)
            except StopAsyncIteration:
                ended = True
                break
            except Exception as exc:  # re-raised as BulkSourceError once the records read are sent
                self.error = exc
                ended = True
                break
            if isinstance(conversion, WireRecord):
                batch.append(conversion)
            else:
                self._count_failed(conversion)
        if not batch and not self._carry:
            return False
        packed = list(self._pack(chain(self._carry, batch)))
        self._carry = ()
        self._batch = []
        last = packed[-1] if packed else None
        if not ended and isinstance(last, Chunk) and not self._full(last):
            packed.pop()
            self._carry = last.records  # still open: packed again with the next batch
        if ended:
            self._stopped = True
        self._ready.extend(packed)
        return True

    def _full(self, chunk: Chunk[WireRecord]) -> bool:
        """Whether the chunker closed ``chunk`` by its limits (not because the batch ended)."""
        return len(chunk.records) >= self._max_records or chunk.apparent_size >= self._max_bytes

    def rest(self) -> list[Packed]:
        """What was read but not handed out, once sending stopped (the source is read no further)."""
        self.stop()
        if self._sync is not None:
            return list(self._sync)
        rest = list(self._ready)
        self._ready.clear()
        if self._carry or self._batch:
            rest += list(self._pack(chain(self._carry, self._batch)))
            self._carry = ()
            self._batch = []
        return rest

    def raise_if_failed(self, response: AsyncBulkResponse) -> None:
        error = self._guarded.error if self._guarded is not None else self.error
        if error is not None:
            raise BulkSourceError(response, error) from error


async def async_send_all(
    conversions: Iterable[Conversion] | AsyncIterable[Conversion],
    *,
    send_chunk: Callable[[Sequence[WireRecord]], Awaitable[ChunkOutcome]],
    max_records: int,
    max_bytes: int,
    concurrency: int = 1,
    on_progress: ProgressCallback | None = None,
    tally: BulkTally[AsyncBulkResponse] | None = None,
) -> AsyncBulkResponse:
    """``send_all`` for the async client: every record sent and counted, the same errors when it stops."""
    check_concurrency(concurrency)
    tally = tally or BulkTally(respond=AsyncBulkResponse.of)
    progress = Progress(tally, on_progress)
    feed = ChunkFeed(
        conversions, count_failed=progress.add_failed, max_records=max_records, max_bytes=max_bytes
    )
    progress.stop_reading = feed.stop
    response = await _send_feed(feed, send_chunk=send_chunk, concurrency=concurrency, progress=progress)
    feed.raise_if_failed(response)
    progress.raise_if_failed(response)
    return response


async def async_send_records(
    records: Sequence[WireRecord],
    *,
    send_chunk: Callable[[Sequence[WireRecord]], Awaitable[ChunkOutcome]],
    max_records: int,
    max_bytes: int,
    concurrency: int = 1,
    on_progress: ProgressCallback | None = None,
    tally: BulkTally[AsyncBulkResponse],
) -> AsyncBulkResponse:
    """``send_records`` for the async client: records already converted (a bulk instance's, a resend);
    once sending stops, those not sent are all counted as ``not_sent``."""
    check_concurrency(concurrency)
    progress = Progress(tally, on_progress)
    feed = ChunkFeed(records, count_failed=progress.add_failed, max_records=max_records, max_bytes=max_bytes)
    response = await _send_feed(feed, send_chunk=send_chunk, concurrency=concurrency, progress=progress)
    progress.raise_if_failed(response)
    return response


async def _send_feed(
    feed: ChunkFeed,
    *,
    send_chunk: Callable[[Sequence[WireRecord]], Awaitable[ChunkOutcome]],
    concurrency: int,
    progress: Progress[AsyncBulkResponse],
) -> AsyncBulkResponse:
    """Take chunks from ``feed`` and send up to ``concurrency`` at once; fold outcomes in chunk order."""
    in_flight: deque[tuple[asyncio.Task[ChunkOutcome], tuple[WireRecord, ...]]] = deque()
    held: tuple[WireRecord, ...] = ()  # a chunk read and waiting for room: not sent if cancelled now
    try:
        # As the sync sender: one chunk at a time is answered before the next is read; with more, the next
        # chunk is read while the ones in flight are answered.
        read_ahead = concurrency > 1
        while True:
            if not read_ahead and in_flight:
                await _fold_oldest(in_flight, progress)
            item = await feed.next()
            if item is None:
                break
            if isinstance(item, Rejected):
                progress.reject(item.record, item.reason)
                continue
            held = item.records
            while len(in_flight) >= concurrency and not progress.stopped:
                await _fold_oldest(in_flight, progress)
            held = ()
            if progress.stopped:
                progress.not_sent(item.records)
                continue
            in_flight.append((asyncio.ensure_future(send_chunk(item.records)), item.records))
            _fold_answered(in_flight, progress)
        while in_flight:
            await _fold_oldest(in_flight, progress)
    except asyncio.CancelledError as cancel:
        await _abandon(in_flight, progress, cancel)
        if held:
            progress.not_sent(held)
        _count_the_rest(feed, progress)
        raise BulkCancelledError(progress.finish()) from cancel
    except BaseException:
        await _abandon(in_flight, progress, None)
        raise
    return progress.finish()


async def _fold_oldest(
    in_flight: deque[tuple[asyncio.Task[ChunkOutcome], tuple[WireRecord, ...]]],
    progress: Progress[AsyncBulkResponse],
) -> None:
    await asyncio.wait([in_flight[0][0]])
    _fold_answered(in_flight, progress)


def _fold_answered(
    in_flight: deque[tuple[asyncio.Task[ChunkOutcome], tuple[WireRecord, ...]]],
    progress: Progress[AsyncBulkResponse],
) -> None:
    """Fold the answered chunks at the head of ``in_flight``: outcomes go in chunk order."""
    while in_flight and in_flight[0][0].done():
        task, _ = in_flight.popleft()
        progress.fold(task.result())


async def _abandon(
    in_flight: deque[tuple[asyncio.Task[ChunkOutcome], tuple[WireRecord, ...]]],
    progress: Progress[AsyncBulkResponse],
    cancel: asyncio.CancelledError | None,
) -> None:
    """Cancel the chunk tasks still running and wait until they have ended, so that nothing is sent after
    this returns; with ``cancel``, count answered chunks and mark the rest as in flight (outcome unknown)."""
    tasks = [task for task, _ in in_flight]
    for task in tasks:
        task.cancel()
    if cancel is None:
        if tasks:
            await asyncio.wait(tasks)
        return
    await _wait_through_cancels(tasks)
    progress.interrupted(cancel)
    unanswered: list[tuple[WireRecord, ...]] = []
    for task, records in in_flight:
        if task.cancelled() or task.exception() is not None:
            unanswered.append(records)
        else:
            progress.fold(task.result())
    in_flight.clear()
    progress.interrupted(cancel, in_flight=unanswered)


async def _wait_through_cancels(tasks: list[asyncio.Task[ChunkOutcome]]) -> None:
    """Wait until every task has ended, even if this task is cancelled again meanwhile: it ends with
    ``BulkCancelledError`` anyway, and the outcomes it carries must not be cut short."""
    while tasks:
        try:
            await asyncio.wait(tasks)
        except asyncio.CancelledError:
            continue
        return


def _count_the_rest(feed: ChunkFeed, progress: Progress[AsyncBulkResponse]) -> None:
    for item in feed.rest():
        if isinstance(item, Chunk):
            progress.not_sent(item.records)
        else:
            progress.reject(item.record, item.reason)
