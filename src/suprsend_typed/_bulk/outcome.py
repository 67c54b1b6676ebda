"""Turn one chunk's HTTP answer (or the exception instead of one) into per-record outcomes.

Two rules, as the official SDK has them (fact sheet §3.6): the legacy workflow and identity endpoints answer
for the chunk as a whole, while ``trigger/`` and ``v2/bulk/event/`` answer with one result per record, in
request order. Unlike the official SDK, odd bodies never raise and never lose or invent a record: a record
the server gave no result for is failed, and results beyond the records sent are reported as a warning.
"""

from __future__ import annotations

from collections.abc import Sequence
from http import HTTPStatus

from .._context import WireRecord
from .._errors import SuprsendError, error_message
from .._http import Response, mask_credentials
from .response import ChunkOutcome, FailedRecord

# The code of a failure the server gave no status for, as the official SDK reports unknown failures.
UNKNOWN_FAILURE_CODE = int(HTTPStatus.INTERNAL_SERVER_ERROR)
SUCCESS_STATUS = "success"


def short_reason(exc: BaseException) -> str:
    """The error's message, without a traceback or the ``[code: N]`` prefix (the code has its own field)."""
    if isinstance(exc, SuprsendError):
        return exc.message
    return str(exc) or type(exc).__name__


def failed_chunk(records: Sequence[WireRecord], *, error: str, code: int) -> ChunkOutcome:
    """Every record of the chunk failed for the same reason."""
    return ChunkOutcome(
        total=len(records),
        success=0,
        failed_records=tuple(FailedRecord(record=record.body, error=error, code=code) for record in records),
    )


def exception_outcome(records: Sequence[WireRecord], exc: BaseException) -> ChunkOutcome:
    """The chunk got no usable answer (connection failure, timeout, or an error before sending)."""
    code = exc.status_code if isinstance(exc, SuprsendError) else UNKNOWN_FAILURE_CODE
    return failed_chunk(records, error=short_reason(exc), code=code)


def whole_chunk_outcome(records: Sequence[WireRecord], response: Response) -> ChunkOutcome:
    """Legacy workflows and identity events: any 2xx accepts the whole chunk; the body is not read."""
    if response.is_success:
        return ChunkOutcome(total=len(records), success=len(records), failed_records=())
    return failed_chunk(records, error=error_message(response), code=response.status_code)


def per_record_outcome(records: Sequence[WireRecord], response: Response) -> ChunkOutcome:
    """``trigger/`` and events: map ``records[i]`` of the answer to the i-th record sent."""
    if not response.is_success:
        return failed_chunk(records, error=error_message(response), code=response.status_code)
    payload = response.json_or_none()
    results = payload.get("records") if isinstance(payload, dict) else None
    if not isinstance(results, list):
        reason = (
            f"the response has no per-record results (HTTP {response.status_code}): "
            f"{mask_credentials(response.text)}"
        )
        return failed_chunk(records, error=reason, code=UNKNOWN_FAILURE_CODE)
    success = 0
    failed: list[FailedRecord] = []
    for record, result in zip(records, results, strict=False):
        # The common answer first, without a call: a dict whose status is "success".
        if type(result) is dict and result.get("status") == SUCCESS_STATUS:
            success += 1
            continue
        failure = _result_failure(result)
        if failure is None:
            success += 1
        else:
            error, code = failure
            failed.append(FailedRecord(record=record.body, error=error, code=code))
    missing = (
        f"the response has no result for this record ({len(results)} results for {len(records)} records)"
    )
    failed.extend(
        FailedRecord(record=record.body, error=missing, code=UNKNOWN_FAILURE_CODE)
        for record in records[len(results) :]
    )
    warnings: tuple[str, ...] = ()
    if len(results) > len(records):
        warnings = (
            f"the response has {len(results)} per-record results for {len(records)} records sent; "
            f"the {len(results) - len(records)} extra results were ignored",
        )
    return ChunkOutcome(total=len(records), success=success, failed_records=tuple(failed), warnings=warnings)


def _result_failure(result: object) -> tuple[str, int] | None:
    """``None`` for a successful per-record result, else its error message and status code."""
    if not isinstance(result, dict):
        return mask_credentials(f"malformed per-record result: {result!r}"), UNKNOWN_FAILURE_CODE
    status = result.get("status")
    if status == SUCCESS_STATUS:
        return None
    code = result.get("status_code")
    if not isinstance(code, int) or isinstance(code, bool):
        code = UNKNOWN_FAILURE_CODE
    return mask_credentials(_result_message(result, status)), code


def _result_message(result: dict[str, object], status: object) -> str:
    error = result.get("error")
    if isinstance(error, dict):
        message = error.get("message")
        if isinstance(message, str) and message:
            return message
    for candidate in (error, result.get("message"), result.get("detail")):
        if isinstance(candidate, str) and candidate:
            return candidate
    return f"record not accepted (status: {status!r})"
