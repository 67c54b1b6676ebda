"""BulkResponse merge rules and the per-chunk outcome rules, including odd server bodies."""

from __future__ import annotations

import json
from typing import Any

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from suprsend.bulk_response import BulkResponse as OfficialBulkResponse

from suprsend_typed._bulk.outcome import (
    exception_outcome,
    failed_chunk,
    per_record_outcome,
    short_reason,
    whole_chunk_outcome,
)
from suprsend_typed._bulk.response import BulkResponse, BulkTally, ChunkOutcome, FailedRecord, FailureOutcome
from suprsend_typed._context import WireRecord
from suprsend_typed._errors import APIConnectionError, APITimeoutError, InputValueError, ValidationError
from suprsend_typed._http import REDACTED, Headers, Response, registered_credentials
from tests.support.budget import examples

BODIES: list[dict[str, object]] = [{"$insert_id": f"id-{n}", "event": "e"} for n in range(3)]
# The records sent: failed records report their bodies, read back from the wire text.
RECORDS = [WireRecord(json.dumps(body), len(json.dumps(body)), dedupe=True) for body in BODIES]


def _json_response(status: int, payload: Any) -> Response:
    return Response(
        status_code=status,
        headers=Headers({"Content-Type": "application/json"}),
        content=json.dumps(payload).encode(),
    )


def _html_response(status: int) -> Response:
    return Response(
        status_code=status, headers=Headers({"Content-Type": "text/html"}), content=b"<h1>oops</h1>"
    )


def _outcome(success: int, failure: int) -> ChunkOutcome:
    failed = tuple(FailedRecord(record={"n": n}, error="no", code=400) for n in range(failure))
    return ChunkOutcome(total=success + failure, success=success, failed_records=failed)


def test_empty_bulk_is_a_success_with_zero_totals() -> None:
    response = BulkTally(respond=BulkResponse.of).response()

    assert (response.status, response.total, response.success, response.failure) == ("success", 0, 0, 0)
    assert response.failed_records == [] and response.warnings == []
    assert str(response) == "BulkResponse<status: success | total: 0 | success: 0 | failure: 0 | warnings: 0>"


def test_str_matches_the_official_format() -> None:
    tally = BulkTally(respond=BulkResponse.of, warnings=["[distinct_id: u1]bad"])
    tally.add_chunk(_outcome(2, 1))

    assert str(tally.response()) == (
        "BulkResponse<status: partial | total: 3 | success: 2 | failure: 1 | warnings: 1>"
    )


def _official_chunk(success: int, failure: int) -> dict[str, Any]:
    status = ("partial" if success else "fail") if failure else "success"
    failed = [{"record": {"n": n}, "error": "no", "code": 400} for n in range(failure)]
    return {
        "status": status,
        "total": success + failure,
        "success": success,
        "failure": failure,
        "failed_records": failed,
    }


@settings(max_examples=examples(80), deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 5), st.integers(0, 5)).filter(lambda c: sum(c) > 0), min_size=1, max_size=8
    )
)
def test_merge_agrees_with_the_official_bulk_response(counts: list[tuple[int, int]]) -> None:
    """Chunks are never empty here; the official merge calls "success + 0-record chunk + fail" partial."""
    official = OfficialBulkResponse()
    ours = BulkTally(respond=BulkResponse.of)
    for success, failure in counts:
        official.merge_chunk_response(_official_chunk(success, failure))
        ours.add_chunk(_outcome(success, failure))

    merged = ours.response()
    assert str(merged) == str(official)
    assert merged.failed_records == official.failed_records
    assert merged.total == merged.success + merged.failure


def test_chunk_outcome_that_does_not_add_up_is_refused() -> None:
    with pytest.raises(ValueError, match="does not add up"):
        ChunkOutcome(total=3, success=1, failed_records=())


def test_whole_chunk_success_reads_no_body() -> None:
    outcome = whole_chunk_outcome(RECORDS, Response(status_code=202, content=b"Accepted - OK"))

    assert (outcome.total, outcome.success, outcome.failed_records) == (3, 3, ())


