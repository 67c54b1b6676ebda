"""The in-memory outbox: settling keeps the records left to retry at the head, in order."""

from __future__ import annotations

import collections

from suprsend_typed._background.outbox import DeadLetter, Entry, MemoryOutbox, remove_settled
from suprsend_typed._context import WireRecord


def _record(size: int) -> WireRecord:
    return WireRecord(f'{{"n": {size}}}', size, dedupe=True)


def _queue(count: int) -> collections.deque[Entry]:
    return collections.deque(Entry(key, "kind", _record(key)) for key in range(1, count + 1))


def test_settling_exactly_the_oldest_entries_removes_them_and_sums_their_sizes() -> None:
    queue = _queue(5)

    removed = remove_settled(queue, {1, 2, 3})

    assert removed == 1 + 2 + 3
    assert [entry.key for entry in queue] == [4, 5]


def test_entries_left_among_the_settled_ones_stay_at_the_head_in_order() -> None:
    queue = _queue(6)

    removed = remove_settled(queue, {1, 3, 5})

    assert removed == 1 + 3 + 5
    assert [entry.key for entry in queue] == [2, 4, 6]


def test_settling_every_entry_empties_the_queue() -> None:
    queue = _queue(3)

    assert remove_settled(queue, {1, 2, 3}) == 6
    assert not queue


def test_memory_outbox_settles_done_and_dead_entries_and_keeps_the_rest() -> None:
    outbox = MemoryOutbox()
    keys = [outbox.put("kind", _record(size)) for size in (10, 20, 30, 40)]
    head = outbox.head(3)
    letter = DeadLetter(kind="kind", record={"n": 20}, error="bad", code=400, outcome="refused")

    outbox.settle([keys[0]], [(head[1], letter)])

    assert [entry.key for entry in outbox.head(10)] == [keys[2], keys[3]]
    assert (outbox.pending, outbox.oldest_key(), outbox.newest_key()) == (2, keys[2], keys[3])
    assert (outbox.dead_count(), outbox.dead_letters(None)) == (1, [letter])
