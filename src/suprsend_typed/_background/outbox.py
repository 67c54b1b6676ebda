"""Where a background sender keeps records until the hub has answered for them: the ``Outbox`` protocol,
the records it holds, and the in-memory outbox.

An outbox is not thread-safe by itself: its sender calls it under the sender's lock. Records leave it only
through ``settle``, for the entries ``head`` gave out: acknowledged ones are deleted, permanently refused
ones move to the dead letters, and the rest (to be retried) stay at the head, in order.
"""

from __future__ import annotations

import collections
import functools
import itertools
import operator
from collections.abc import Callable, Iterable, Sequence
from typing import NamedTuple, Protocol

from .._bulk.response import FailedRecord, FailureOutcome
from .._context import WireRecord

# How many dead letters an in-memory sender keeps for ``dead_letters()`` (the oldest are forgotten first,
# while ``stats().dead_letters`` keeps counting): enough to show what went wrong, bounded so that a sender
# whose every record is refused still runs in constant memory. A durable outbox keeps every one.
DEAD_LETTERS_KEPT_IN_MEMORY = 1_000


class Entry(NamedTuple):
    """One queued record: ``key`` orders the queue (a row id in a durable outbox), ``kind`` is the id of
    the bulk operation that sends it."""

    key: int
    kind: str
    record: WireRecord


# ``Entry((key, kind, record))`` in one C call, without the Python-level ``__new__`` of a NamedTuple: every
# queued record makes one.
make_entry: Callable[[tuple[int, str, WireRecord]], Entry] = functools.partial(tuple.__new__, Entry)
# An entry's key and apparent size, read without a Python-level call.
_KEY: Callable[[Entry], int] = operator.attrgetter("key")
_SIZE: Callable[[Entry], int] = operator.attrgetter("record.apparent_size")


class DeadLetter(NamedTuple):
    """A record the hub (or this side) refused for good: the body as it was queued, keys included."""

    kind: str
    record: dict[str, object]
    error: str
    code: int
    outcome: FailureOutcome


def dead_letter(entry: Entry, failed: FailedRecord) -> DeadLetter:
    return DeadLetter(
        kind=entry.kind,
        record=entry.record.body,
        error=failed["error"],
        code=failed["code"],
        outcome=failed["outcome"],
    )


class Outbox(Protocol):
    """Storage of a sender's queue; called under the sender's lock only."""

    @property
    def pending(self) -> int:
        """Records queued and not settled yet."""
        ...

    @property
    def location(self) -> str | None:
        """The file of a durable outbox; None in memory."""
        ...

    def put(self, kind: str, record: WireRecord) -> int:
        """Queue one record (committed once this returns, for a durable outbox); its key."""
        ...

    def head(self, limit: int) -> list[Entry]:
        """The oldest ``limit`` records, oldest first; they stay queued until settled."""
        ...

    def oldest_key(self) -> int | None: ...

    def newest_key(self) -> int | None: ...

    def settle(self, done: Iterable[int], dead: Sequence[tuple[Entry, DeadLetter]]) -> None:
        """Remove the acknowledged entries (``done``, keys) and move ``dead`` to the dead letters; every
        one of them came from the last ``head``."""
        ...

    def checkpoint(self) -> None:
        """After a cycle, on the sender's thread and outside its lock: upkeep no call must wait for."""
        ...

    def dead_letters(self, limit: int | None) -> list[DeadLetter]: ...

    def dead_count(self) -> int: ...

    def close(self) -> None: ...

    def forget_after_fork(self) -> None:
        """In a forked child: let go of what the parent holds, touching nothing the parent still uses."""
        ...


class MemoryOutbox:
    """A deque: callers append at the right, the sender reads and settles at the left.

    ``entries`` and ``keys`` are public so that the sender can queue a record without a call into this
    class (``make_entry((next(keys), kind, record))`` appended to ``entries``, as ``put`` does): that
    saves a Python call per record on the caller's thread."""

    location = None

    def __init__(self) -> None:
        self.entries: collections.deque[Entry] = collections.deque()
        self.keys = itertools.count(1)
        self._dead: collections.deque[DeadLetter] = collections.deque(maxlen=DEAD_LETTERS_KEPT_IN_MEMORY)
        self._dead_count = 0

    @property
    def pending(self) -> int:
        return len(self.entries)

    def put(self, kind: str, record: WireRecord) -> int:
        key = next(self.keys)
        self.entries.append(make_entry((key, kind, record)))
        return key

    def head(self, limit: int) -> list[Entry]:
        return list(itertools.islice(self.entries, limit))

    def oldest_key(self) -> int | None:
        return self.entries[0].key if self.entries else None

    def newest_key(self) -> int | None:
        return self.entries[-1].key if self.entries else None

    def settle(self, done: Iterable[int], dead: Sequence[tuple[Entry, DeadLetter]]) -> None:
        settled = set(done)
        settled.update(entry.key for entry, _ in dead)
        remove_settled(self.entries, settled)
        self._dead.extend(letter for _, letter in dead)
        self._dead_count += len(dead)

    def checkpoint(self) -> None:
        """Nothing to keep up in memory."""

    def dead_letters(self, limit: int | None) -> list[DeadLetter]:
        letters = list(self._dead)
        return letters if limit is None else letters[:limit]

    def dead_count(self) -> int:
        return self._dead_count

    def close(self) -> None:
        self.entries.clear()

    def forget_after_fork(self) -> None:
        """The child's copy of the queue is the parent's records: the parent sends them."""


def remove_settled(queue: collections.deque[Entry], settled: set[int]) -> int:
    """Remove the entries keyed in ``settled`` from ``queue``, keeping the others in order; the apparent
    size of those removed. The settled entries are all among the oldest ones (``head`` gave them out and
    only the sender removes entries), so popping from the left until each is found is enough."""
    count = len(settled)
    head = list(itertools.islice(queue, count))
    if len(head) == count and settled.issuperset(map(_KEY, head)):  # the usual case: exactly the oldest
        # ``count`` pops from the left, in C (a deque of no length consumes the iterator).
        collections.deque(itertools.starmap(queue.popleft, itertools.repeat((), count)), maxlen=0)
        return sum(map(_SIZE, head))
    kept: list[Entry] = []
    remaining = len(settled)
    size = 0
    while remaining and queue:
        entry = queue.popleft()
        if entry.key in settled:
            remaining -= 1
            size += entry.record.apparent_size
        else:
            kept.append(entry)
    queue.extendleft(reversed(kept))
    return size
