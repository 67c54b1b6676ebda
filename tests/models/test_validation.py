"""Invalid bodies fail before anything is sent, with the JSON path of each problem; UNSET is not None."""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from typing import Any

import pytest

from suprsend_typed._errors import ValidationError
from suprsend_typed._generated import models as m
from suprsend_typed._models import structure, unstructure, validate
from suprsend_typed._types import UNSET


def _legacy(**user: Any) -> dict[str, Any]:
    return {"name": "nm", "template": "tp", "notification_category": "tx", "users": [user], "data": {}}


@pytest.mark.parametrize(
    ("cls", "body", "path", "reason"),
    [
        (
            m.LegacyWorkflow,
            _legacy(
                **{"$androidpush": [{"token": "a", "provider": "fcm"}, {"token": "b", "provider": "huawei"}]}
            ),
            "users[0].$androidpush[1].provider",
            "'huawei' is not one of fcm, xiaomi, oppo",
        ),
        (m.LegacyWorkflow, _legacy(**{"$email": "a"}), "users[0].$email", "is shorter than 2 characters"),
        (m.LegacyWorkflow, _legacy(**{"$sms": ["+1"] * 11}), "users[0].$sms", "more than the maximum of 10"),
        (m.LegacyWorkflow, _legacy(**{"$channels": ["fax"]}), "users[0].$channels[0]", "'fax' is not one of"),
        (m.LegacyWorkflow, {**_legacy(), "users": []}, "users", "fewer than the minimum of 1"),
        (m.LegacyWorkflow, {**_legacy(), "delay": -1}, "delay", "-1 is less than the minimum of 0"),
        (m.LegacyWorkflow, {**_legacy(), "delay": True}, "delay", "expected string or integer, got boolean"),
        (
            m.LegacyWorkflow,
            {**_legacy(), "delivery": {"smart": True, "x": 1}},
            "delivery.x",
            "not an allowed",
        ),
        (
            m.LegacyWorkflow,
            {**_legacy(), "$idempotency_key": "k" * 256},
            "$idempotency_key",
            "longer than 255",
        ),
        (m.LegacyWorkflow, {**_legacy(), "brand_id": "b" * 65}, "brand_id", "longer than 64"),
        (m.LegacyWorkflow, {"template": "tp"}, "name", "is required"),
        (
            m.WorkflowTrigger,
            {"workflow": "w", "recipients": [{"$slack": {"channel_id": "X1"}}], "data": {}},
            "recipients[0].$slack.channel_id",
            "does not match the pattern",
        ),
        (
            m.WorkflowTrigger,
            {"workflow": "w", "recipients": ["u", 7], "data": {}},
            "recipients[1]",
            "expected string or object, got integer",
        ),
        (
            m.WorkflowTrigger,
            {"workflow": "w", "recipients": [{"$androidpush": "token"}], "data": {}},
            "recipients[0].$androidpush",
            "expected object or array, got string",
        ),
        (
            m.WorkflowTrigger,
            {"workflow": "w", "recipients": ["u"], "data": {}, "delay": 1},
            "delay",
            "not an allowed",
        ),
        (
            m.EventPayload,
            {
                "$insert_id": "i" * 36,
                "$time": 1,
                "event": "e1",
                "env": "w",
                "distinct_id": "d",
                "properties": {},
            },
            "$time",
            "less than the minimum of 1640995200000",
        ),
        (m.UserEditBody, {"operations": [{"$unset": "name"}]}, "operations[0].$unset", "expected an array"),
        (
            m.BulkMessagesUpdate,
            {"messages": [{"message_id": "m", "action": "pin"}]},
            "messages[0].action",
            "pin",
        ),
    ],
)
def test_invalid_bodies_fail_with_the_path(
    cls: type[Any], body: dict[str, Any], path: str, reason: str
) -> None:
    for check in (structure, validate):
        with pytest.raises(ValidationError) as caught:
            check(body, cls)
        assert caught.value.path == path
        assert reason in caught.value.reason


def test_every_problem_is_reported_at_once() -> None:
    body = {"workflow": "", "recipients": [], "data": [], "extra_key": 1}
    with pytest.raises(ValidationError) as caught:
        structure(body, m.WorkflowTrigger)
    # An unknown key leads (a misspelling explains the rest); the others keep the schema's order.
    assert [path for path, _ in caught.value.errors] == ["extra_key", "workflow", "recipients", "data"]
    assert "(and 3 more)" in str(caught.value)


