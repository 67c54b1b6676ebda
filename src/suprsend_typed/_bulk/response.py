"""The result of a bulk call, with the official ``BulkResponse`` attributes and merge rules.

Every record handed to a bulk call is counted exactly once, as a success or as a failed record, so
``total == success + failure`` always equals the number of records given. The status follows the official
merge of chunk statuses, which comes down to the counts: ``success`` when nothing failed, ``fail`` when
nothing succeeded, ``partial`` otherwise (an empty bulk is a success with all counts 0).
"""

from __future__ import annotations

from typing import Literal, TypedDict

import attrs

BulkStatus = Literal["success", "partial", "fail"]


class FailedRecord(TypedDict):
    """One record that was not accepted: what was sent (``None`` if unknown), why, and the status code.

    A record refused before sending (invalid, too big, wrong kind) has ``code`` 400 and a one-line
    ``error`` naming the field; the official SDK reports ``code`` 500 with a full traceback as ``error``.
    """

    record: dict[str, object] | None
    error: str
    code: int


@attrs.frozen(kw_only=True, slots=True)
class ChunkOutcome:
    """What happened to the records of one chunk; build it with the functions of ``outcome.py``."""

    total: int
    success: int
    failed_records: tuple[FailedRecord, ...]
    warnings: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.success + len(self.failed_records) != self.total:
            raise ValueError(
                f"chunk outcome does not add up: {self.success} + {len(self.failed_records)} != {self.total}"
            )


@attrs.frozen(kw_only=True, slots=True)
class BulkResponse:
    """Totals of a bulk call; ``failed_records`` and ``warnings`` are lists as in the official SDK.

    Unlike the official SDK, records refused before sending appear in ``failed_records`` with ``code`` 400
    and a short message (not 500 and a traceback); see ``FailedRecord``.
    """

    status: BulkStatus
    total: int
    success: int
    failure: int
    failed_records: list[FailedRecord]
    warnings: list[str]

    def __str__(self) -> str:
        return (
            f"BulkResponse<status: {self.status} | total: {self.total} | success: {self.success} | "
            f"failure: {self.failure} | warnings: {len(self.warnings)}>"
        )


@attrs.define(kw_only=True, slots=True)
class BulkTally:
    """Running totals while a bulk is sent; only failed records are kept, so memory follows failures."""

    total: int = 0
    success: int = 0
    failed_records: list[FailedRecord] = attrs.field(factory=list)
    warnings: list[str] = attrs.field(factory=list)

    @property
    def failure(self) -> int:
        return len(self.failed_records)

    def add_chunk(self, outcome: ChunkOutcome) -> None:
        self.total += outcome.total
        self.success += outcome.success
        self.failed_records.extend(outcome.failed_records)
        self.warnings.extend(outcome.warnings)

    def add_failed(self, failed: FailedRecord) -> None:
        """Count one record that never reached a chunk (invalid, too big, or not a bulk item)."""
        self.total += 1
        self.failed_records.append(failed)

    def response(self) -> BulkResponse:
        return BulkResponse(
            status=_status(success=self.success, failure=self.failure),
            total=self.total,
            success=self.success,
            failure=self.failure,
            failed_records=list(self.failed_records),
            warnings=list(self.warnings),
        )


def _status(*, success: int, failure: int) -> BulkStatus:
    if failure == 0:
        return "success"
    return "partial" if success else "fail"
