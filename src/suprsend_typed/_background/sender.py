"""``client.background()``: calls that return in microseconds, records sent in batches by a thread.

Each call converts its item to wire JSON at once (so bad input raises on the caller's thread, and the
``$insert_id`` / ``$idempotency_key`` are fixed before the call returns), queues it in the outbox and
returns. The sender's thread starts a cycle when ``max_batch`` records are queued, when the oldest has
waited ``flush_interval``, or on ``flush()`` / ``close()``: it takes up to ``max_batch`` records from the
head of the outbox (``BATCHES_PER_CYCLE`` times as many from a backlog) and sends them
(``delivery.deliver``). Acknowledged records leave the outbox; records worth another try stay at its head
and the next cycle waits a backoff first; records refused for good go to ``on_error`` and the dead letters.

A 401 or 403 stops the sender; so does a closed client or an unforeseen failure of its thread. The next
call (and every one after it) raises ``SenderStoppedError`` with that error as its cause: nothing fails
silently. Records still queued stay in a durable outbox for the next sender; in memory they are counted
and logged as lost when the sender closes.

A process forked after a sender was made must not use it (its queue and thread are the parent's): every
call in the child raises ``ForkedSenderError``, and the child makes its own sender. Every open sender is
closed at interpreter exit (``atexit``), waiting up to ``exit_timeout`` for what is queued.
"""

from __future__ import annotations

import atexit
import os
import random
import threading
import time
import weakref
from collections.abc import Callable
from types import TracebackType
from typing import Any, Literal

import attrs

from .._base_client import RequestCore
from .._bulk.response import FailedRecord
from .._context import WireRecord
from .._errors import APIStatusError, ClientClosedError, SuprsendConfigError
from .._event import Event
from .._logging import logger
from .._profile import UserEdit
from .._retry import backoff_delay
from .._workflow import WorkflowTriggerRequest
from .delivery import EDIT_KIND, EVENT_KIND, LARGEST_CHUNK_RECORDS, TRIGGER_KIND, Routes, deliver
from .errors import ForkedSenderError, QueueFullError, SenderClosedError, SenderStoppedError
from .outbox import DEAD_LETTERS_KEPT_IN_MEMORY, DeadLetter, Entry, MemoryOutbox, Outbox, make_entry
from .sqlite_outbox import SqliteOutbox

FullPolicy = Literal["block", "drop"]
"""What a call does when ``max_queue`` records are queued: ``block`` waits up to ``block_timeout`` for
room, then raises ``QueueFullError``; ``drop`` drops the new record at once, counts it in
``stats().dropped`` and logs a warning when dropping starts."""
ErrorCallback = Callable[[FailedRecord], None]
"""``on_error(failed_record)``: called on the sender's thread for each record refused for good."""

# A record waits at most this long (seconds) for others to share its request: long enough that a busy
# process sends full chunks, short enough that a notification is not noticeably late.
DEFAULT_FLUSH_INTERVAL = 0.5
# Full chunks the queue holds by default before the full policy applies: minutes of a busy web process's
# records while the hub is unreachable, and some tens of megabytes of memory at most.
DEFAULT_QUEUED_CHUNKS = 100
DEFAULT_MAX_QUEUE = DEFAULT_QUEUED_CHUNKS * LARGEST_CHUNK_RECORDS
# A backlog: at least this many batches queued (records piled up while the hub was away, or queued faster
# than one chunk at a time sends, as before ``close()``). A cycle then takes that many and sends several
# chunks at once, as a bulk ``trigger()`` does, so that the helper threads started for the cycle send more
# than one chunk each; a cycle without a backlog takes one batch and sends its chunks one at a time.
BATCHES_PER_CYCLE = 8
# How long (seconds) a call waits for room in a full queue under the ``block`` policy.
DEFAULT_BLOCK_TIMEOUT = 1.0
# How long (seconds) ``close()`` at interpreter exit waits for the queued records to be sent.
DEFAULT_EXIT_TIMEOUT = 10.0
THREAD_NAME = "suprsend-background"