def test_direct_construction_is_checked_too() -> None:
    with pytest.raises(ValidationError) as caught:
        m.AndroidpushSetting(token="", provider="huawei")  # type: ignore[arg-type]
    assert caught.value.errors == (
        ("token", "must not be empty"),
        ("provider", "'huawei' is not one of fcm, xiaomi, oppo"),
    )
    with pytest.raises(ValidationError, match=r"\$androidpush\[0\]: expected AndroidpushSetting, got dict"):
        m.UserSetting(androidpush=[{"token": "t", "provider": "fcm"}])  # type: ignore[list-item]
    with pytest.raises(ValidationError, match="is a field of UserSetting"):
        m.UserSetting(extra={"$email": "a@b.c"})


def test_unset_is_left_out_and_none_is_sent_as_null() -> None:
    user = m.UserSetting(distinct_id=None, email="a@b.c")
    assert user.locale is UNSET
    assert unstructure(user) == {"distinct_id": None, "$email": "a@b.c"}
    assert structure({"distinct_id": None}, m.UserSetting).distinct_id is None
    assert structure({}, m.UserSetting).distinct_id is UNSET


def test_extra_keys_are_kept_where_allowed_and_written_after_the_schema_keys() -> None:
    user = structure({"plan": "gold", "$email": "a@b.c", "distinct_id": "u"}, m.UserSetting)
    assert user.extra == {"plan": "gold"}
    assert list(unstructure(user)) == ["distinct_id", "$email", "plan"]
    response = structure({"message_id": "x", "status": "success", "new_field": [1]}, m.TriggerAccepted)
    assert response.extra == {"new_field": [1]}


def test_structure_of_a_list_and_unstructure_of_a_list() -> None:
    wire = [{"token": "t", "provider": "apns"}]
    settings = structure(wire, list[m.IospushSetting])
    assert settings == [m.IospushSetting(token="t", provider="apns")]
    assert unstructure(settings) == wire


def test_structure_does_not_share_the_callers_containers() -> None:
    wire: dict[str, Any] = {
        "workflow": "w",
        "recipients": ["u", {"$email": ["a@b.c"], "plan": {"tier": ["gold"]}}],
        "data": {"k": "v", "nested": {"list": [1]}},
        "metadata": {"a": 1, "deep": [{"b": 2}]},
    }
    trigger = structure(wire, m.WorkflowTrigger)
    wire["recipients"].append("other")
    wire["recipients"][1]["$email"].append("x@y.z")  # one-of string-or-list
    wire["recipients"][1]["plan"]["tier"].append("silver")  # free-form extra value
    wire["data"]["nested"]["list"].append(2)
    wire["metadata"]["deep"][0]["b"] = 3
    user = trigger.recipients[1]
    assert isinstance(user, m.UserSetting)
    assert (
        len(trigger.recipients) == 2
        and user.email == ["a@b.c"]
        and user.extra == {"plan": {"tier": ["gold"]}}
    )
    assert trigger.data.extra == {"k": "v", "nested": {"list": [1]}}
    assert trigger.metadata == {"a": 1, "deep": [{"b": 2}]}
    dumped = unstructure(trigger)
    dumped["recipients"][1]["$email"].append("dump@x.y")
    dumped["recipients"][1]["plan"]["tier"].append("dump")
    dumped["metadata"]["deep"].append(0)
    assert user.email == ["a@b.c"] and user.extra == {"plan": {"tier": ["gold"]}}
    assert trigger.metadata == {"a": 1, "deep": [{"b": 2}]}


def test_extra_keys_cannot_overwrite_a_field_even_when_changed_after_construction() -> None:
    user = structure({"$email": "a@b.c"}, m.UserSetting)
    user.extra["$email"] = "dup"
    with pytest.raises(ValidationError) as caught:
        unstructure(user)
    assert caught.value.path == "$email" and "is a field of UserSetting" in caught.value.reason
    unset_email = m.UserSetting()
    unset_email.extra["$email"] = "sneaked past the check"
    with pytest.raises(ValidationError, match=r"\$email: is a field of UserSetting"):
        unstructure(unset_email)


