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
On Ctrl-C (which only the calling thread receives) neither waits for its threads: it reports what it knows
(``Abandoned``), and each thread ends after the chunk it holds.
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


class Abandoned(KeyboardInterrupt):
    """Ctrl-C reached the calling thread, which stopped waiting: the outcomes answered by then, the chunks
    taken but not answered (``in_flight``: their threads finish them in the background and send nothing
    more), and the chunks no thread took. Raised by ``send_alongside``; returned by ``ChunkSenders``."""

    def __init__(
        self,
        interrupt: BaseException,
        answered: list[ChunkOutcome],
        in_flight: list[Sequence[WireRecord]],
        untaken: list[Sequence[WireRecord]],
    ) -> None:
        super().__init__(*interrupt.args)
        self.interrupt = interrupt
        self.answered = answered
        self.in_flight = in_flight
        self.untaken = untaken


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

    def take_all(self) -> dict[int, ChunkOutcome]:
        """Every outcome answered and not given back yet, whatever its turn (what escaped ``send_chunk``
        is left out: its chunk counts as in flight)."""
        answered = {i: o for i, o in self._answered.items() if not isinstance(o, BaseException)}
        self._answered.clear()
        return answered


class ChunkSenders:
    """``count`` threads sending chunks in the order given; use as a context manager, so they always end."""

    def __init__(self, send_chunk: SendChunk, count: int) -> None:
        self._send_chunk = send_chunk
        self._work: SimpleQueue[tuple[int, Sequence[WireRecord]] | None] = SimpleQueue()
        self._done: SimpleQueue[Answer] = SimpleQueue()
        self._order = _InOrder()
        self._submitted = 0
        self._pending: dict[int, Sequence[WireRecord]] = {}  # handed out, answer not taken from _done yet
        self._abandoned = False
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
        if self._abandoned:
            return
        while not self._work.empty():
            self._work.get()
        for _ in self._threads:
            self._work.put(None)
        for thread in self._threads:
            thread.join()

    def abandon(self, interrupt: BaseException) -> Abandoned:
        """Stop at once for Ctrl-C, without waiting for any thread: chunks not taken are taken back, each
        thread ends after the chunk it holds, and what is known of every chunk handed out is returned."""
        self._abandoned = True
        untaken: list[Sequence[WireRecord]] = []
        while not self._work.empty():
            work = self._work.get()
            if work is not None:
                untaken.append(self._pending.pop(work[0]))
        for _ in self._threads:
            self._work.put(None)
        while not self._done.empty():
            self._add(self._done.get())
        answered = self._order.take_all()
        in_flight = [records for index, records in self._pending.items() if index not in answered]
        self._pending.clear()
        return Abandoned(interrupt, list(answered.values()), in_flight, untaken)

    @property
    def unfolded(self) -> int:
        """Chunks handed out whose outcomes were not given back yet: the memory this holds."""
        return self._submitted - self._order.folded

    def submit(self, records: Sequence[WireRecord]) -> None:
        self._pending[self._submitted] = records
        self._work.put((self._submitted, records))
        self._submitted += 1

    def answered(self, *, wait: bool) -> Iterator[ChunkOutcome]:
        """Outcomes whose turn has come; with ``wait``, first waits until the next one in turn is answered."""
        while not self._done.empty():
            self._add(self._done.get())
        if wait:
            while not self._order.next_answered():
                self._add(self._done.get())
        yield from self._order.ready()

    def _add(self, answer: Answer) -> None:
        self._pending.pop(answer[0], None)
        self._order.add(answer)

    def _run(self) -> None:
        while (work := self._work.get()) is not None:
            index, records = work
            self._done.put((index, _send(self._send_chunk, records)))


def send_alongside(
    chunks: Sequence[Sequence[WireRecord]], send_chunk: SendChunk, count: int, fold: Fold
) -> list[Sequence[WireRecord]]:
    """Send ``chunks`` over ``count`` threads, the calling thread being one; ``fold`` runs on it only.

    ``next`` on a list iterator is one C call, atomic under the GIL, so no chunk is taken twice, and chunks
    are taken in index order. Once ``fold`` returns False, or any chunk is answered 401 or 403 (the helper
    that sees it stops the others at once), no thread takes a new chunk; the chunks already
    taken are sent and folded, and the chunks never taken are returned. If ``fold`` or the calling thread's
    own send raises, the helpers stop the same way and the exception propagates, except Ctrl-C: then the
    calling thread waits for no helper and raises ``Abandoned`` with what it knows of every chunk.
    """
    pending = iter(enumerate(chunks))
    done: SimpleQueue[Answer] = SimpleQueue()
    order = _InOrder()
    stop = threading.Event()

    def help_send() -> None:
        while not stop.is_set() and (work := next(pending, None)) is not None:
            index, records = work
            outcome = _send(send_chunk, records)
            if isinstance(outcome, ChunkOutcome) and outcome.auth_error is not None:
                stop.set()  # wrong credentials: every other chunk would be refused too
            done.put((index, outcome))

    def collect() -> None:
        while not done.empty():
            order.add(done.get())

    def fold_ready() -> None:
        collect()
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
            outcome = send_chunk(records)
            if outcome.auth_error is not None:
                stop.set()  # as a helper does: its fold may wait for an earlier chunk still being sent
            order.add((index, outcome))
            fold_ready()
    except KeyboardInterrupt as interrupt:
        stop.set()
        untaken = list(pending)
        collect()
        folded = order.folded
        answered = order.take_all()
        # Chunks are taken in index order: those before the first untaken one were all taken, and each is
        # folded, answered, or still being sent.
        end = untaken[0][0] if untaken else len(chunks)
        in_flight = [chunks[index] for index in range(folded, end) if index not in answered]
        raise Abandoned(
            interrupt, list(answered.values()), in_flight, [records for _, records in untaken]
        ) from interrupt
    except BaseException:
        stop.set()
        for helper in helpers:
            helper.join()
        raise
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
