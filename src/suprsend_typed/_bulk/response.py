"""The result of a bulk call, with the official ``BulkResponse`` attributes and merge rules.

Every record handed to a bulk call is counted exactly once, as a success or as a failed record, so
``total == success + failure`` always equals the number of records given. The status follows the official
merge of chunk statuses, which comes down to the counts: ``success`` when nothing failed, ``fail`` when
nothing succeeded, ``partial`` otherwise (an empty bulk is a success with all counts 0).

The sync client's ``BulkResponse`` and the async client's ``AsyncBulkResponse`` hold the same totals
(``BaseBulkResponse``); they differ only in ``retry_failed()``, which the async one awaits.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Generic, Literal, TypeAlias, TypedDict, TypeVar

import attrs

from .._errors import APIStatusError

BulkStatus = Literal["success", "partial", "fail"]
FailureOutcome = Literal["failed", "unknown", "not_sent", "refused"]
"""What is known of a failed record: see ``FailedRecord``."""
FailureCallback = Callable[["FailedRecord"], None]
"""``on_failure(failed_record)``: called on the sending thread for each failed record of a stream."""
ResendFailed = Callable[[Sequence["FailedRecord"]], "BulkResponse"]
AsyncResendFailed = Callable[[Sequence["FailedRecord"]], Awaitable["AsyncBulkResponse"]]


class FailedRecord(TypedDict):
    """One record that was not accepted: what was sent (``None`` if unknown), why, the status code, and
    ``outcome``, what is known of its fate:

    - ``"failed"``: the hub answered and did not accept it (``code`` is its answer);
    - ``"unknown"``: it was sent and no answer came back (connection dropped, read timeout, or retries that
      ended in an error after such an attempt), so the hub may have accepted it;
    - ``"not_sent"``: held back (sending stopped: an interrupt, an authentication failure, ``on_progress``);
    - ``"refused"``: refused on this side before sending (invalid, too big, wrong kind): ``code`` 400 and a
      one-line ``error`` naming the field (the official SDK reports 500 with a full traceback).

    ``record`` is then the body exactly as sent, ``$insert_id`` / ``$idempotency_key`` included (for a
    refused item, the item as given), so ``BulkResponse.retry_failed()`` sends it again under the same keys.
    """

    record: dict[str, object] | None
    error: str
    code: int
    outcome: FailureOutcome


@attrs.frozen(kw_only=True, slots=True)
class ChunkOutcome:
    """What happened to the records of one chunk; build it with the functions of ``outcome.py``.

    ``auth_error`` is the hub's 401 or 403 for the chunk: the credentials are wrong for every chunk, so
    sending stops (see ``progress.py``).
    """

    total: int
    success: int
    failed_records: tuple[FailedRecord, ...]
    warnings: tuple[str, ...] = ()
    auth_error: APIStatusError | None = None

    def __attrs_post_init__(self) -> None:
        if self.success + len(self.failed_records) != self.total:
            raise ValueError(
                f"chunk outcome does not add up: {self.success} + {len(self.failed_records)} != {self.total}"
            )


class BulkCounts(TypedDict):
    """What a tally counted: the fields of a response, but how to send again."""

    status: BulkStatus
    total: int
    success: int
    failure: int
    failed_records: list[FailedRecord]
    warnings: list[str]
    unknown: int
    not_sent: int
    failed_records_omitted: int


@attrs.frozen(kw_only=True, slots=True)
class BaseBulkResponse:
    """Totals of a bulk call; ``failed_records`` and ``warnings`` are lists as in the official SDK.

    Unlike the official SDK, records refused before sending appear in ``failed_records`` with ``code`` 400
    and a short message (not 500 and a traceback); see ``FailedRecord``. ``unknown`` and ``not_sent`` count
    the failures of those outcomes. A stream keeps at most ``STREAM_FAILED_RECORDS_KEPT`` failed records
    (``failure`` still counts them all; ``failed_records_omitted`` says how many were not kept) unless its
    ``on_failure`` callback takes each one instead.

    The two clients' responses are plain subclasses, so that importing the package makes one attrs class.
    """

    status: BulkStatus
    total: int
    success: int
    failure: int
    failed_records: list[FailedRecord]
    warnings: list[str]
    unknown: int = 0
    not_sent: int = 0
    failed_records_omitted: int = 0
    # How ``retry_failed()`` sends the failed records again; each subclass narrows the type (read-only).
    _resend: Callable[[Sequence[FailedRecord]], object] | None = attrs.field(
        default=None, eq=False, repr=False, alias="resend"
    )

    def __str__(self) -> str:
        return (
            f"BulkResponse<status: {self.status} | total: {self.total} | success: {self.success} | "
            f"failure: {self.failure} | warnings: {len(self.warnings)}>"
        )


_NOT_FROM_A_SEND = "this BulkResponse was not made by a bulk send, so it cannot send again"


class BulkResponse(BaseBulkResponse):
    """The result of a bulk call of the sync client: the totals, and ``retry_failed()``."""

    __slots__ = ()
    _resend: ResendFailed | None

    @classmethod
    def of(cls, counts: BulkCounts, resend: ResendFailed | None = None) -> BulkResponse:
        """The response of a send that counted ``counts``; ``resend`` sends its failed records again."""
        return cls(**counts, resend=resend)

    def retry_failed(self) -> BulkResponse:
        """Send the failed records that may pass on a second try again, under their own ``$insert_id`` /
        ``$idempotency_key``, so the hub drops any it already accepted: nothing is delivered twice.

        Sent again: records not sent, records whose outcome is unknown (only those carrying a dedupe key:
        without one, a second send could deliver twice), and records the hub refused for a reason that can
        pass (401, 403, 408, 409, 429, 5xx). Records refused before sending are not. With a client of the
        same workspace, use ``client.bulk_events.resend(failed_records)`` (and friends) instead, e.g. after
        a new client with corrected credentials, or for records collected by ``on_failure``.
        """
        if self._resend is None:
            raise TypeError(_NOT_FROM_A_SEND)
        return self._resend(self.failed_records)


class AsyncBulkResponse(BaseBulkResponse):
    """The result of a bulk call of the async client: the same totals; ``retry_failed()`` is awaited."""

    __slots__ = ()
    _resend: AsyncResendFailed | None

    @classmethod
    def of(cls, counts: BulkCounts, resend: AsyncResendFailed | None = None) -> AsyncBulkResponse:
        """The response of a send that counted ``counts``; ``resend`` sends its failed records again."""
        return cls(**counts, resend=resend)

    async def retry_failed(self) -> AsyncBulkResponse:
        """Send the failed records that may pass on a second try again, as ``BulkResponse.retry_failed``."""
        if self._resend is None:
            raise TypeError(_NOT_FROM_A_SEND)
        return await self._resend(self.failed_records)


# What a bulk error raised by the machinery both clients share (``Progress``, the senders) carries.
AnyBulkResponse: TypeAlias = BulkResponse | AsyncBulkResponse
# The response a tally makes: the sync or the async client's.
ResponseT = TypeVar("ResponseT", BulkResponse, AsyncBulkResponse)


@attrs.define(kw_only=True, slots=True)
class BulkTally(Generic[ResponseT]):
    """Running totals while a bulk is sent; only failed records are kept, so memory follows failures.

    ``respond`` makes the client's response of the counts (``BulkResponse.of``, with how to send again);
    ``keep`` caps the failed records kept (``None``: all); ``on_failure`` takes each one instead.
    """

    respond: Callable[[BulkCounts], ResponseT]
    total: int = 0
    success: int = 0
    failure: int = 0
    unknown: int = 0
    not_sent: int = 0
    failed_records: list[FailedRecord] = attrs.field(factory=list)
    warnings: list[str] = attrs.field(factory=list)
    keep: int | None = None
    on_failure: FailureCallback | None = None

    def add_chunk(self, outcome: ChunkOutcome) -> None:
        self.total += outcome.total
        self.success += outcome.success
        if outcome.failed_records:
            self._add_failures(outcome.failed_records)
        if outcome.warnings:
            self.warnings.extend(outcome.warnings)

    def add_failed(self, failed: FailedRecord) -> None:
        """Count one record that never reached a chunk (invalid, too big, not a bulk item, not sent)."""
        self.total += 1
        self._add_failures((failed,))

    def _add_failures(self, failures: Sequence[FailedRecord]) -> None:
        self.failure += len(failures)
        for failed in failures:
            outcome = failed.get("outcome")
            if outcome == "unknown":
                self.unknown += 1
            elif outcome == "not_sent":
                self.not_sent += 1
        if self.on_failure is not None:
            for failed in failures:
                self.on_failure(failed)
        elif self.keep is None:
            self.failed_records.extend(failures)
        else:
            room = self.keep - len(self.failed_records)
            if room > 0:
                self.failed_records.extend(failures[:room])

    def response(self) -> ResponseT:
        counts = BulkCounts(
            status=_status(success=self.success, failure=self.failure),
            total=self.total,
            success=self.success,
            failure=self.failure,
            failed_records=list(self.failed_records),
            warnings=list(self.warnings),
            unknown=self.unknown,
            not_sent=self.not_sent,
            failed_records_omitted=self.failure - len(self.failed_records),
        )
        return self.respond(counts)


def _status(*, success: int, failure: int) -> BulkStatus:
    if failure == 0:
        return "success"
    return "partial" if success else "fail"
