"""Properties of the pure chunker: nothing lost, order kept, limits held, the official greedy count."""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suprsend_typed._bulk.chunker import Chunk, Rejected, chunks


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


@settings(max_examples=300, deadline=None)
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
