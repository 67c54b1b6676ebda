"""Threads that send chunks and hand each outcome back to the calling thread, which alone folds them.

Outcomes are folded in chunk order whatever order the answers arrive in, so ``failed_records`` and
``on_progress`` follow the order of the records at any concurrency. Both shapes below are built on C-level
``SimpleQueue``s: ``ThreadPoolExecutor`` was measured slower, as each chunk's future, its condition variable
and ``wait(FIRST_COMPLETED)``'s waiters take several Python-level locks, and on a 2-core machine that churn
cost as much as the network wait it was meant to hide.

- ``ChunkSenders``: the calling thread packs chunks from a lazy source and hands them to sender threads.
- ``send_alongside``: chunks that are all known up front (a bulk instance's) are taken in turn by the calling
  thread and its helpers from one shared list iterator, so the calling thread is never woken just to
  collect an answer; it folds the helpers' outcomes between its own chunks.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator, Sequence
from queue import SimpleQueue

from .._context import WireRecord
from .response import ChunkOutcome

SendChunk = Callable[[Sequence[WireRecord]], ChunkOutcome]
Fold = Callable[[ChunkOutcome], bool]  # counts an outcome; False once no further chunk should be sent
# A chunk's position and its outcome, or what escaped ``send_chunk`` (re-raised on the calling thread).
Answer = tuple[int, ChunkOutcome | BaseException]


class _InOrder:
    """Answers taken in any order, given back in chunk order."""

    __slots__ = ("_answered", "folded")

    def __init__(self) -> None:
        self._answered: dict[int, ChunkOutcome | BaseException] = {}
        self.folded = 0  # chunks given back so far

    def add(self, answer: Answer) -> None:
        index, outcome = answer
        self._answered[index] = outcome

    def next_answered(self) -> bool:
        """Whether the outcome whose turn has come is here."""
        return self.folded in self._answered

    def ready(self) -> Iterator[ChunkOutcome]:
        """The outcomes whose turn has come; raises what escaped ``send_chunk`` when its turn comes."""
        while self.folded in self._answered:
            outcome = self._answered.pop(self.folded)
            self.folded += 1
            if isinstance(outcome, BaseException):
                raise outcome
            yield outcome


class ChunkSenders:
    """``count`` threads sending chunks in the order given; use as a context manager, so they always end."""

    def __init__(self, send_chunk: SendChunk, count: int) -> None:
        self._send_chunk = send_chunk
        self._work: SimpleQueue[tuple[int, Sequence[WireRecord]] | None] = SimpleQueue()
        self._done: SimpleQueue[Answer] = SimpleQueue()
        self._order = _InOrder()
        self._submitted = 0
        self._threads = [
            threading.Thread(target=self._run, name=f"suprsend-bulk-{number}", daemon=True)
            for number in range(count)
        ]

    def __enter__(self) -> ChunkSenders:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Let every thread finish the chunk it holds, then end it. Chunks not yet taken are dropped: after
        a normal end there are none, and after an exception (Ctrl-C included) nothing more should be sent."""
        while not self._work.empty():
            self._work.get()
        for _ in self._threads:
            self._work.put(None)
        for thread in self._threads:
            thread.join()

    @property
    def unfolded(self) -> int:
        """Chunks handed out whose outcomes were not given back yet: the memory this holds."""
        return self._submitted - self._order.folded

    def submit(self, records: Sequence[WireRecord]) -> None:
        self._work.put((self._submitted, records))
        self._submitted += 1

    def answered(self, *, wait: bool) -> Iterator[ChunkOutcome]:
        """Outcomes whose turn has come; with ``wait``, first waits until the next one in turn is answered."""
        while not self._done.empty():
            self._order.add(self._done.get())
        if wait:
            while not self._order.next_answered():
                self._order.add(self._done.get())
        yield from self._order.ready()

    def _run(self) -> None:
        while (work := self._work.get()) is not None:
            index, records = work
            self._done.put((index, _send(self._send_chunk, records)))


def send_alongside(
    chunks: Sequence[Sequence[WireRecord]], send_chunk: SendChunk, count: int, fold: Fold
) -> list[Sequence[WireRecord]]:
    """Send ``chunks`` over ``count`` threads, the calling thread being one; ``fold`` runs on it only.

    ``next`` on a list iterator is one C call, atomic under the GIL, so no chunk is taken twice. Once
    ``fold`` returns False, no thread takes a new chunk; the chunks already taken are sent and folded, and
    the chunks never taken are returned. If ``fold`` or the calling thread's own send raises (Ctrl-C), the
    helpers stop the same way and the exception propagates.
    """
    pending = iter(enumerate(chunks))
    done: SimpleQueue[Answer] = SimpleQueue()
    order = _InOrder()
    stop = threading.Event()

    def help_send() -> None:
        while not stop.is_set() and (work := next(pending, None)) is not None:
            index, records = work
            done.put((index, _send(send_chunk, records)))

    def fold_ready() -> None:
        while not done.empty():
            order.add(done.get())
        for outcome in order.ready():
            if not fold(outcome):
                stop.set()

    helpers = [
        threading.Thread(target=help_send, name=f"suprsend-bulk-{number}", daemon=True)
        for number in range(1, count)
    ]
    for helper in helpers:
        helper.start()
    try:
        while not stop.is_set() and (work := next(pending, None)) is not None:
            index, records = work
            # Not through _send: what escapes here (Ctrl-C during the call) stops the helpers at once.
            order.add((index, send_chunk(records)))
            fold_ready()
    finally:
        stop.set()
        for helper in helpers:
            helper.join()
    fold_ready()
    return [records for _, records in pending]


def _send(send_chunk: SendChunk, records: Sequence[WireRecord]) -> ChunkOutcome | BaseException:
    try:
        return send_chunk(records)
    except BaseException as exc:  # handed to the calling thread, which raises it: an outcome must not vanish
        return exc