def test_whole_chunk_failure_marks_every_record_with_status_and_message() -> None:
    outcome = whole_chunk_outcome(RECORDS, _json_response(400, {"status": "fail", "message": "BAD REQUEST"}))

    assert outcome.success == 0
    assert list(outcome.failed_records) == [
        FailedRecord(record=b, error="BAD REQUEST", code=400, outcome="failed") for b in BODIES
    ]


def test_per_record_results_map_by_index() -> None:
    payload = {
        "status": "success",
        "records": [
            {"status": "success", "status_code": 202, "message_id": "m0"},
            {"status": "error", "status_code": 404, "error": {"message": "workflow not found", "type": "nf"}},
            {"status": "success", "status_code": 202, "message_id": "m2"},
        ],
    }

    outcome = per_record_outcome(RECORDS, _json_response(207, payload))

    assert outcome.success == 2
    assert list(outcome.failed_records) == [
        FailedRecord(record=BODIES[1], error="workflow not found", code=404, outcome="failed")
    ]


def test_html_error_page_fails_the_chunk_without_key_error() -> None:
    outcome = per_record_outcome(RECORDS, _html_response(500))

    assert list(outcome.failed_records) == [
        FailedRecord(record=b, error="<h1>oops</h1>", code=500, outcome="failed") for b in BODIES
    ]


@pytest.mark.parametrize(
    "response",
    [
        _html_response(202),
        _json_response(202, {"message_id": "m", "status": "success"}),
        _json_response(207, ["not", "an", "object"]),
        _json_response(207, {"records": "nope"}),
    ],
)
def test_success_status_without_per_record_results_fails_each_record(response: Response) -> None:
    outcome = per_record_outcome(RECORDS, response)

    assert outcome.success == 0 and outcome.total == 3
    assert all(f["code"] == 500 and "no per-record results" in f["error"] for f in outcome.failed_records)
    assert [f["record"] for f in outcome.failed_records] == BODIES


def test_missing_results_are_failures_of_the_unanswered_records() -> None:
    outcome = per_record_outcome(RECORDS, _json_response(207, {"records": [{"status": "success"}]}))

    assert outcome.success == 1
    assert [f["record"] for f in outcome.failed_records] == BODIES[1:]
    assert all("1 results for 3 records" in f["error"] for f in outcome.failed_records)


def test_extra_results_are_ignored_with_a_warning_and_invent_no_record() -> None:
    results = [{"status": "success"}] * 3 + [{"status": "error", "error": {"message": "ghost"}}] * 2

    outcome = per_record_outcome(RECORDS, _json_response(207, {"records": results}))

    assert (outcome.total, outcome.success, outcome.failed_records) == (3, 3, ())
    assert outcome.warnings == (
        "the response has 5 per-record results for 3 records sent; the 2 extra results were ignored",
    )


def test_odd_per_record_results_are_failures_with_a_reason() -> None:
    results: list[object] = [
        "garbage",
        {"status": "error", "status_code": True, "error": "plain text error"},
        {"status": "queued", "message": "not yet"},
    ]

    outcome = per_record_outcome(RECORDS, _json_response(207, {"records": results}))

    assert [(f["error"], f["code"]) for f in outcome.failed_records] == [
        ("malformed per-record result: 'garbage'", 500),
        ("plain text error", 500),
        ("not yet", 500),
    ]


@pytest.mark.parametrize("odd", [{"status_code": 202}, ["success"], "success", None])
def test_one_odd_result_among_successes_fails_that_record_only(odd: object) -> None:
    results = [{"status": "success"}, odd, {"status": "success"}]

    outcome = per_record_outcome(RECORDS, _json_response(207, {"records": results}))

    assert (outcome.total, outcome.success) == (3, 2)
    assert [f["record"] for f in outcome.failed_records] == [BODIES[1]]


def test_result_without_any_message_names_its_status() -> None:
    outcome = per_record_outcome(RECORDS[:1], _json_response(207, {"records": [{"status": "error"}]}))

    assert outcome.failed_records[0]["error"] == "record not accepted (status: 'error')"


