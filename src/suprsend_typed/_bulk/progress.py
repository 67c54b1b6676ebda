"""The running tally of a bulk send, and what stops it: a failing callback, wrong credentials, Ctrl-C.

A callback that raises must not cost the accounting: the tally keeps counting, no new chunk is taken, the
chunks already in hand are sent and counted, records of a bulk instance never sent are reported as failed,
and then ``BulkProgressError`` carries the response with the callback's exception as its cause. A 401 or
403 stops sending the same way (every other chunk would be refused too) and raises
``BulkAuthenticationError``. An interrupt does not wait for the chunks in hand: they are reported with an
unknown outcome, and ``BulkInterruptedError`` (a ``KeyboardInterrupt``) carries the response.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from http import HTTPStatus
from typing import Generic

import attrs

from .._context import WireRecord
from .._errors import APIStatusError, SuprsendError
from .errors import BulkAuthenticationError, BulkInterruptedError
from .response import AnyBulkResponse, BulkTally, ChunkOutcome, FailedRecord, ResponseT

ProgressCallback = Callable[[int, int], None]
"""``on_progress(done, failed)``: records accounted for so far, and how many of them failed."""

# A record refused or held back on this side of the wire is a client error, whatever the server would say.
CLIENT_ERROR_CODE = int(HTTPStatus.BAD_REQUEST)
# A record in flight when the send was interrupted got no answer, as a transport failure gets none.
INTERRUPTED_CODE = int(HTTPStatus.INTERNAL_SERVER_ERROR)


class BulkProgressError(SuprsendError):
    """``on_progress`` (or a stream's ``on_failure``) raised (the original exception is ``__cause__``), so
    sending stopped.

    ``response`` accounts for every record: those sent before the callback failed and the chunks already in
    flight, records refused before sending, and for a bulk instance the records never sent, as failed
    records whose ``error`` starts with ``not sent``. A stream reads no further after the failure.
    """

    def __init__(self, response: AnyBulkResponse, cause: Exception, callback: str = "on_progress") -> None:
        super().__init__(
            f"{callback} raised {type(cause).__name__}: {cause}; sending stopped after {response}"
        )
        self.response = response


@attrs.define(slots=True)
class Progress(Generic[ResponseT]):
    """The tally plus the progress callback, touched only from the thread that runs the send.

    Sending stops (no new chunk is taken, a lazy source is read no further) when the callback fails, when a
    chunk is answered 401 or 403, or on an interrupt; ``raise_if_failed`` then raises the matching error.
    """

    tally: BulkTally[ResponseT]
    on_progress: ProgressCallback | None
    # Called once when sending stops, so that a lazy source is read no further.
    stop_reading: Callable[[], None] | None = None
    # Set on Ctrl-C, so that threads still sending make no further attempt (see ``ChunkRoute``).
    cancel: threading.Event | None = None
    reported: int = -1
    callback_error: Exception | None = None
    failed_callback: str = "on_progress"  # or "on_failure": which callback raised callback_error
    auth_error: APIStatusError | None = None
    # Ctrl-C (KeyboardInterrupt), or the cancellation of an async send (asyncio.CancelledError).
    interrupt: BaseException | None = None

    @property
    def stopped(self) -> bool:
        """Whether no further chunk should be sent."""
        return self.callback_error is not None or self.auth_error is not None or self.interrupt is not None

    def fold(self, outcome: ChunkOutcome) -> bool:
        """Count one chunk's outcome and report it; False once sending should stop."""
        try:
            self.tally.add_chunk(outcome)
        except Exception as exc:  # on_failure raised: handled like on_progress raising
            self._callback_failed(exc, "on_failure")
        if outcome.auth_error is not None and self.auth_error is None:
            self.auth_error = outcome.auth_error
            self._stop()
        self._report()
        return not self.stopped

    def add_failed(self, failed: FailedRecord) -> None:
        """Count one record that never reached a chunk; a stream's ``on_failure`` raising for it stops
        sending as in ``fold`` (the record is counted all the same)."""
        try:
            self.tally.add_failed(failed)
        except Exception as exc:  # on_failure raised: handled like on_progress raising
            self._callback_failed(exc, "on_failure")

    def reject(self, record: WireRecord, reason: str) -> None:
        self.add_failed(
            FailedRecord(record=record.body, error=reason, code=CLIENT_ERROR_CODE, outcome="refused")
        )

    def not_sent(self, records: Iterable[WireRecord]) -> None:
        """Count records held back because sending stopped."""
        reason = f"not sent: {self._stop_reason()}"
        for record in records:
            self.add_failed(
                FailedRecord(record=record.body, error=reason, code=CLIENT_ERROR_CODE, outcome="not_sent")
            )

    def interrupted(
        self,
        interrupt: BaseException,
        *,
        in_flight: Iterable[Sequence[WireRecord]] = (),
        untaken: Iterable[Sequence[WireRecord]] = (),
    ) -> None:
        """Stop for Ctrl-C: chunks ``in_flight`` (sent or being sent, no answer seen) have an unknown outcome,
        ``untaken`` ones were not sent."""
        if self.interrupt is None:
            self.interrupt = interrupt
            if self.cancel is not None:
                self.cancel.set()
            self._stop()
        reason = "in flight when interrupted: the hub may have accepted it"
        for records in in_flight:
            for record in records:
                self.add_failed(
                    FailedRecord(record=record.body, error=reason, code=INTERRUPTED_CODE, outcome="unknown")
                )
        for records in untaken:
            self.not_sent(records)

    def finish(self) -> ResponseT:
        """A last report when records were accounted for after the last one (or there was no chunk)."""
        if self.reported != self.tally.total and self.tally.total and self.interrupt is None:
            self._report()
        return self.tally.response()

    def raise_if_failed(self, response: AnyBulkResponse) -> None:
        """Raise what stopped sending, with ``response``: an interrupt first, then an authentication
        failure, then a failed callback."""
        if self.interrupt is not None:
            raise BulkInterruptedError(response) from self.interrupt
        if self.auth_error is not None:
            raise BulkAuthenticationError(response, self.auth_error) from self.auth_error
        if self.callback_error is not None:
            raise BulkProgressError(
                response, self.callback_error, self.failed_callback
            ) from self.callback_error

    def _stop_reason(self) -> str:
        if self.interrupt is not None:
            return f"interrupted ({type(self.interrupt).__name__})"
        if self.auth_error is not None:
            return f"the hub refused the credentials ({self.auth_error.status_code})"
        error = self.callback_error
        assert error is not None
        return f"{self.failed_callback} raised {type(error).__name__}: {error}"

    def _stop(self) -> None:
        if self.stop_reading is not None:
            self.stop_reading()

    def _callback_failed(self, exc: Exception, callback: str = "on_progress") -> None:
        if self.callback_error is None:
            self.callback_error = exc
            self.failed_callback = callback
            self._stop()

    def _report(self) -> None:
        self.reported = self.tally.total
        if self.on_progress is None or self.callback_error is not None or self.interrupt is not None:
            return
        try:
            self.on_progress(self.tally.total, self.tally.failure)
        except Exception as exc:  # raised as BulkProgressError once what is in hand is sent and counted
            self._callback_failed(exc)
