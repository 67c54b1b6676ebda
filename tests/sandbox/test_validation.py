"""Bodies are judged by the generated models; the answer names the field path and the reason."""

from __future__ import annotations

from typing import Any

import pytest

from suprsend_typed.sandbox import Sandbox

from .wire import Wire

GOOD_TRIGGER = {"workflow": "welcome", "recipients": ["u1"], "data": {}}


def error(response: Any) -> dict[str, Any]:
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.parametrize(
    ("body", "path"),
    [
        ({"recipients": ["u1"], "data": {}}, "workflow"),
        ({**GOOD_TRIGGER, "recipients": []}, "recipients"),
        ({**GOOD_TRIGGER, "brand_id": "b"}, "brand_id"),
        (
            {**GOOD_TRIGGER, "recipients": [{"$androidpush": [{"token": "t", "provider": "apns"}]}]},
            "recipients[0]",
        ),
    ],
)
def test_invalid_trigger_gets_400_naming_the_field(model_wire: Wire, body: dict[str, Any], path: str) -> None:
    response = model_wire.send("POST", "trigger/", body)
    assert response.status_code == 400
    assert error(response)["error_code"] == "validation_error"
    message = error(response)["message"]
    assert message.startswith(path), message
    assert ": " in message


def test_bulk_trigger_reports_invalid_records_one_by_one(model_wire: Wire, model_hub: Sandbox) -> None:
    response = model_wire.send("POST", "trigger/", [GOOD_TRIGGER, {"workflow": "w"}, GOOD_TRIGGER])
    records = error(response)["records"]
    assert response.status_code == 207
    assert [r["status"] for r in records] == ["success", "error", "success"]
    assert records[1]["error"]["message"].startswith("recipients: ")
    assert model_hub.counts()["rejected"] == 1


def test_invalid_event_in_a_bulk_is_one_error_record(model_wire: Wire) -> None:
    good = {
        "$insert_id": "0f988f74-6982-41c5-8752-facb6911fb08",
        "$time": 1_767_225_600_000,
        "event": "signed_up",
        "env": "sandbox_workspace_key_0001",
        "distinct_id": "u1",
        "properties": {},
    }
    response = model_wire.send(
        "POST", "v2/bulk/event/", [good, {**good, "$time": "now", "$insert_id": "x" * 36}]
    )
    records = error(response)["records"]
    assert [r["status"] for r in records] == ["success", "error"]
    assert records[1]["error"]["message"].startswith("$time: ")


def test_invalid_legacy_item_refuses_the_whole_array_with_its_index(
    model_wire: Wire, model_hub: Sandbox
) -> None:
    legacy = {
        "name": "wf",
        "template": "tpl",
        "notification_category": "transactional",
        "users": [{}],
        "data": {},
    }
    key = model_hub.credentials.workspace_key
    response = model_wire.send("POST", f"{key}/trigger/", [legacy, {**legacy, "template": "t"}])
    assert response.status_code == 400
    assert error(response)["message"].startswith("[1].template: ")


def test_user_edit_and_message_update_bodies_are_validated(model_wire: Wire) -> None:
    bad_edit = model_wire.send("PATCH", "v1/user/u1/", {"operations": "set"})
    bad_update = model_wire.send(
        "PATCH", "v1/bulk/message/", {"messages": [{"message_id": "m", "action": "eat"}]}
    )
    assert (bad_edit.status_code, bad_update.status_code) == (400, 400)
    assert error(bad_edit)["message"].startswith("operations: ")
    assert error(bad_update)["message"].startswith("messages[0].action: ")