@pytest.mark.parametrize(
    ("exc", "error", "code", "known"),
    [
        (APIConnectionError(), "connection error", 500, "unknown"),
        (APIConnectionError(outcome_unknown=False), "connection error", 500, "failed"),
        (APITimeoutError(), "request timed out", 500, "unknown"),
        (ValidationError("text is not valid Unicode"), "text is not valid Unicode", 400, "refused"),
        (RuntimeError(""), "RuntimeError", 500, "unknown"),
    ],
)
def test_exception_fails_every_record_with_a_short_reason_and_what_is_known(
    exc: Exception, error: str, code: int, known: FailureOutcome
) -> None:
    outcome = exception_outcome(RECORDS, exc)

    assert list(outcome.failed_records) == [
        FailedRecord(record=b, error=error, code=code, outcome=known) for b in BODIES
    ]


def test_an_error_status_after_an_unanswered_attempt_leaves_the_outcome_unknown() -> None:
    answered = _json_response(503, {"message": "unavailable"})
    for read in (whole_chunk_outcome, per_record_outcome):
        assert {f["outcome"] for f in read(RECORDS, answered).failed_records} == {"failed"}
        unknown = attrs.evolve(answered, outcome_unknown=True)
        assert {f["outcome"] for f in read(RECORDS, unknown).failed_records} == {"unknown"}


def test_a_2xx_without_per_record_results_leaves_every_outcome_unknown() -> None:
    outcome = per_record_outcome(RECORDS, _json_response(202, {"message_id": "m", "status": "success"}))
    assert {f["outcome"] for f in outcome.failed_records} == {"unknown"}


def test_short_reason_drops_code_prefix_and_keeps_the_path() -> None:
    exc = InputValueError("too big", path="users[0].$email")

    assert short_reason(exc) == "users[0].$email: too big"
    assert short_reason(KeyError("k")) == "'k'"


def test_failed_chunk_of_no_records_is_empty() -> None:
    assert failed_chunk([], error="x", code=500) == ChunkOutcome(total=0, success=0, failed_records=())


@pytest.mark.parametrize(
    "answer",
    [
        {
            "records": [
                {"status": "success"},
                {"status": "error", "error": {"message": "bad auth: SECRET-ECHO-1234"}},
            ]
        },
        {"records": [{"status": "success"}, "SECRET-ECHO-1234"]},
        {"no_records": "SECRET-ECHO-1234"},
    ],
)
def test_failed_record_reasons_never_repeat_a_registered_credential(answer: dict[str, Any]) -> None:
    registered_credentials.add_secret("SECRET-ECHO-1234")
    outcome = per_record_outcome(RECORDS[:2], _json_response(207, answer))
    assert outcome.failed_records
    for failed in outcome.failed_records:
        assert "SECRET-ECHO-1234" not in failed["error"]
        assert REDACTED in failed["error"]


def test_a_bounded_tally_keeps_the_first_failed_records_and_counts_them_all() -> None:
    tally = BulkTally(respond=BulkResponse.of, keep=4)
    for _ in range(3):
        tally.add_chunk(_outcome(1, 3))
    response = tally.response()
    assert (response.total, response.success, response.failure) == (12, 3, 9)
    assert [f["record"] for f in response.failed_records] == [{"n": 0}, {"n": 1}, {"n": 2}, {"n": 0}]
    assert response.failed_records_omitted == 5


def test_on_failure_takes_every_failed_record_and_none_is_kept() -> None:
    taken: list[FailedRecord] = []
    tally = BulkTally(respond=BulkResponse.of, on_failure=taken.append)
    tally.add_chunk(_outcome(1, 2))
    tally.add_failed(FailedRecord(record=None, error="bad", code=400, outcome="refused"))
    response = tally.response()
    assert (response.failure, response.failed_records, len(taken)) == (3, [], 3)
    assert response.failed_records_omitted == 3


def test_outcome_counts_follow_the_failed_records() -> None:
    tally = BulkTally(respond=BulkResponse.of)
    for outcome in ("unknown", "not_sent", "not_sent", "failed", "refused"):
        tally.add_failed(FailedRecord(record=None, error="x", code=500, outcome=outcome))  # type: ignore[typeddict-item]
    response = tally.response()
    assert (response.failure, response.unknown, response.not_sent) == (5, 1, 2)
