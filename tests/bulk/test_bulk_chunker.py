"""Properties of the pure chunker: nothing lost, order kept, limits held, the official greedy count."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterable, Iterator

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from suprsend_typed._bulk.chunker import Chunk, Rejected, chunks
from tests.support.budget import examples


def _identity_size(size: int) -> int:
    return size


def _reference_chunk_count(sizes: list[int], max_records: int, max_bytes: int) -> int:
    """The official packing rule written the plain way: open a new chunk whenever the current one refuses."""
    count = 0
    held = 0
    running = 0
    for size in sizes:
        if size > max_bytes:
            continue
        refused = held >= max_records or running >= max_bytes or running + size > max_bytes
        if count == 0 or refused:
            count += 1
            held = 0
            running = 0
        held += 1
        running += size
    return count


@st.composite
def _workloads(draw: st.DrawFn) -> tuple[list[tuple[int, int]], int, int]:
    max_records = draw(st.integers(min_value=1, max_value=12))
    max_bytes = draw(st.integers(min_value=1, max_value=200))
    sizes = draw(st.lists(st.integers(min_value=0, max_value=260), max_size=120))
    # Records are (position, size) pairs so that equal sizes stay distinguishable.
    return list(enumerate(sizes)), max_records, max_bytes


def _size(record: tuple[int, int]) -> int:
    return record[1]


@settings(max_examples=examples(100), deadline=None)
@given(_workloads())
def test_every_record_lands_once_in_order_within_limits(
    workload: tuple[list[tuple[int, int]], int, int],
) -> None:
    records, max_records, max_bytes = workload
    output = list(chunks(records, max_records=max_records, max_bytes=max_bytes, size_of=_size))

    packed = [r for item in output if isinstance(item, Chunk) for r in item.records]
    rejected = [item.record for item in output if isinstance(item, Rejected)]

    assert packed == [r for r in records if r[1] <= max_bytes]
    assert rejected == [r for r in records if r[1] > max_bytes]
    assert sorted(packed + rejected) == records
    for item in output:
        if isinstance(item, Chunk):
            assert item.records
            assert len(item.records) <= max_records
            assert item.apparent_size == sum(r[1] for r in item.records) <= max_bytes
        else:
            assert item.apparent_size == item.record[1] > max_bytes
    chunk_count = sum(isinstance(item, Chunk) for item in output)
    assert chunk_count == _reference_chunk_count([r[1] for r in records], max_records, max_bytes)


def _reference_chunks(
    records: Iterable[tuple[int, int]],
    *,
    max_records: int,
    max_bytes: int,
    size_of: Callable[[tuple[int, int]], int],
) -> Iterator[Chunk[tuple[int, int]] | Rejected[tuple[int, int]]]:
    """The greedy rule one record at a time, as the chunker did before it took whole windows."""
    pending: list[tuple[int, int]] = []
    running = 0
    for record in records:
        size = size_of(record)
        if size > max_bytes:
            yield Rejected(record=record, apparent_size=size, max_bytes=max_bytes)
            continue
        if running + size > max_bytes:
            yield Chunk(records=tuple(pending), apparent_size=running)
            pending, running = [], 0
        pending.append(record)
        running += size
        if len(pending) >= max_records or running >= max_bytes:
            yield Chunk(records=tuple(pending), apparent_size=running)
            pending, running = [], 0
    if pending:
        yield Chunk(records=tuple(pending), apparent_size=running)


@st.composite
def _edge_workloads(draw: st.DrawFn) -> tuple[list[tuple[int, int]], int, int]:
    """Sizes that hit the edges of the window fast path: zero, exactly max_bytes, over it, and windows whose
    sizes add up to exactly max_bytes (a unit that divides it). Negative sizes are no byte count, but the
    fast path must not depend on their absence either."""
    max_records = draw(st.integers(min_value=1, max_value=12))
    unit = draw(st.integers(min_value=0, max_value=40))
    max_bytes = draw(
        st.integers(min_value=1, max_value=300) | st.integers(1, 12).map(lambda n: max(1, unit * n))
    )
    size = st.sampled_from([0, unit, max_bytes, max_bytes + 1]) | st.integers(
        min_value=-3, max_value=2 * max_bytes
    )
    sizes = draw(st.lists(size, max_size=150))
    return list(enumerate(sizes)), max_records, max_bytes


@settings(max_examples=examples(150), deadline=None)
@given(_edge_workloads() | _workloads())
# The running size reaches max_bytes exactly with one record still to come: the chunk closes there.
@example(([(0, 50), (1, 50), (2, 0)], 3, 100))
@example(([(0, 25), (1, 25), (2, 25), (3, 25), (4, 25)], 5, 100))
@example(([(0, 0), (1, 0), (2, 0)], 3, 1))
@example(([(0, 10), (1, 120), (2, 10)], 3, 100))
@example(([(0, 0), (1, 0), (2, 0), (3, 0), (4, 1), (5, -2), (6, 2)], 2, 1))  # a negative running size
def test_same_output_as_the_record_by_record_rule(workload: tuple[list[tuple[int, int]], int, int]) -> None:
    records, max_records, max_bytes = workload
    limits = {"max_records": max_records, "max_bytes": max_bytes}

    assert list(chunks(records, **limits, size_of=_size)) == list(
        _reference_chunks(records, **limits, size_of=_size)
    )


@settings(max_examples=examples(100), deadline=None)
@given(_edge_workloads() | _workloads())
def test_never_reads_more_than_max_records_ahead(workload: tuple[list[tuple[int, int]], int, int]) -> None:
    """Streaming holds bounded memory only if the chunker keeps at most one chunk's worth unyielded."""
    records, max_records, max_bytes = workload
    yielded = 0
    pulled = 0

    def counted() -> Iterator[tuple[int, int]]:
        nonlocal pulled
        for record in records:
            pulled += 1
            assert pulled - yielded <= max_records
            yield record

    for item in chunks(counted(), max_records=max_records, max_bytes=max_bytes, size_of=_size):
        yielded += len(item.records) if isinstance(item, Chunk) else 1
        assert pulled - yielded <= max_records

    assert pulled == yielded == len(records)


