"""The hub's request limits, from the record facts of the operation table, measured as the official SDK
measures.

A record's size is the UTF-8 length of its ``json.dumps(..., ensure_ascii=False)`` text, and a request's
size is the sum of its records' sizes (the array's brackets and separators are not counted). Workflows are
measured without the SDK's ``WORKFLOW_RUNTIME_BYTES`` allowance: that allowance is for keys the hub adds,
so a chunk the SDK built correctly is never refused, and the hub still catches a chunker that overshoots.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from http import HTTPStatus
from typing import Any, Final

import attrs

from .._generated.limits import MAX_CHUNK_APPARENT_BYTES
from .._json import apparent_size
from .._operation import Records

TOO_MANY_RECORDS_STATUS: Final = int(HTTPStatus.BAD_REQUEST)
TOO_LARGE_STATUS: Final = int(HTTPStatus.REQUEST_ENTITY_TOO_LARGE)


@attrs.frozen(kw_only=True, slots=True)
class RequestLimits:
    """What one request to a records endpoint may hold."""

    max_records: int  # records in one array
    max_record_bytes: int  # one record
    max_total_bytes: int  # all records of one request together


def request_limits(records: Records) -> RequestLimits:
    """The limits of an endpoint, from its record facts in the operation table."""
    return RequestLimits(
        max_records=records.max_records,
        max_record_bytes=records.max_record_bytes,
        max_total_bytes=records.max_total_bytes,
    )


# A record's apparent size counts UTF-8 bytes; a client that \u-escapes non-ASCII text sends at most three
# times as many (a two-byte character becomes six), and one more share leaves room for whitespace.
_WIRE_BYTES_PER_APPARENT_BYTE: Final = 4
MAX_CONTENT_LENGTH: Final = _WIRE_BYTES_PER_APPARENT_BYTE * MAX_CHUNK_APPARENT_BYTES
"""The largest body the sandbox reads. A request within the hub's limits always fits, so a larger
``Content-Length`` is refused with 413 before a byte of the body is read."""


@attrs.frozen(kw_only=True, slots=True)
class LimitBreach:
    """Why a request is refused: its HTTP status, message and error type."""

    status: int
    message: str
    error_type: str


def record_size(record: Any) -> int:
    """The SDK's apparent size of one record."""
    return apparent_size(json.dumps(record, ensure_ascii=False))


def check_limits(limits: RequestLimits, records: Sequence[Any], *, is_array: bool) -> LimitBreach | None:
    """The first limit ``records`` break (count, then each record, then the total), or ``None``."""
    if len(records) > limits.max_records:
        return LimitBreach(
            status=TOO_MANY_RECORDS_STATUS,
            message=f"too many records: {len(records)}, at most {limits.max_records} per request",
            error_type="too_many_records",
        )
    total = 0
    for position, record in enumerate(records):
        size = record_size(record)
        if size > limits.max_record_bytes:
            where = f"[{position}]: record" if is_array else "body"
            return _too_large(
                f"{where} too big - {size} bytes, must not cross {limits.max_record_bytes} bytes"
            )
        total += size
    if total > limits.max_total_bytes:
        return _too_large(
            f"body too big - {total} bytes of records, must not cross {limits.max_total_bytes} bytes"
        )
    return None


def _too_large(message: str) -> LimitBreach:
    return LimitBreach(status=TOO_LARGE_STATUS, message=message, error_type="request_too_large")
