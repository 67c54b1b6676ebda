"""Hub answer shapes, per-record 207 outcomes, dedupe and what the store keeps."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from suprsend_typed._errors import ValidationError
from suprsend_typed.sandbox import IDEMPOTENCY_WINDOW_SECONDS, Sandbox

from .conftest import ManualClock
from .wire import Wire

EPOCH = 1_767_225_600.0  # 2026-01-01T00:00:00Z


def refuse_named_bad(kind: str, record: Any) -> None:
    """A validator refusing records whose workflow or event is named "bad", with a field path."""
    name = record.get("workflow") or record.get("event") if isinstance(record, dict) else None
    if name == "bad":
        raise ValidationError("unknown name", path="workflow" if "workflow" in record else "event")


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(EPOCH)


@pytest.fixture
def strict_hub(clock: ManualClock) -> Iterator[Sandbox]:
    ids = iter(f"msg-{n}" for n in range(1_000))
    with Sandbox(validator=refuse_named_bad, clock=clock, id_factory=lambda: next(ids)) as running:
        yield running


@pytest.fixture
def strict_wire(strict_hub: Sandbox, clock: ManualClock) -> Iterator[Wire]:
    sender = Wire.to(strict_hub)
    yield sender
    sender.close()


def trigger(name: str = "welcome", **extra: Any) -> dict[str, Any]:
    return {"workflow": name, "recipients": ["u1"], "data": {}, **extra}


def event(insert_id: str, name: str = "signed_up") -> dict[str, Any]:
    return {
        "$insert_id": insert_id,
        "$time": 1,
        "event": name,
        "env": "e",
        "distinct_id": "u1",
        "properties": {},
    }


def test_single_trigger_gets_202_with_a_message_id(strict_wire: Wire, clock: ManualClock) -> None:
    response = strict_wire.send("POST", "trigger/", trigger(), date=clock.now)
    assert (response.status_code, response.json()) == (202, {"message_id": "msg-0", "status": "success"})


def test_bulk_trigger_gets_one_207_record_per_item_in_order(
    strict_wire: Wire, strict_hub: Sandbox, clock: ManualClock
) -> None:
    response = strict_wire.send(
        "POST", "trigger/", [trigger(), trigger("bad"), trigger("other")], date=clock.now
    )
    assert response.status_code == 207
    assert response.json() == {
        "records": [
            {"status": "success", "status_code": 202, "message_id": "msg-0"},
            {
                "status": "error",
                "status_code": 400,
                "error": {"message": "workflow: unknown name", "type": "validation_error"},
            },
            {"status": "success", "status_code": 202, "message_id": "msg-1"},
        ],
        "status": "success",
    }
    assert [(r["position"], r["status"]) for r in strict_hub.records("workflow_trigger")] == [
        (0, "accepted"),
        (1, "rejected"),
        (2, "accepted"),
    ]
    assert (
        strict_hub.counts().items() >= {"accepted": 2, "rejected": 1, "duplicate": 0, "requests": 1}.items()
    )


def test_bulk_events_get_207_and_a_single_event_202(strict_wire: Wire, clock: ManualClock) -> None:
    bulk = strict_wire.send("POST", "v2/bulk/event/", [event("a"), event("b", "bad")], date=clock.now)
    single = strict_wire.send("POST", "v2/event/", event("c"), date=clock.now)
    assert [r["status"] for r in bulk.json()["records"]] == ["success", "error"]
    assert bulk.json()["records"][1]["error"]["message"] == "event: unknown name"
    assert single.status_code == 202


def test_invalid_single_object_is_refused_whole_with_the_field_path(
    strict_wire: Wire, strict_hub: Sandbox
) -> None:
    response = strict_wire.send("POST", "v2/event/", event("a", "bad"), date=EPOCH)
    assert response.status_code == 400
    assert response.json() == {
        "code": 400,
        "error_code": "validation_error",
        "type": "ValidationError",
        "message": "event: unknown name",
        "detail": "event: unknown name",
    }
    assert strict_hub.records() == []


def test_legacy_and_identity_arrays_are_all_or_nothing(strict_wire: Wire, strict_hub: Sandbox) -> None:
    legacy = [{"workflow": "ok"}, {"workflow": "bad"}]
    response = strict_wire.send(
        "POST", f"{strict_hub.credentials.workspace_key}/trigger/", legacy, date=EPOCH
    )
    assert (response.status_code, response.json()["message"]) == (400, "[1].workflow: unknown name")
    identity = strict_wire.send("POST", "event/", [{"distinct_id": "u1", "$user_operations": []}], date=EPOCH)
    assert (identity.status_code, identity.json()) == (202, {"message": "OK"})


@pytest.mark.parametrize(
    ("path", "body", "message"),
    [
        ("v2/event/", [{"event": "x"}], "expected a JSON object, got an array (use the bulk endpoint)"),
        ("v2/bulk/event/", {"event": "x"}, "expected a JSON array, got an object"),
        ("trigger/", "text", "expected a JSON object or array, got a string"),
        ("trigger/", [], "array must not be empty"),
    ],
)
def test_wrong_body_shapes_are_refused(strict_wire: Wire, path: str, body: Any, message: str) -> None:
    response = strict_wire.send("POST", path, body, date=EPOCH)
    assert (response.status_code, response.json()["message"]) == (400, message)


def test_body_that_is_not_json_is_refused(strict_wire: Wire) -> None:
    response = strict_wire.send("POST", "trigger/", content=b"{not json", date=EPOCH)
    assert response.status_code == 400
    assert response.json()["message"].startswith("body is not valid JSON")


def test_unknown_endpoint_is_404(strict_wire: Wire) -> None:
    response = strict_wire.send("POST", "v9/nothing/", {}, date=EPOCH)
    assert (response.status_code, response.json()["message"]) == (
        404,
        "no endpoint POST /v9/nothing/",
    )


def test_repeated_idempotency_key_is_answered_as_accepted_but_recorded_as_duplicate(
    strict_wire: Wire, strict_hub: Sandbox, clock: ManualClock
) -> None:
    first = strict_wire.send("POST", "trigger/", trigger(**{"$idempotency_key": "k1"}), date=clock.now)
    again = strict_wire.send("POST", "trigger/", trigger(**{"$idempotency_key": "k1"}), date=clock.now)
    assert first.status_code == again.status_code == 202
    assert again.json()["message_id"] == first.json()["message_id"]
    assert [r["status"] for r in strict_hub.records()] == ["accepted", "duplicate"]
    clock.now += IDEMPOTENCY_WINDOW_SECONDS + 1
    later = strict_wire.send("POST", "trigger/", trigger(**{"$idempotency_key": "k1"}), date=clock.now)
    assert later.json()["message_id"] != first.json()["message_id"]
    assert strict_hub.counts()["accepted"] == 2


def test_repeated_insert_id_is_a_duplicate_even_inside_one_bulk(
    strict_wire: Wire, strict_hub: Sandbox, clock: ManualClock
) -> None:
    response = strict_wire.send(
        "POST", "v2/bulk/event/", [event("i1"), event("i2"), event("i1")], date=clock.now
    )
    assert [r["status"] for r in response.json()["records"]] == ["success"] * 3
    assert [r["status"] for r in strict_hub.records("event")] == ["accepted", "accepted", "duplicate"]
    strict_wire.send("POST", "v2/event/", event("i2"), date=clock.now)
    assert strict_hub.counts()["duplicate"] == 2


def test_idempotency_keys_of_events_and_workflows_do_not_collide(
    strict_wire: Wire, strict_hub: Sandbox
) -> None:
    strict_wire.send("POST", "trigger/", trigger(**{"$idempotency_key": "same"}), date=EPOCH)
    strict_wire.send("POST", "v2/event/", {**event("e1"), "$idempotency_key": "same"}, date=EPOCH)
    assert strict_hub.counts()["duplicate"] == 0


def test_requests_and_records_are_readable_over_http(strict_wire: Wire, strict_hub: Sandbox) -> None:
    strict_wire.send("POST", "trigger/", trigger(), date=EPOCH)
    strict_wire.send("POST", "trigger/", trigger(), date=EPOCH, secret="wrong")
    everything = strict_wire.send("GET", "_sandbox/requests", date=EPOCH).json()
    accepted = strict_wire.send("GET", "_sandbox/requests?outcome=accepted", date=EPOCH).json()
    records = strict_wire.send("GET", "_sandbox/records?kind=workflow_trigger", date=EPOCH).json()
    counts = strict_wire.send("GET", "_sandbox/counts", date=EPOCH).json()
    assert [r["status"] for r in everything] == [202, 401]
    assert [r["body"] for r in accepted] == [trigger()]
    assert [r["body"] for r in records] == [trigger()]
    assert counts["requests"] == 2 and counts["requests_rejected"] == 1
    assert strict_wire.send("POST", "_sandbox/reset", date=EPOCH).json() == {"reset": True}
    assert strict_hub.requests() == []


def test_light_mode_counts_and_dedupes_without_keeping_bodies() -> None:
    with Sandbox(validator=refuse_named_bad, record_bodies=False) as hub:
        sender = Wire.to(hub)
        sender.send("POST", "v2/bulk/event/", [event("a"), event("a")])
        sender.close()
        assert hub.counts().items() >= {"accepted": 1, "duplicate": 1}.items()
        assert [r["body"] for r in hub.records()] == [None, None]
        assert hub.requests()[0]["body"] is None


def test_store_persists_to_a_file(tmp_path: Any) -> None:
    path = str(tmp_path / "hub.sqlite")
    with Sandbox(validator=refuse_named_bad, db_path=path) as hub:
        sender = Wire.to(hub)
        sender.send("POST", "trigger/", trigger())
        sender.close()
    with Sandbox(validator=refuse_named_bad, db_path=path) as reopened:
        assert [r["body"] for r in reopened.records()] == [trigger()]