@attrs.frozen(kw_only=True, slots=True)
class SenderOptions:
    """The options of ``client.background()``, checked and with the defaults filled in, as one value the
    clients hand to the sender (``of`` takes them as the clients' ``background`` does)."""

    flush_interval: float
    max_batch: int
    max_queue: int
    on_error: ErrorCallback | None
    when_full: FullPolicy
    block_timeout: float
    fsync: bool
    exit_timeout: float

    @classmethod
    def of(
        cls,
        *,
        flush_interval: float | None = None,
        max_batch: int | None = None,
        max_queue: int | None = None,
        on_error: ErrorCallback | None = None,
        when_full: FullPolicy = "block",
        block_timeout: float | None = None,
        fsync: bool = False,
        exit_timeout: float | None = None,
    ) -> SenderOptions:
        """Options left ``None`` take the ``DEFAULT_*`` values of this module (``max_batch``: the largest
        chunk of any kind); bad ones raise ``SuprsendConfigError`` before a thread or a file exists."""
        options = cls(
            flush_interval=DEFAULT_FLUSH_INTERVAL if flush_interval is None else flush_interval,
            max_batch=LARGEST_CHUNK_RECORDS if max_batch is None else max_batch,
            max_queue=DEFAULT_MAX_QUEUE if max_queue is None else max_queue,
            on_error=on_error,
            when_full=when_full,
            block_timeout=DEFAULT_BLOCK_TIMEOUT if block_timeout is None else block_timeout,
            fsync=fsync,
            exit_timeout=DEFAULT_EXIT_TIMEOUT if exit_timeout is None else exit_timeout,
        )
        _check_options(options)
        return options


@attrs.frozen(kw_only=True, slots=True)
class SenderStats:
    """A snapshot of a sender's counts (``sent``, ``retried``, ``dropped`` and ``batches`` since it was made;
    ``dead_letters`` and ``pending`` as the outbox holds them)."""

    pending: int  # queued, not yet acknowledged nor dead
    sent: int  # acknowledged by the hub
    dead_letters: int  # refused for good (a durable outbox counts those of earlier senders too)
    dropped: int  # refused by a full queue under the "drop" policy
    retried: int  # record sends that failed in a way worth another try
    batches: int  # send cycles
    outbox: str | None  # the outbox file, None in memory
    stopped: str | None  # why the sender stopped (see SenderStoppedError), None while it runs


