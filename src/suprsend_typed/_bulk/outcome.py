"""Turn one chunk's HTTP answer (or the exception instead of one) into per-record outcomes.

Two rules, as the official SDK has them (fact sheet §3.6): the legacy workflow and identity endpoints answer
for the chunk as a whole, while ``trigger/`` and ``v2/bulk/event/`` answer with one result per record, in
request order. Unlike the official SDK, odd bodies never raise and never lose or invent a record: a record
the server gave no result for is failed, and results beyond the records sent are reported as a warning.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from http import HTTPStatus
from typing import Any

import attrs

from .._context import WireRecord
from .._errors import APIConnectionError, SuprsendError, error_message, status_error
from .._http import Response, mask_credentials
from .response import ChunkOutcome, FailedRecord, FailureOutcome

# The code of a failure the server gave no status for, as the official SDK reports unknown failures.
UNKNOWN_FAILURE_CODE = int(HTTPStatus.INTERNAL_SERVER_ERROR)
SUCCESS_STATUS = "success"
# Answers that mean the credentials are wrong: every other chunk would get the same.
AUTH_FAILURE_STATUSES = frozenset({int(HTTPStatus.UNAUTHORIZED), int(HTTPStatus.FORBIDDEN)})
# A per-record result's status, read in C; raises for a result that is not an object or has no status.
_STATUS: Callable[[Any], object] = operator.itemgetter("status")


def short_reason(exc: BaseException) -> str:
    """The error's message, without a traceback or the ``[code: N]`` prefix (the code has its own field)."""
    if isinstance(exc, SuprsendError):
        return exc.message
    return str(exc) or type(exc).__name__


def failed_chunk(
    records: Sequence[WireRecord], *, error: str, code: int, outcome: FailureOutcome = "failed"
) -> ChunkOutcome:
    """Every record of the chunk failed for the same reason."""
    return ChunkOutcome(
        total=len(records),
        success=0,
        failed_records=tuple(
            FailedRecord(record=record.body, error=error, code=code, outcome=outcome) for record in records
        ),
    )


def exception_outcome(records: Sequence[WireRecord], exc: BaseException) -> ChunkOutcome:
    """The chunk got no usable answer (connection failure, timeout, or an error before sending).

    A connection error leaves the outcome unknown unless the request certainly never left; any other
    error of ours (a validation error) came before sending; an unforeseen one might have come after.
    """
    code = exc.status_code if isinstance(exc, SuprsendError) else UNKNOWN_FAILURE_CODE
    outcome: FailureOutcome
    if isinstance(exc, APIConnectionError):
        outcome = "unknown" if exc.outcome_unknown else "failed"
    else:
        outcome = "refused" if isinstance(exc, SuprsendError) else "unknown"
    return failed_chunk(records, error=short_reason(exc), code=code, outcome=outcome)


def error_status_outcome(records: Sequence[WireRecord], response: Response) -> ChunkOutcome:
    """The hub answered the chunk with an error status. The outcome is unknown when an earlier attempt got
    no answer (``Response.outcome_unknown``); a 401 or 403 also stops the whole send."""
    code = response.status_code
    failed = failed_chunk(
        records,
        error=error_message(response),
        code=code,
        outcome="unknown" if response.outcome_unknown else "failed",
    )
    if code in AUTH_FAILURE_STATUSES:
        return attrs.evolve(failed, auth_error=status_error(response))
    return failed


def whole_chunk_outcome(records: Sequence[WireRecord], response: Response) -> ChunkOutcome:
    """Legacy workflows and identity events: any 2xx accepts the whole chunk; the body is not read."""
    if response.is_success:
        return ChunkOutcome(total=len(records), success=len(records), failed_records=())
    return error_status_outcome(records, response)


def per_record_outcome(records: Sequence[WireRecord], response: Response) -> ChunkOutcome:
    """``trigger/`` and events: map ``records[i]`` of the answer to the i-th record sent."""
    if not response.is_success:
        return error_status_outcome(records, response)
    payload = response.json_or_none()
    results = payload.get("records") if isinstance(payload, dict) else None
    if not isinstance(results, list):
        reason = (
            f"the response has no per-record results (HTTP {response.status_code}): "
            f"{mask_credentials(response.text)}"
        )
        # The hub took the request but said nothing per record: it may have accepted any of them.
        return failed_chunk(records, error=reason, code=UNKNOWN_FAILURE_CODE, outcome="unknown")
    if len(results) == len(records) and _all_succeeded(results):  # the usual answer, judged in C
        return ChunkOutcome(total=len(records), success=len(records), failed_records=())
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
            error, code, outcome = failure
            failed.append(FailedRecord(record=record.body, error=error, code=code, outcome=outcome))
    missing = (
        f"the response has no result for this record ({len(results)} results for {len(records)} records)"
    )
    failed.extend(
        FailedRecord(record=record.body, error=missing, code=UNKNOWN_FAILURE_CODE, outcome="unknown")
        for record in records[len(results) :]
    )
    warnings: tuple[str, ...] = ()
    if len(results) > len(records):
        warnings = (
            f"the response has {len(results)} per-record results for {len(records)} records sent; "
            f"the {len(results) - len(records)} extra results were ignored",
        )
    return ChunkOutcome(total=len(records), success=success, failed_records=tuple(failed), warnings=warnings)


def _all_succeeded(results: list[object]) -> bool:
    """Whether every result is an object whose status is "success", without a Python step per result."""
    try:
        statuses = list(map(_STATUS, results))
    except (KeyError, TypeError):  # a result that is not an object, or has no status: judged one by one
        return False
    return statuses.count(SUCCESS_STATUS) == len(statuses)


def _result_failure(result: object) -> tuple[str, int, FailureOutcome] | None:
    """``None`` for a successful per-record result, else its error message, status code and outcome (a
    result that cannot be read leaves the outcome unknown)."""
    if not isinstance(result, dict):
        return mask_credentials(f"malformed per-record result: {result!r}"), UNKNOWN_FAILURE_CODE, "unknown"
    status = result.get("status")
    if status == SUCCESS_STATUS:
        return None
    code = result.get("status_code")
    if not isinstance(code, int) or isinstance(code, bool):
        code = UNKNOWN_FAILURE_CODE
    return mask_credentials(_result_message(result, status)), code, "failed"


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
