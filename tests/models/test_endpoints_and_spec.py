"""The generated endpoints of the real spec, the limits, and the spec's own validity."""

from __future__ import annotations

from pathlib import Path

import pytest
from openapi_spec_validator import validate
from openapi_spec_validator.readers import read_from_filename

from suprsend_typed._errors import APIError, BadRequestError, InternalServerError, ValidationError
from suprsend_typed._generated import endpoints as e
from suprsend_typed._generated import limits
from suprsend_typed._generated import models as m
from suprsend_typed._http import CallOptions, Response
from suprsend_typed._models import unstructure
from suprsend_typed.sandbox.hub import MAX_MESSAGE_PAGE as SANDBOX_MAX_PAGE

SPEC = Path(__file__).resolve().parents[2] / "spec" / "suprsend.yaml"
BASE = "https://hub.suprsend.com/"


def test_the_spec_is_a_valid_openapi_document() -> None:
    document, _ = read_from_filename(str(SPEC))
    validate(document)


def test_limits_come_from_the_spec() -> None:
    assert (
        limits.MAX_WORKFLOWS_PER_BULK,
        limits.MAX_EVENTS_PER_BULK,
        limits.MAX_IDENTITY_EVENTS_PER_BULK,
    ) == (
        100,
        100,
        400,
    )
    assert (limits.MAX_BODY_APPARENT_BYTES, limits.MAX_CHUNK_APPARENT_BYTES) == (819200, 819200)
    assert (limits.MAX_IDENTITY_EVENT_APPARENT_BYTES, limits.WORKFLOW_RUNTIME_BYTES) == (10240, 200)


def test_builders_make_the_official_urls_and_headers() -> None:
    body = b'{"workflow": "w"}'
    request = e.build_trigger_workflow(base_url=BASE, content=body)
    assert (request.method, request.url, request.content) == ("POST", BASE + "trigger/", body)
    assert dict(request.headers) == {"Content-Type": "application/json; charset=utf-8"}
    assert request.options.operation == "trigger_workflow"
    assert e.build_trigger_legacy_workflow(base_url=BASE, workspace="WKEY").url == BASE + "WKEY/trigger/"
    assert e.build_track_event(base_url=BASE).url == BASE + "v2/event/"
    assert e.build_track_events_bulk(base_url=BASE).url == BASE + "v2/bulk/event/"
    assert e.build_send_identity_events(base_url=BASE).url == BASE + "event/"
    assert e.build_bulk_update_messages(base_url=BASE).method == "PATCH"
    edit = e.build_edit_user(base_url=BASE, distinct_id="a b/c?")
    assert (edit.method, edit.path_and_query) == ("PATCH", "/v1/user/a%20b%2Fc%3F/")


def test_query_keeps_the_given_order_and_repeats() -> None:
    query = [("limit", "20"), ("recipient_id[]", "u1"), ("recipient_id[]", "u2"), ("is_campaign", "false")]
    request = e.build_list_messages(base_url=BASE, query=query)
    assert request.method == "GET" and request.content == b""
    assert (
        request.url
        == BASE + "v1/message/?limit=20&recipient_id%5B%5D=u1&recipient_id%5B%5D=u2&is_campaign=false"
    )
    assert dict(request.headers) == {"Content-Type": "application/json; charset=utf-8"}


def test_given_options_are_kept() -> None:
    options = CallOptions(max_retries=0, retryable=False, operation="custom")
    assert e.build_track_event(base_url=BASE, options=options).options == options


@pytest.mark.parametrize("bad", ["", "  "])
def test_empty_path_parameters_are_refused(bad: str) -> None:
    with pytest.raises(ValidationError) as caught:
        e.build_edit_user(base_url=BASE, distinct_id=bad)
    assert caught.value.path == "distinct_id"


def test_base_url_must_end_with_a_slash() -> None:
    with pytest.raises(ValidationError):
        e.build_track_event(base_url="https://hub.suprsend.com")


def test_parsers_pick_the_model_by_status() -> None:
    accepted = e.parse_trigger_workflow(
        Response(status_code=202, content=b'{"message_id": "m1", "status": "success"}')
    )
    assert accepted == m.TriggerAccepted(message_id="m1", status="success")
    records = e.parse_trigger_workflow(
        Response(
            status_code=207,
            content=b'{"records": [{"status": "success", "status_code": 202, "message_id": "m"},'
            b' {"status": "error", "status_code": 404, "error": {"message": "nf", "type": "not_found"}}]}',
        )
    )
    assert isinstance(records, m.BulkRecordsResponse)
    assert records.records[1].error == m.ErrorDetail(message="nf", type="not_found")
    assert (
        e.parse_trigger_legacy_workflow(Response(status_code=202, content=b"Accepted - OK"))
        == "Accepted - OK"
    )
    assert e.parse_edit_user(Response(status_code=200, content=b'{"distinct_id": "u"}')) == {
        "distinct_id": "u"
    }