class BackgroundSender:
    """Queue events, workflow triggers and profile edits; a thread sends them in batches.

    Made by ``client.background()``; see the README ("Background sending") for the guarantees of each
    mode. Thread-safe: any number of threads may call it at once.
    """

    def __init__(
        self, core: RequestCore, outbox: str | os.PathLike[str] | None, options: SenderOptions
    ) -> None:
        """``options`` as ``SenderOptions.of`` checked them."""
        self._context = core.context
        self._routes = Routes(core)
        self._flush_interval = options.flush_interval
        self._max_batch = options.max_batch
        self._backlog = options.max_batch * BATCHES_PER_CYCLE  # records a backlog cycle takes
        self._max_queue = options.max_queue
        self._on_error = options.on_error
        self._drop = options.when_full == "drop"
        self._block_timeout = options.block_timeout
        self._exit_timeout = options.exit_timeout
        # In memory a call queues its record into the outbox's deque itself (see MemoryOutbox).
        durable = None if outbox is None else SqliteOutbox(outbox, fsync=options.fsync)
        self._outbox: Outbox = MemoryOutbox() if durable is None else durable
        self._memory = self._outbox if isinstance(self._outbox, MemoryOutbox) else None
        # Group commit, with fsync only: there a commit is a disk flush, which calls from several threads
        # share. Without fsync a commit costs less than handing it over between threads (measured), so
        # each call commits its own record under the lock.
        self._durable = durable if options.fsync else None
        self._lock = lock = threading.Lock()
        self._cond = threading.Condition(lock)
        # One caller at a time commits every record staged so far, outside the lock; the others wait on
        # ``_commit_done`` (same lock) for the commit that covers theirs.
        self._commit_done = threading.Condition(lock)
        self._committing = False
        self._failed_commits: dict[int, BaseException] = {}  # key -> why its commit failed
        self._last_key = self._committed_key = self._outbox.newest_key() or 0
        self._sent = self._retried = self._dropped = self._batches = 0
        self._dropping = False
        self._flushing = 0  # flush() calls waiting: the thread sends without waiting for the interval
        self._closing = False
        self._closed = False
        self._forked = False
        self._stopped: BaseException | None = None
        self._pid = os.getpid()
        self._left = 0  # records not sent when the sender closed
        self._dead_at_close = 0
        self._dead_letters_at_close: list[DeadLetter] = []  # what dead_letters() answers once closed
        self._thread_done = False
        self._sending = False  # the thread is in a send cycle
        self._outbox_closed = False
        self._thread = threading.Thread(target=self._run, name=THREAD_NAME, daemon=True)
        _LIVE.add(self)
        self._thread.start()

    # ------------------------------------------------------------------ calls

    def track_event(self, event: Event) -> None:
        """Queue one event (sent through ``v2/bulk/event/``); returns once it is queued (durable:
        committed)."""
        if not isinstance(event, Event):
            raise TypeError(f"track_event expects an Event, got {type(event).__name__}")
        self._put(EVENT_KIND, event._to_wire(self._context))

    def track(
        self,
        distinct_id: str,
        event_name: str,
        properties: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        tenant_id: str | None = None,
        brand_id: str | None = None,
    ) -> None:
        """``track_event(Event(distinct_id, event_name, properties, ...))``."""
        event = Event(
            distinct_id,
            event_name,
            properties,
            idempotency_key=idempotency_key,
            tenant_id=tenant_id,
            brand_id=brand_id,
        )
        self._put(EVENT_KIND, event._to_wire(self._context))

    def trigger(self, workflow_trigger_request: WorkflowTriggerRequest) -> None:
        """Queue one workflow trigger (sent through ``trigger/``); its ``$idempotency_key`` is fixed now."""
        if not isinstance(workflow_trigger_request, WorkflowTriggerRequest):
            raise TypeError(
                f"trigger expects a WorkflowTriggerRequest, got {type(workflow_trigger_request).__name__}"
            )
        self._put(TRIGGER_KIND, workflow_trigger_request._to_wire(self._context))

    def edit(self, user_edit: UserEdit) -> None:
        """Queue one profile edit (``client.users.get_edit_instance(...)``) as an identity event (``event/``).
        Edits are sent in the order they were queued. Problems the builder recorded are logged."""
        if not isinstance(user_edit, UserEdit):
            raise TypeError(f"edit expects a UserEdit, got {type(user_edit).__name__}")
        record = user_edit._to_wire(self._context)
        for line in user_edit._warning_lines():
            logger.warning("background edit: %s", line)
        self._put(EDIT_KIND, record)

    def _put(self, kind: str, record: WireRecord) -> None:
        if self._forked:
            self._check_not_forked()
        # The conditions' lock, taken without a ``with`` block: entering and leaving one costs more than
        # ``acquire`` and ``release`` (measured), and this runs once per record queued.
        lock = self._lock
        lock.acquire()
        try:
            if self._stopped is not None or self._closing:  # ``_closed`` comes after ``_closing``
                self._check_usable()
            memory = self._memory
            if memory is None:
                self._put_durable(kind, record)
                return
            # ``MemoryOutbox.put``'s steps, without its call: this runs once per record queued.
            entries = memory.entries
            if len(entries) >= self._max_queue and not self._wait_for_room():
                return
            if self._dropping:
                self._dropping = False
            self._last_key = key = next(memory.keys)
            entries.append(make_entry((key, kind, record)))
            pending = len(entries)
            if pending == 1 or pending == self._max_batch:
                self._cond.notify_all()
        finally:
            lock.release()

    def _put_durable(self, kind: str, record: WireRecord) -> None:
        """Under the lock: ``_put`` into a durable outbox."""
        outbox = self._outbox
        if outbox.pending >= self._max_queue and not self._wait_for_room():
            return
        if self._dropping:
            self._dropping = False
        if self._durable is not None:
            self._commit(self._durable, self._durable.stage(kind, record))
            return
        self._last_key = outbox.put(kind, record)
        pending = outbox.pending
        if pending == 1 or pending == self._max_batch:
            self._cond.notify_all()

    def _commit(self, outbox: SqliteOutbox, key: int) -> None:
        """Under the lock: return once the commit that covers the staged record ``key`` is done (raise
        if it failed). The first caller to find no commit running commits every staged record, the lock
        released meanwhile so that more callers stage theirs for the next commit."""
        while key > self._committed_key:
            if self._committing:
                self._commit_done.wait()
                continue
            batch = outbox.take_staged()
            self._committing = True
            self._cond.release()
            error: BaseException | None = None
            try:
                outbox.write(batch)
            except BaseException as exc:
                error = exc
            finally:
                self._cond.acquire()
                self._committing = False
            outbox.written(batch, ok=error is None)
            self._committed_key = batch[-1].key
            if error is not None:
                self._failed_commits.update((entry.key, error) for entry in batch)
            else:
                self._last_key = batch[-1].key
                ready = outbox.pending - outbox.staged  # committed, not settled
                before = ready - len(batch)
                if before == 0 or before < self._max_batch <= ready:
                    self._cond.notify_all()
            self._commit_done.notify_all()
        if self._failed_commits:
            error = self._failed_commits.pop(key, None)
            if error is not None:
                raise error

    def _wait_for_room(self) -> bool:
        """Under the lock with the queue full: whether there is room now (the policy said wait), else the
        record is dropped (counted) or ``QueueFullError`` raised."""
        if self._drop:
            self._dropped += 1
            if not self._dropping:
                self._dropping = True
                logger.warning(
                    "background sender: queue full (%d records), dropping new records; see stats().dropped",
                    self._max_queue,
                )
            return False
        deadline = time.monotonic() + self._block_timeout
        while self._outbox.pending >= self._max_queue:
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not self._cond.wait(remaining):
                if self._outbox.pending < self._max_queue:
                    break
                raise QueueFullError(
                    f"the background queue stayed full ({self._max_queue} records) for "
                    f"{self._block_timeout} s; the record was not queued"
                )
            self._check_usable()
        return True

    def _check_not_forked(self) -> None:
        if self._forked:
            raise ForkedSenderError(
                f"this sender was made in process {self._pid}, not in this forked process (pid "
                f"{os.getpid()}); its queue and thread are the parent's: make a new sender here with "
                "client.background(...)"
            )

    def _forget_after_fork(self) -> None:
        """In a forked child (the only thread there): this sender is the parent's from now on."""
        self._forked = True
        self._outbox.forget_after_fork()

    def _raise_if_stopped(self) -> None:
        if self._stopped is not None:
            raise SenderStoppedError(f"the background sender stopped: {self._stopped}") from self._stopped

    def _check_usable(self) -> None:
        self._raise_if_stopped()
        if self._closed or self._closing:
            raise SenderClosedError("the background sender is closed")

    # ------------------------------------------------------------------ flushing and closing

    def flush(self, timeout: float | None = None) -> bool:
        """Wait until every record queued before this call is acknowledged or dead; False if ``timeout``
        (seconds) ran out first. Raises ``SenderStoppedError`` if the sender stopped."""
        self._check_not_forked()
        with self._cond:
            self._check_usable()
            return self._wait_settled(self._last_key, timeout)

    def _wait_settled(self, target: int, timeout: float | None) -> bool:
        deadline = None if timeout is None else time.monotonic() + timeout
        self._flushing += 1
        self._cond.notify_all()
        try:
            while True:
                self._raise_if_stopped()
                oldest = self._outbox.oldest_key()
                if oldest is None or oldest > target:
                    return True
                if not self._thread.is_alive():
                    return False
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._cond.wait(remaining)
        finally:
            self._flushing -= 1

    def close(self, timeout: float | None = None) -> bool:
        """Send what is queued (waiting up to ``timeout`` seconds), stop the thread, close the outbox.

        True when nothing was left. Records left are kept by a durable outbox; in memory they are lost,
        and logged. Closing twice does nothing more. Raises ``SenderStoppedError`` if the sender stopped
        (after closing).
        """
        self._check_not_forked()
        join = False
        with self._cond:
            if not self._closed:
                join = self._finish(timeout)
            left = self._left
        if join:  # it is not sending: it ends (closing the outbox) as soon as it sees the sender closed
            self._thread.join()
        self._raise_if_stopped()
        return left == 0

    def _finish(self, timeout: float | None) -> bool:
        """Under the lock: wait for the queue to empty (or ``timeout``), then close; whether to wait for
        the thread (not while it sends: a send cancelled at close may still wait for its answer)."""
        self._closing = True
        self._cond.notify_all()
        deadline = None if timeout is None else time.monotonic() + timeout
        while not self._thread_done and self._outbox.pending and self._stopped is None:
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                break
            self._cond.wait(remaining)
        self._closed = True
        self._cond.notify_all()
        self._routes.cancel()  # a chunk still being sent makes no further attempt
        self._left = left = self._outbox.pending
        self._dead_at_close = self._outbox.dead_count()
        if self._dead_at_close:
            self._dead_letters_at_close = self._outbox.dead_letters(DEAD_LETTERS_KEPT_IN_MEMORY)
        _LIVE.discard(self)
        if left:
            where = self._outbox.location
            fate = f"kept in {where} for the next sender" if where else "lost (the queue was in memory)"
            logger.warning("background sender closed with %d records not sent: %s", left, fate)
        if self._thread_done:  # else the thread closes the outbox as it ends
            self._close_outbox()
        return not self._thread_done and not self._sending

    def _close_outbox(self) -> None:
        """Under the lock, once a commit still running is done."""
        while self._committing:
            self._commit_done.wait()
        if not self._outbox_closed:
            self._outbox_closed = True
            self._outbox.close()

    def _close_for_client(self) -> None:
        """``client.close()``: close before the client does; a stop was logged already, and a forked
        child's copy is the parent's to close."""
        if self._forked:
            return
        try:
            self.close(self._exit_timeout)
        except SenderStoppedError:
            pass

    def __enter__(self) -> BackgroundSender:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        """``close()`` waiting up to ``exit_timeout``, so a ``with`` block ends even if the hub is down."""
        self.close(self._exit_timeout)

    # ------------------------------------------------------------------ inspection

    def stats(self) -> SenderStats:
        self._check_not_forked()
        with self._cond:
            closed = self._closed
            return SenderStats(
                pending=self._left if closed else self._outbox.pending,
                sent=self._sent,
                dead_letters=self._dead_at_close if closed else self._outbox.dead_count(),
                dropped=self._dropped,
                retried=self._retried,
                batches=self._batches,
                outbox=self._outbox.location,
                stopped=None if self._stopped is None else str(self._stopped),
            )

    def dead_letters(self, limit: int | None = None) -> list[DeadLetter]:
        """Records refused for good, oldest first: the body as queued (keys included), the error, code and
        outcome. A durable outbox lists those of earlier senders too; in memory the last
        ``DEAD_LETTERS_KEPT_IN_MEMORY`` are kept.

        After ``close()`` (the end of a ``with`` block) it still answers, as ``stats()`` does, from what the
        outbox held when the sender closed: up to ``DEAD_LETTERS_KEPT_IN_MEMORY`` letters (a durable
        outbox's file keeps every one, for the next sender opened on it)."""
        self._check_not_forked()
        with self._cond:
            if not self._closed:
                return self._outbox.dead_letters(limit)
        kept = self._dead_letters_at_close
        return list(kept if limit is None else kept[:limit])

    def __repr__(self) -> str:
        return f"BackgroundSender(outbox={self._outbox.location or 'memory'!r})"

    # ------------------------------------------------------------------ the sender's thread

    def _run(self) -> None:
        failures = 0  # cycles in a row that left records to retry
        try:
            while True:
                with self._cond:
                    entries = self._next_batch(failures)
                    if entries is None:
                        return
                    self._sending = True
                settlement = deliver(
                    entries,
                    self._routes,
                    max_records=self._max_batch,
                    catching_up=len(entries) == self._backlog,
                )
                with self._cond:
                    self._sending = False
                    self._outbox.settle(settlement.done, settlement.dead)
                    self._batches += 1
                    self._sent += len(settlement.done)
                    self._retried += settlement.retry
                    failures = failures + 1 if settlement.retry else 0
                    if settlement.auth_error is not None:
                        self._stop(settlement.auth_error)
                    self._cond.notify_all()
                self._outbox.checkpoint()
                for warning in settlement.warnings:
                    logger.warning("background sender: %s", warning)
                self._report(settlement.dead, settlement.failed)
                if settlement.auth_error is not None:
                    return
        except ClientClosedError as exc:
            with self._cond:
                self._stop(exc)
                self._cond.notify_all()
        except BaseException as exc:  # the thread must not die unseen: the next call raises it
            logger.exception("background sender stopped on an unexpected error")
            with self._cond:
                self._stop(exc)
                self._cond.notify_all()
        finally:
            with self._cond:
                self._thread_done = True
                if self._closed:
                    self._close_outbox()
                self._cond.notify_all()

    def _next_batch(self, failures: int) -> list[Entry] | None:
        """Under the lock: wait until a cycle is due, then the entries to send; None when the thread ends."""
        cond = self._cond
        outbox = self._outbox
        due = time.monotonic() + self._flush_interval
        if failures:
            due = time.monotonic() + backoff_delay(failures - 1, random.random())
        while True:
            if self._closed or self._stopped is not None:
                return None
            pending = outbox.pending
            if not pending:
                if self._closing:
                    return None
                cond.wait()
                due = max(due, time.monotonic() + self._flush_interval) if not failures else due
                continue
            now = time.monotonic()
            urgent = self._closing or self._flushing or pending >= self._max_batch
            if now >= due or (urgent and not failures):
                return outbox.head(self._backlog if pending >= self._backlog else self._max_batch)
            cond.wait(due - now)

    def _stop(self, error: BaseException) -> None:
        """Under the lock: the sender stops; the next call raises ``SenderStoppedError`` from ``error``."""
        self._stopped = error
        reason = "the hub refused the credentials" if isinstance(error, APIStatusError) else "an error"
        logger.error(
            "background sender stopped (%s: %s); %d records still queued%s",
            reason,
            error,
            self._outbox.pending,
            f" in {self._outbox.location}" if self._outbox.location else "",
        )

    def _report(self, dead: list[tuple[Entry, DeadLetter]], failed: list[FailedRecord]) -> None:
        """Each record refused for good goes to ``on_error`` (or to the log when there is none)."""
        for (_, letter), failure in zip(dead, failed, strict=True):
            if self._on_error is None:
                logger.warning(
                    "background sender: %s record refused (%s, code %d): %s",
                    letter.kind,
                    letter.outcome,
                    letter.code,
                    letter.error,
                )
                continue
            try:
                self._on_error(failure)
            except Exception:
                logger.exception("background sender: on_error raised; the record stays a dead letter")


