"""Greedy, order-keeping, lazy packing of records into request-sized chunks.

The packing rule is the official SDK's, so a bulk is split into the same requests: a chunk refuses a record
when it already holds ``max_records`` records, or its running size is ``>= max_bytes``, or the running size
plus the record's size would exceed ``max_bytes``; the record then starts the next chunk. The loop is
iterative (the official SDK recurses once per chunk) and never holds more than ``max_records`` records it
has not yielded, so any iterable, however long, is consumed without being materialised.

Records are pulled a window at a time: as many as the open chunk can still take, by count
(``max_records``) and by bytes, judged from the average size of the records seen so far (one record
before any is seen), so that a stream of large records is read about one chunk ahead, not ``max_records``
records ahead. (A sudden run of records far larger than the average can still be read up to
``max_records`` records ahead: a window is sized before its records are.)
When the
window's sizes are all non-negative and the chunk would stay strictly under ``max_bytes`` with all of them,
the greedy rule could only append each one, so the window is taken whole without a Python-level step per
record (the common case: small records, full chunks). Otherwise its records go through the greedy rule one
by one. Either way the output is what the record-by-record rule gives.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Generic, TypeVar

import attrs

R = TypeVar("R")


@attrs.frozen(kw_only=True, slots=True)
class Chunk(Generic[R]):
    """Records sent together in one request, in input order; ``apparent_size`` is the sum of their sizes."""

    records: tuple[R, ...]
    apparent_size: int


@attrs.frozen(kw_only=True, slots=True)
class Rejected(Generic[R]):
    """A record that alone is bigger than a whole chunk may be, so it can never be sent."""

    record: R
    apparent_size: int
    max_bytes: int

    @property
    def reason(self) -> str:
        return f"record too big - {self.apparent_size} bytes, must not cross {self.max_bytes} bytes"


def chunks(
    records: Iterable[R],
    *,
    max_records: int,
    max_bytes: int,
    size_of: Callable[[R], int],
) -> Iterator[Chunk[R] | Rejected[R]]:
    """Pack ``records`` into chunks, yielding each chunk as soon as it can take no more.

    A record bigger than ``max_bytes`` comes out at once as ``Rejected`` and does not stop the others, so
    it may come before the chunk that holds the records seen just before it. Concatenating the chunks'
    records gives the input minus the rejected records, in input order.
    """
    if max_records < 1 or max_bytes < 1:
        raise ValueError(f"chunk limits must be positive: max_records={max_records}, max_bytes={max_bytes}")
    iterator = iter(records)
    pending: list[R] = []  # the open chunk: fewer than max_records records, running_size < max_bytes
    running_size = 0
    seen_count = seen_bytes = 0  # for the average record size that bounds each window by bytes
    while True:
        wanted = max_records - len(pending)
        if seen_count:
            average = max(seen_bytes // seen_count, 1)
            wanted = min(wanted, max((max_bytes - running_size) // average, 1))
        else:
            wanted = 1
        window = list(islice(iterator, wanted))
        if not window:
            break
        sizes = list(map(size_of, window))
        window_size = sum(sizes)
        seen_count += len(window)
        seen_bytes += window_size
        if running_size + window_size < max_bytes and min(sizes) >= 0 and running_size >= 0:
            # No record here can be rejected, overflow the chunk or reach max_bytes: each would be appended.
            # (Sizes are byte counts; the sign checks keep that true for any size_of, as the tests try.)
            pending += window
            running_size += window_size
            if len(pending) >= max_records:
                yield Chunk(records=tuple(pending), apparent_size=running_size)
                pending = []
                running_size = 0
        else:
            for record, size in zip(window, sizes, strict=True):
                if size > max_bytes:
                    yield Rejected(record=record, apparent_size=size, max_bytes=max_bytes)
                    continue
                if running_size + size > max_bytes:
                    yield Chunk(records=tuple(pending), apparent_size=running_size)
                    pending = []
                    running_size = 0
                pending.append(record)
                running_size += size
                if len(pending) >= max_records or running_size >= max_bytes:
                    yield Chunk(records=tuple(pending), apparent_size=running_size)
                    pending = []
                    running_size = 0
        if len(window) < wanted:  # the records have run out
            break
    if pending:
        yield Chunk(records=tuple(pending), apparent_size=running_size)