@pytest.mark.parametrize("size", [250, 100_000, 300_000, 819_200])
def test_records_of_one_size_are_read_about_one_chunk_ahead_whatever_their_size(size: int) -> None:
    """Large records are not read max_records at a time: a stream of them holds about one chunk's bytes."""
    per_chunk = min(100, 819_200 // size)
    pulled = 0

    def counted() -> Iterator[int]:
        nonlocal pulled
        for _ in range(1_000):
            pulled += 1
            yield size

    for item in chunks(counted(), max_records=100, max_bytes=819_200, size_of=_identity_size):
        assert isinstance(item, Chunk) and len(item.records) == per_chunk
        assert pulled <= per_chunk + 1  # the chunk just yielded, and at most the record that closed it
        break


def test_rejection_does_not_stop_the_others_and_says_why() -> None:
    output = list(chunks([5, 50, 5], max_records=10, max_bytes=20, size_of=_identity_size))

    assert output == [
        Rejected(record=50, apparent_size=50, max_bytes=20),
        Chunk(records=(5, 5), apparent_size=10),
    ]
    rejection = output[0]
    assert isinstance(rejection, Rejected)
    assert rejection.reason == "record too big - 50 bytes, must not cross 20 bytes"


# The official SDK's limits (fact sheet §3.1), written out to check the splits it was seen to make.
OFFICIAL_EVENTS_PER_CHUNK = 100
OFFICIAL_IDENTITY_EVENTS_PER_CHUNK = 400
OFFICIAL_CHUNK_BYTES = 819_200


def test_official_observed_splits() -> None:
    """§3.4 of the fact sheet: 250 events -> 100/100/50; 401 identity events -> 400/1."""
    events = list(chunks([300] * 250, **_limits(OFFICIAL_EVENTS_PER_CHUNK), size_of=_identity_size))
    users = list(chunks([300] * 401, **_limits(OFFICIAL_IDENTITY_EVENTS_PER_CHUNK), size_of=_identity_size))

    assert [len(c.records) for c in events if isinstance(c, Chunk)] == [100, 100, 50]
    assert [len(c.records) for c in users if isinstance(c, Chunk)] == [400, 1]


def _limits(max_records: int) -> dict[str, int]:
    return {"max_records": max_records, "max_bytes": OFFICIAL_CHUNK_BYTES}


def test_big_records_split_by_size() -> None:
    """§3.4: 20 events of about 102.6 KB each go out as 7, 7, 6."""
    size = 102_600
    output = list(chunks([size] * 20, **_limits(OFFICIAL_EVENTS_PER_CHUNK), size_of=_identity_size))

    assert [len(c.records) for c in output if isinstance(c, Chunk)] == [7, 7, 6]


def test_lazy_yields_a_full_chunk_before_pulling_more() -> None:
    pulled: list[int] = []

    def source() -> Iterator[int]:
        for n in itertools.count():
            pulled.append(n)
            yield 1

    first = next(chunks(source(), max_records=3, max_bytes=100, size_of=_identity_size))

    assert first == Chunk(records=(1, 1, 1), apparent_size=3)
    assert len(pulled) == 3


def test_many_chunks_need_no_recursion() -> None:
    """The official SDK recurses once per chunk and dies past ~1000 chunks; this is a plain loop."""
    count = sum(
        1 for _ in chunks(itertools.repeat(1, 100_001), max_records=1, max_bytes=10, size_of=_identity_size)
    )

    assert count == 100_001


@pytest.mark.parametrize(("max_records", "max_bytes"), [(0, 10), (10, 0)])
def test_non_positive_limits_are_refused(max_records: int, max_bytes: int) -> None:
    with pytest.raises(ValueError, match="chunk limits must be positive"):
        next(chunks([1], max_records=max_records, max_bytes=max_bytes, size_of=_identity_size))