def test_parsers_raise_the_status_error_and_never_crash_on_odd_bodies() -> None:
    with pytest.raises(BadRequestError, match="BAD REQUEST"):
        e.parse_track_event(
            Response(status_code=400, content=b'{"status": "fail", "message": "BAD REQUEST"}')
        )
    with pytest.raises(InternalServerError):
        e.parse_track_event(Response(status_code=502, content=b"<html>bad gateway</html>"))
    with pytest.raises(APIError, match="not JSON"):
        e.parse_track_event(Response(status_code=202, content=b"OK"))
    with pytest.raises(APIError, match=r"unexpected body: records: is required"):
        e.parse_track_events_bulk(Response(status_code=207, content=b"{}"))
    with pytest.raises(APIError, match=r"unexpected body: expected an object, got array"):
        e.parse_track_event(Response(status_code=202, content=b"[1]"))


def test_success_bodies_that_drift_from_the_spec_are_kept_not_refused() -> None:
    accepted = e.parse_trigger_workflow(
        Response(status_code=202, content=b'{"message_id": "m1", "status": 7, "new": [1]}')
    )
    assert isinstance(accepted, m.TriggerAccepted)
    assert accepted.message_id == "m1" and accepted.status is None and accepted.is_absent("status")
    assert accepted["status"] == 7 and list(accepted) == ["message_id", "status", "new"]
    assert accepted.extra == {"status": 7, "new": [1]}
    assert unstructure(accepted) == {"message_id": "m1", "status": 7, "new": [1]}
    records = e.parse_track_events_bulk(
        Response(
            status_code=207,
            content=b'{"records": [{"status": "error", "error": "text"}, {"status_code": "202"}],'
            b' "status": 1}',
        )
    )
    assert records.records[0].error is None and records.records[0].extra == {"error": "text"}
    assert records.records[1].extra == {"status_code": "202"} and records.extra == {"status": 1}


@pytest.mark.parametrize("body", [b'{"status": "success"}', b'{"message_id": 123}', b'{"message_id": null}'])
def test_an_accepted_trigger_always_has_a_message_id(body: bytes) -> None:
    """The hub names every message it accepts, so typed callers get ``message_id: str`` with no narrowing;
    an answer without one is reported, not turned into a result with a missing id."""
    with pytest.raises(APIError, match="unexpected body: message_id: "):
        e.parse_trigger_workflow(Response(status_code=202, content=body))


def test_list_messages_takes_a_typed_query_value() -> None:
    query = e.ListMessagesQuery(limit=20, recipient_id=["u1", "u2"], is_campaign=False, status=["seen"])
    assert query.to_pairs() == [
        ("limit", "20"),
        ("recipient_id[]", "u1"),
        ("recipient_id[]", "u2"),
        ("status[]", "seen"),
        ("is_campaign", "false"),
    ]
    request = e.build_list_messages(base_url=BASE, query=query)
    assert request.url == (
        BASE + "v1/message/?limit=20&recipient_id%5B%5D=u1&recipient_id%5B%5D=u2&status%5B%5D=seen"
        "&is_campaign=false"
    )
    assert e.LIST_MESSAGES_LIMIT_MAXIMUM == 1000 and e.LIST_MESSAGES_LIMIT_MINIMUM == 1
    assert SANDBOX_MAX_PAGE == e.LIST_MESSAGES_LIMIT_MAXIMUM


@pytest.mark.parametrize(
    ("options", "path", "reason"),
    [
        ({"limit": 1001}, "limit", "1001 is more than the maximum of 1000"),
        ({"limit": "20"}, "limit", "expected integer, got string"),
        ({"is_campaign": "no"}, "is_campaign", "expected boolean, got string"),
        ({"recipient_id": ["u", 3]}, "recipient_id[1]", "expected string, got integer"),
        ({"sort": "asc"}, "sort", "is not a parameter; expected one of limit"),
        ({"status": "seen", "status[]": ["read"]}, '["status[]"]', "repeats status"),
    ],
)
def test_query_options_are_checked_with_the_callers_key(
    options: dict[str, object], path: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        e.ListMessagesQuery.from_options(options)
    assert caught.value.path == path and reason in caught.value.reason


def test_query_options_drop_none_and_wrap_single_values_as_the_official_sdk() -> None:
    query = e.ListMessagesQuery.from_options(
        {"limit": None, "status": "seen", "category[]": ["a", None], "recipient_id": [None], "after": "c"}
    )
    assert query == e.ListMessagesQuery(status=["seen"], category=["a"], after="c")
    assert query.to_pairs() == [("after", "c"), ("status[]", "seen"), ("category[]", "a")]
    with pytest.raises(ValidationError, match="limit: expected integer, got string"):
        e.ListMessagesQuery(limit="5")  # type: ignore[arg-type]


def test_body_model_constants() -> None:
    assert e.TRIGGER_WORKFLOW_BODY is m.WorkflowTrigger
    assert e.TRIGGER_LEGACY_WORKFLOW_BODY is m.LegacyWorkflow
    assert e.TRACK_EVENTS_BULK_BODY is m.EventPayload
    assert e.SEND_IDENTITY_EVENTS_BODY is m.IdentityEvent
