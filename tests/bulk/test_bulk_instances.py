"""The seed bulk surface (append/trigger/stream) over a stand-in client that records what it sends."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from support.contexts import WORKSPACE_KEY
from support.cores import BASE_URL, recording_core

from suprsend_typed._bulk.bulk import (
    BulkAlreadySentError,
    BulkEventsFactory,
    BulkUsersFactory,
    BulkWorkflowsFactory,
    BulkWorkflowTriggerFactory,
)
from suprsend_typed._errors import APIConnectionError
from suprsend_typed._event import Event
from suprsend_typed._generated import limits
from suprsend_typed._http import Request, Response
from suprsend_typed._profile import UserEdit
from suprsend_typed._workflow import Workflow, WorkflowTriggerRequest


def _event(n: int, **properties: object) -> Event:
    return Event(distinct_id=f"user-{n}", event_name="order_placed", properties={"n": n, **properties})


def _profile(distinct_id: str) -> UserEdit:
    return UserEdit(recording_core(), distinct_id)


def test_events_are_chunked_by_count_and_invalid_ones_reported_first() -> None:
    client = recording_core()
    bulk = BulkEventsFactory(client).new_instance()
    bulk.append(*(_event(n) for n in range(250)))
    bad = Event(distinct_id="user-x", event_name="$reserved")
    bulk.append(bad)

    response = bulk.trigger()

    assert [len(body) for body in client.sent_bodies()] == [100, 100, 50]
    assert all(request.url == BASE_URL + "v2/bulk/event/" for request in client.sent)
    assert (response.status, response.total, response.success, response.failure) == ("partial", 251, 250, 1)
    failed = response.failed_records[0]
    assert failed["record"] == bad._record()
    assert failed["code"] == 400
    assert "reserved by SuprSend" in failed["error"] and "Traceback" not in failed["error"]


def test_chunk_body_is_each_record_text_joined_and_retryable() -> None:
    client = recording_core()
    bulk = BulkEventsFactory(client).new_instance()
    bulk.append(_event(1), _event(2, name="Zoë"))

    bulk.trigger()

    (request,) = client.sent
    bodies = json.loads(request.content)
    assert request.content == json.dumps(bodies, ensure_ascii=False).encode()
    assert all(body["$insert_id"] for body in bodies)
    assert (request.options.operation, request.options.retryable) == ("track_events_bulk", True)


def test_items_are_frozen_at_append_time() -> None:
    client = recording_core()
    properties: dict[str, object] = {"step": "before"}
    event = Event("user-1", "order_placed", properties)
    bulk = BulkEventsFactory(client).new_instance()
    bulk.append(event)

    properties["step"] = "after"
    event.event_name = "changed_name"
    bulk.trigger()

    (body,) = client.sent_bodies()[0]
    assert body["event"] == "order_placed"
    assert body["properties"]["step"] == "before"  # type: ignore[index]


def test_wrong_kind_raises_type_error_naming_the_kind_and_appends_nothing() -> None:
    bulk = BulkEventsFactory(recording_core()).new_instance()

    with pytest.raises(TypeError, match="can only append Event items, got dict"):
        bulk.append(_event(1), {"event": "x"})  # type: ignore[arg-type]

    assert bulk.trigger().total == 0


def test_a_bulk_is_single_use() -> None:
    client = recording_core()
    bulk = BulkEventsFactory(client).new_instance()
    bulk.append(_event(1), _event(2))
    first = bulk.trigger()

    with pytest.raises(BulkAlreadySentError, match="already sent"):
        bulk.trigger()
    with pytest.raises(BulkAlreadySentError):
        bulk.append(_event(3))

    assert first.total == 2
    assert len(client.sent) == 1


def test_empty_bulk_sends_nothing_and_succeeds() -> None:
    client = recording_core()

    response = BulkEventsFactory(client).new_instance().trigger()

    assert str(response) == "BulkResponse<status: success | total: 0 | success: 0 | failure: 0 | warnings: 0>"
    assert client.sent == []


def _legacy_workflow(n: int) -> Workflow:
    return Workflow(
        {
            "name": f"wf-{n}",
            "template": "welcome-tpl",
            "notification_category": "transactional",
            "users": [{"distinct_id": f"user-{n}"}],
        }
    )


def test_legacy_workflows_go_to_the_workspace_path_and_a_2xx_accepts_the_chunk() -> None:
    client = recording_core(lambda request: Response(status_code=202, content=b"Accepted - OK"))
    bulk = BulkWorkflowsFactory(client).new_instance()
    bulk.append(*(_legacy_workflow(n) for n in range(3)))

    response = bulk.trigger()

    assert [request.url for request in client.sent] == [f"{BASE_URL}{WORKSPACE_KEY}/trigger/"]
    assert (response.status, response.success, response.failed_records) == ("success", 3, [])
    assert client.sent[0].options.operation == "trigger_legacy_workflow"


def test_legacy_workflow_chunk_error_marks_each_record_with_status_and_message() -> None:
    client = recording_core(lambda request: Response(status_code=500, content=b"<html>boom</html>"))
    bulk = BulkWorkflowsFactory(client).new_instance()
    bulk.append(_legacy_workflow(1), _legacy_workflow(2))

    response = bulk.trigger()

    assert (response.status, response.failure) == ("fail", 2)
    assert [(f["error"], f["code"]) for f in response.failed_records] == [("<html>boom</html>", 500)] * 2
    assert [f["record"] for f in response.failed_records] == client.sent_bodies()[0]


def test_workflow_trigger_requests_map_per_record_results() -> None:
    def answer(request: Request) -> Response:
        records = [
            {"status": "success", "status_code": 202},
            {"status": "error", "status_code": 404, "error": {"message": "workflow not found"}},
        ]
        return Response(status_code=207, content=json.dumps({"records": records}).encode())

    client = recording_core(answer)
    bulk = BulkWorkflowTriggerFactory(client).new_instance()
    bulk.append(*(WorkflowTriggerRequest({"workflow": f"wf-{n}", "recipients": ["u1"]}) for n in range(2)))

    response = bulk.trigger()

    assert client.sent[0].url == BASE_URL + "trigger/"
    assert (response.status, response.success, response.failure) == ("partial", 1, 1)
    failed = response.failed_records[0]
    assert (failed["error"], failed["code"]) == ("workflow not found", 404)
    assert failed["record"] == client.sent_bodies()[0][1]
    assert failed["record"]["$idempotency_key"]  # type: ignore[index]


def test_profiles_report_their_problems_as_warnings_and_go_to_the_identity_endpoint() -> None:
    client = recording_core(lambda request: Response(status_code=202, content=b'{"message": "OK"}'))
    good = _profile("u1")
    good.add_email("u1@example.com")
    odd = _profile("u2")
    odd.add_email("not-an-email")
    odd.set("", "skipped")

    bulk = BulkUsersFactory(client).new_instance()
    bulk.append(good, odd)
    response = bulk.save()

    assert client.sent[0].url == BASE_URL + "event/"
    assert (response.status, response.total, response.success) == ("success", 2, 2)
    assert len(response.warnings) == 2
    assert all(line.startswith("[distinct_id: u2]") for line in response.warnings)
    assert str(response).endswith("warnings: 2>")


def test_identity_events_are_chunked_by_their_own_count_limit() -> None:
    client = recording_core(lambda request: Response(status_code=202))
    bulk = BulkUsersFactory(client).new_instance()
    bulk.append(*(_profile(f"u{n}") for n in range(limits.MAX_IDENTITY_EVENTS_PER_BULK + 1)))

    response = bulk.save()

    assert [len(body) for body in client.sent_bodies()] == [limits.MAX_IDENTITY_EVENTS_PER_BULK, 1]
    assert response.total == response.success == limits.MAX_IDENTITY_EVENTS_PER_BULK + 1


def test_transport_failure_never_raises_out_of_a_bulk() -> None:
    def answer(request: Request) -> Response:
        raise APIConnectionError("connection refused")

    bulk = BulkEventsFactory(recording_core(answer)).new_instance()
    bulk.append(_event(1), _event(2))

    response = bulk.trigger()

    assert (response.status, response.failure) == ("fail", 2)
    assert {(f["error"], f["code"]) for f in response.failed_records} == {("connection refused", 500)}


def test_concurrency_below_one_is_refused_before_anything_is_sent() -> None:
    client = recording_core()
    bulk = BulkEventsFactory(client).new_instance()
    bulk.append(_event(1))

    with pytest.raises(ValueError, match="concurrency"):
        bulk.trigger(concurrency=0)

    assert bulk.trigger().success == 1


def test_stream_accounts_for_every_record_and_reports_progress() -> None:
    failing = {7, 250, 777}

    def answer(request: Request) -> Response:
        bodies = json.loads(request.content)
        if bodies[0]["properties"]["n"] == 500:
            return Response(status_code=503, content=b"<html>try later</html>")
        results = [
            {"status": "error", "status_code": 422, "error": {"message": "bad"}}
            if body["properties"]["n"] in failing
            else {"status": "success"}
            for body in bodies
        ]
        return Response(status_code=207, content=json.dumps({"records": results}).encode())

    def items() -> Iterator[object]:
        for n in range(1000):
            yield _event(n)
            if n == 10:
                yield {"not": "an event"}
                yield Event(distinct_id="", event_name="order_placed")

    progress: list[tuple[int, int]] = []
    client = recording_core(answer)

    response = BulkEventsFactory(client).stream(
        items(),  # type: ignore[arg-type]
        concurrency=3,
        on_progress=lambda done, failed: progress.append((done, failed)),
    )

    chunk_failures = 100  # the chunk that starts with n == 500 is refused as a whole
    expected_failures = len(failing) + 2 + chunk_failures
    assert (response.total, response.success, response.failure) == (
        1002,
        1002 - expected_failures,
        expected_failures,
    )
    assert response.status == "partial"
    wrong_kind = [f for f in response.failed_records if f["record"] is None]
    assert [(f["error"], f["code"]) for f in wrong_kind] == [("item 11: expected Event, got dict", 400)]
    assert progress[-1] == (1002, expected_failures)
    assert [done for done, _ in progress] == sorted(done for done, _ in progress)
    assert len(client.sent) == 10