@pytest.mark.parametrize(
    ("extra", "path", "reason"),
    [
        ({"when": UNSET}, "when", "is not a JSON value (_UnsetType)"),
        ({"when": date(2026, 1, 1)}, "when", "is not a JSON value (date)"),
        ({"deep": [{"x": float("nan")}]}, "deep[0].x", "is not a finite number"),
        ({"deep": {1: "a"}}, "deep", "object keys must be strings, got integer"),
    ],
)
def test_free_form_values_must_be_json_at_construction(extra: dict[str, Any], path: str, reason: str) -> None:
    with pytest.raises(ValidationError) as caught:
        m.UserSetting(extra=extra)
    assert (caught.value.path, caught.value.reason) == (path, reason)
    with pytest.raises(ValidationError, match=r"metadata\.x: is not a JSON value \(object\)"):
        m.WorkflowTrigger(workflow="w", recipients=["u"], data=m.WorkflowData(), metadata={"x": object()})


def test_whole_number_floats_are_integers_and_are_kept_as_given() -> None:
    event = {
        "$insert_id": "i" * 36,
        "$time": 1700000000000.0,
        "event": "e1",
        "env": "w",
        "distinct_id": "d",
        "properties": {},
    }
    model = structure(event, m.EventPayload)
    assert model.time == 1700000000000.0 and isinstance(model.time, float)
    assert unstructure(model) == event
    legacy = structure({**_legacy(), "delay": 5.0}, m.LegacyWorkflow)
    assert legacy.delay == 5.0
    with pytest.raises(ValidationError, match="delay: expected string or integer, got number"):
        structure({**_legacy(), "delay": 5.5}, m.LegacyWorkflow)


def test_containers_of_models_and_aliases_are_checked_with_paths() -> None:
    with pytest.raises(ValidationError) as caught:
        structure([{"token": "t", "provider": "fcm"}, {"token": "t"}], list[m.AndroidpushSetting])
    assert caught.value.path == "[1].provider"
    with pytest.raises(ValidationError) as caught:
        structure({"a": {"token": "t", "provider": "apns"}, "b": {}}, dict[str, m.IospushSetting])
    assert caught.value.path == "b.token"
    assert structure(["a@b.c"], m.ChannelValues) == ["a@b.c"]
    with pytest.raises(ValidationError, match="expected string or array, got integer"):
        structure(7, m.ChannelValues)
    with pytest.raises(ValidationError, match="is shorter than 2 characters"):
        structure("a", m.LegacyChannelValues)
    with pytest.raises(ValidationError, match="'x' is not one of androidpush"):
        structure("x", m.Channel)
    with pytest.raises(ValidationError, match=r"\[0\]: expected string or array, got integer"):
        structure([1], list[m.ChannelValues])


def test_secrets_stay_out_of_reprs() -> None:
    push = m.AndroidpushSetting(token="fcm-secret-token", provider="fcm")
    slack = m.SlackSetting(
        access_token="xoxb-secret",
        incoming_webhook=m.SlackIncomingWebhook(url="https://hooks.slack.com/services/secret"),
    )
    teams = m.MsTeamsIncomingWebhook(url="https://example.webhook.office.com/secret")
    for model in (push, slack, teams):
        assert "secret" not in repr(model)
    assert "provider='fcm'" in repr(push)


def test_validate_refuses_a_class_that_is_not_generated() -> None:
    with pytest.raises(TypeError):
        validate({}, dict)


def test_cattrs_is_imported_only_when_something_is_unstructured() -> None:
    # Importing cattrs costs more than the rest of _models; sending seed items never needs it.
    script = (
        "import sys, suprsend_typed; from suprsend_typed._generated import models; "
        "from suprsend_typed._models import unstructure; "
        "before = 'cattrs' in sys.modules; "
        "unstructure([models.MessageUpdate(message_id='m', action='seen')]); "
        "print(before, 'cattrs' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["False", "True"]


@pytest.mark.parametrize("time", [10**400, -(10**400)])
def test_integers_too_big_for_a_float_are_judged_not_crashed_on(time: int) -> None:
    body = {
        "$insert_id": "0" * 36,
        "$time": time,
        "event": "order_placed",
        "env": "workspace",
        "distinct_id": "user-1",
        "properties": {},
    }
    if time > 0:
        validate(body, m.EventPayload)  # no maximum: any integer above the minimum is valid
    else:
        with pytest.raises(ValidationError) as caught:
            validate(body, m.EventPayload)
        assert caught.value.path == "$time"