def _check_options(options: SenderOptions) -> None:
    """Refuse bad options before a thread or a file exists."""
    max_batch, when_full, on_error = options.max_batch, options.when_full, options.on_error
    for name, seconds in (
        ("flush_interval", options.flush_interval),
        ("block_timeout", options.block_timeout),
        ("exit_timeout", options.exit_timeout),
    ):
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)) or not seconds >= 0:
            raise SuprsendConfigError(f"{name} must be a number of seconds >= 0, got {seconds!r}")
    for name, count in (("max_batch", max_batch), ("max_queue", options.max_queue)):
        if isinstance(count, bool) or not isinstance(count, int) or count < 1:
            raise SuprsendConfigError(f"{name} must be an int >= 1, got {count!r}")
    if max_batch > LARGEST_CHUNK_RECORDS:
        raise SuprsendConfigError(
            f"max_batch must not exceed {LARGEST_CHUNK_RECORDS} (the largest bulk chunk), got {max_batch}"
        )
    if when_full not in ("block", "drop"):
        raise SuprsendConfigError(f"when_full must be 'block' or 'drop', got {when_full!r}")
    if on_error is not None and not callable(on_error):
        raise SuprsendConfigError(f"on_error must be callable, got {type(on_error).__name__}")


# Every open sender, so that interpreter exit closes it and a forked child disowns it.
_LIVE: weakref.WeakSet[BackgroundSender] = weakref.WeakSet()


def _close_at_exit() -> None:
    """Close every sender still open, each waiting up to its ``exit_timeout``; errors go to the log."""
    for sender in list(_LIVE):
        try:
            sender.close(sender._exit_timeout)
        except Exception:
            logger.exception("background sender: closing at interpreter exit failed")


def _disown_in_child() -> None:
    for sender in list(_LIVE):
        sender._forget_after_fork()
    _LIVE.clear()


atexit.register(_close_at_exit)
if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_disown_in_child)
