"""The running tally of a bulk send, and the caller's ``on_progress`` callback, which may fail.

A callback that raises must not cost the accounting: the tally keeps counting, no new chunk is taken, the
chunks already in hand are sent and counted, records of a bulk instance never sent are reported as failed,
and then ``BulkProgressError`` carries the response with the callback's exception as its cause.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from http import HTTPStatus

import attrs

from .._context import WireRecord
from .._errors import SuprsendError
from .response import BulkResponse, BulkTally, ChunkOutcome, FailedRecord

ProgressCallback = Callable[[int, int], None]
"""``on_progress(done, failed)``: records accounted for so far, and how many of them failed."""

# A record refused or held back on this side of the wire is a client error, whatever the server would say.
CLIENT_ERROR_CODE = int(HTTPStatus.BAD_REQUEST)


class BulkProgressError(SuprsendError):
    """``on_progress`` raised (the original exception is ``__cause__``), so sending stopped.

    ``response`` accounts for every record: those sent before the callback failed and the chunks already in
    flight, records refused before sending, and for a bulk instance the records never sent, as failed
    records whose ``error`` starts with ``not sent``. A stream reads no further after the failure.
    """

    def __init__(self, response: BulkResponse, cause: Exception) -> None:
        super().__init__(
            f"on_progress raised {type(cause).__name__}: {cause}; sending stopped after {response}"
        )
        self.response = response


@attrs.define(slots=True)
class Progress:
    """The tally plus the progress callback, touched only from the thread that runs the send."""

    tally: BulkTally
    on_progress: ProgressCallback | None
    # Called once if the callback fails, so that a lazy source is read no further.
    stop_reading: Callable[[], None] | None = None
    reported: int = -1
    callback_error: Exception | None = None

    @property
    def stopped(self) -> bool:
        """Whether the callback failed, so that no further chunk should be sent."""
        return self.callback_error is not None

    def fold(self, outcome: ChunkOutcome) -> bool:
        """Count one chunk's outcome and report it; False once sending should stop."""
        self.tally.add_chunk(outcome)
        self._report()
        return self.callback_error is None

    def reject(self, record: WireRecord, reason: str) -> None:
        self.tally.add_failed(FailedRecord(record=record.body, error=reason, code=CLIENT_ERROR_CODE))

    def not_sent(self, records: Iterable[WireRecord]) -> None:
        """Count records held back because the callback failed."""
        assert self.callback_error is not None
        error = self.callback_error
        reason = f"not sent: on_progress raised {type(error).__name__}: {error}"
        for record in records:
            self.tally.add_failed(FailedRecord(record=record.body, error=reason, code=CLIENT_ERROR_CODE))

    def finish(self) -> BulkResponse:
        """A last report when records were accounted for after the last one (or there was no chunk)."""
        if self.reported != self.tally.total and self.tally.total:
            self._report()
        return self.tally.response()

    def raise_if_failed(self, response: BulkResponse) -> None:
        """Raise ``BulkProgressError`` with ``response`` when the callback failed."""
        if self.callback_error is not None:
            raise BulkProgressError(response, self.callback_error) from self.callback_error

    def _report(self) -> None:
        self.reported = self.tally.total
        if self.on_progress is None or self.callback_error is not None:
            return
        try:
            self.on_progress(self.tally.total, self.tally.failure)
        except Exception as exc:  # raised as BulkProgressError once what is in hand is sent and counted
            self.callback_error = exc
            if self.stop_reading is not None:
                self.stop_reading()
