"""UserEdit/Subscriber: every helper's operation (vs §4.2 and the official SDK), checks, strict mode, wire."""

from __future__ import annotations

import json
import logging
from typing import Any

import pytest
from support.contexts import FIXED_EPOCH_SECONDS, USER_AGENT, WORKSPACE_KEY, fixed_context
from support.cores import recording_core
from suprsend import UserEdit as OfficialUserEdit

from suprsend_typed._errors import InputValueError, ValidationError
from suprsend_typed._generated.limits import MAX_IDENTITY_EVENT_APPARENT_BYTES
from suprsend_typed._profile import Subscriber, UserEdit

WEBPUSH = {"endpoint": "https://push.example/1", "keys": {"p256dh": "k", "auth": "a"}}
SLACK = {"user_id": "U03XXXXXXXX", "access_token": "xoxb-XXXXXXXXXXXX"}
TEAMS = {"tenant_id": "T", "service_url": "https://smba.trafficmanager.net/x", "conversation_id": "C"}

# (method, args, operation) — the table of fact sheet §4.2.
HELPER_TABLE: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = [
    ("add_email", ("a@example.com",), {"$append": {"$email": "a@example.com"}}),
    ("remove_email", ("a@example.com",), {"$remove": {"$email": "a@example.com"}}),
    ("add_sms", ("+15550001",), {"$append": {"$sms": "+15550001"}}),
    ("remove_sms", ("+15550001",), {"$remove": {"$sms": "+15550001"}}),
    ("add_whatsapp", ("+15550001",), {"$append": {"$whatsapp": "+15550001"}}),
    ("remove_whatsapp", ("+15550001",), {"$remove": {"$whatsapp": "+15550001"}}),
    ("add_androidpush", ("tokA",), {"$append": {"$androidpush": "tokA", "$id_provider": None}}),
    (
        "add_androidpush",
        ("tokX", "xiaomi", "com.app"),
        {"$append": {"$androidpush": "tokX", "$id_provider": "xiaomi", "$bundle_id": "com.app"}},
    ),
    (
        "remove_androidpush",
        ("tokX", "xiaomi", "com.app"),
        {"$remove": {"$androidpush": "tokX", "$id_provider": "xiaomi", "$bundle_id": "com.app"}},
    ),
    (
        "add_iospush",
        ("tokI", None, "com.ios"),
        {"$append": {"$iospush": "tokI", "$id_provider": None, "$bundle_id": "com.ios"}},
    ),
    ("remove_iospush", ("tokI",), {"$remove": {"$iospush": "tokI", "$id_provider": None}}),
    ("add_webpush", (WEBPUSH, "vapid"), {"$append": {"$webpush": WEBPUSH, "$id_provider": "vapid"}}),
    ("remove_webpush", (WEBPUSH,), {"$remove": {"$webpush": WEBPUSH, "$id_provider": None}}),
    ("add_slack", (SLACK,), {"$append": {"$slack": SLACK}}),
    ("remove_slack", (SLACK,), {"$remove": {"$slack": SLACK}}),
    ("add_ms_teams", (TEAMS,), {"$append": {"$ms_teams": TEAMS}}),
    ("remove_ms_teams", (TEAMS,), {"$remove": {"$ms_teams": TEAMS}}),
    ("unset", ("$whatsapp",), {"$unset": ["$whatsapp"]}),
    ("unset", (["$sms", "name"],), {"$unset": ["$sms", "name"]}),
    ("unset", (("$sms", " name "),), {"$unset": ["$sms", "name"]}),
    ("unset", ({"$sms"},), {"$unset": ["$sms"]}),
    ("set_preferred_language", ("en",), {"$set": {"$preferred_language": "en"}}),
    ("set_locale", ("en_GB",), {"$set": {"$locale": "en_GB"}}),
    ("set_timezone", ("America/New_York",), {"$set": {"$timezone": "America/New_York"}}),
    ("set", ("k", "v"), {"$set": {"k": "v"}}),
    ("set", ({"a": 1, "b": [2]},), {"$set": {"a": 1, "b": [2]}}),
    ("set", (" k ", False), {"$set": {"k": False}}),
    ("set_once", ("first_seen", "2026"), {"$set_once": {"first_seen": "2026"}}),
    ("increment", ("logins", 1), {"$add": {"logins": 1}}),
    ("increment", ({"a": 1, "b": -2.5},), {"$add": {"a": 1, "b": -2.5}}),
    ("append", ("tags", "vip"), {"$append": {"tags": "vip"}}),
    ("append", ({"$email": "b@x.io", "tags": "vip"},), {"$append": {"$email": "b@x.io", "tags": "vip"}}),
    (
        "append",
        ({"$androidpush": "tok", "$id_provider": "oppo", "$bundle_id": "com.a"},),
        {"$append": {"$androidpush": "tok", "$id_provider": "oppo", "$bundle_id": "com.a"}},
    ),
    ("append", ("$iospush", "tok"), {"$append": {"$iospush": "tok", "$id_provider": None}}),
    ("remove", ("tags", "vip"), {"$remove": {"tags": "vip"}}),
    (
        "remove",
        ({"$webpush": WEBPUSH, "$id_provider": "vapid"},),
        {"$remove": {"$webpush": WEBPUSH, "$id_provider": "vapid"}},
    ),
]


def builder(*, strict: bool = False, tenant_id: str | None = None) -> UserEdit:
    return UserEdit(recording_core(context=fixed_context(strict=strict)), "user-1", tenant_id)


@pytest.mark.parametrize(("method", "args", "operation"), HELPER_TABLE)
def test_each_helper_emits_the_table_operation_like_the_official_sdk(
    method: str, args: tuple[Any, ...], operation: dict[str, Any]
) -> None:
    ours = builder()
    getattr(ours, method)(*args)
    official = OfficialUserEdit(None, "user-1")
    getattr(official, method)(*args)
    assert list(ours.operations) == [operation] == official.operations


@pytest.mark.parametrize(
    ("method", "args", "kind"),
    [
        ("set", (3,), "errors"),
        ("set", ("k",), "errors"),
        ("append", ("k", None), "errors"),
        ("unset", (3,), "errors"),
        ("set", ({"": 1, 2: 3},), "warnings"),
        ("unset", (["", "  "],), "warnings"),
    ],
)
def test_skipped_arguments_emit_nothing_but_are_reported_and_logged(
    method: str, args: tuple[Any, ...], kind: str, caplog: pytest.LogCaptureFixture
) -> None:
    ours = builder()
    with caplog.at_level(logging.WARNING, logger="suprsend_typed"):
        getattr(ours, method)(*args)
    official = OfficialUserEdit(None, "user-1")
    getattr(official, method)(*args)
    assert ours.operations == () and official.operations == []
    assert getattr(ours, kind) and caplog.records
    assert all(line.startswith(f"[{method}]") for line in getattr(ours, kind))


@pytest.mark.parametrize(
    ("method", "args", "value"),
    [
        ("add_email", ("not-an-email",), "not-an-email"),
        ("add_sms", ("5550001",), "5550001"),
        ("add_whatsapp", ("+12",), "+12"),
        ("add_androidpush", ("tok", "apns"), "apns"),
        ("add_iospush", ("tok", "fcm"), "fcm"),
        ("add_webpush", ({}, None), "{}"),
        ("add_slack", ({},), "{}"),
        ("set_preferred_language", ("english",), "english"),
        ("append", ({"$email": "bad"},), "bad"),
    ],
)
def test_invalid_values_are_sent_and_reported_by_default(
    method: str, args: tuple[Any, ...], value: str, caplog: pytest.LogCaptureFixture
) -> None:
    ours = builder()
    with caplog.at_level(logging.ERROR, logger="suprsend_typed"):
        getattr(ours, method)(*args)
    official = OfficialUserEdit(None, "user-1")
    getattr(official, method)(*args)
    assert list(ours.operations) == official.operations
    assert len(ours.errors) == 1 and value in ours.errors[0]
    assert value in caplog.text


@pytest.mark.parametrize(
    ("method", "args", "value"),
    [
        ("add_email", ("not-an-email",), "not-an-email"),
        ("add_androidpush", ("tok", "apns"), "apns"),
        ("set_preferred_language", ("english",), "english"),
        ("set", ("k",), "k"),
        ("set_email", ("bad",), "bad"),
    ],
)
def test_strict_mode_raises_naming_the_value_and_records_nothing(
    method: str, args: tuple[Any, ...], value: str
) -> None:
    ours = builder(strict=True)
    with pytest.raises(ValidationError) as caught:
        getattr(ours, method)(*args)
    assert value in str(caught.value)
    assert ours.operations == () and ours.errors == ()


@pytest.mark.parametrize(
    ("method", "args", "operation"),
    [
        ("add_androidpush", ("t", "FCM"), {"$append": {"$androidpush": "t", "$id_provider": "FCM"}}),
        ("add_iospush", ("t", "APNs"), {"$append": {"$iospush": "t", "$id_provider": "APNs"}}),
        ("add_webpush", (WEBPUSH, "Vapid"), {"$append": {"$webpush": WEBPUSH, "$id_provider": "Vapid"}}),
    ],
)
def test_provider_case_is_not_judged_and_the_value_is_sent_unchanged(
    method: str, args: tuple[Any, ...], operation: dict[str, Any]
) -> None:
    ours = builder(strict=True)
    getattr(ours, method)(*args)
    assert ours.operations == (operation,)
    assert ours.errors == () and ours.warnings == ()


def test_removals_are_not_judged() -> None:
    ours = builder(strict=True)
    ours.remove_email("legacy-malformed")
    assert ours.operations == ({"$remove": {"$email": "legacy-malformed"}},)


@pytest.mark.parametrize(
    ("method", "key"), [("set_email", "$email"), ("set_sms", "$sms"), ("set_whatsapp", "$whatsapp")]
)
def test_set_channel_replaces_with_two_ordered_operations(method: str, key: str) -> None:
    ours = builder()
    value = "new@example.com" if key == "$email" else "+41446681800"
    getattr(ours, method)(value)
    assert ours.operations == ({"$unset": [key]}, {"$append": {key: value}})
    assert ours.errors == ()


def test_subscriber_is_the_same_builder() -> None:
    assert Subscriber is UserEdit


def test_async_identity_event_has_the_official_shape_and_order() -> None:
    ours = builder(tenant_id="acme")
    ours.add_email("a@example.com")
    ours.set("plan", "pro")
    record = ours._to_wire(fixed_context())
    assert record.text == (
        '{"$schema": "2", "$insert_id": "00000000-0000-4000-8000-000000000001", '
        f'"$time": {int(FIXED_EPOCH_SECONDS * 1000)}, "env": "{WORKSPACE_KEY}", "distinct_id": "user-1", '
        '"$user_operations": [{"$append": {"$email": "a@example.com"}}, {"$set": {"plan": "pro"}}], '
        f'"properties": {{"$ss_sdk_version": "{USER_AGENT}"}}, "tenant_id": "acme"}}'
    )
    assert record.apparent_size == len(record.text.encode())


def test_later_calls_do_not_change_a_built_record() -> None:
    ours = builder()
    ours.set("a", 1)
    record = ours._to_wire(fixed_context())
    ours.set("b", 2)
    assert record.body["$user_operations"] == [{"$set": {"a": 1}}]


def test_oversized_identity_event_is_refused() -> None:
    ours = builder()
    ours.set("blob", "x" * MAX_IDENTITY_EVENT_APPARENT_BYTES)
    with pytest.raises(InputValueError) as caught:
        ours._to_wire(fixed_context())
    assert "User Event size too big - " in str(caught.value)
    assert "Bytes, must not cross 10KB" in str(caught.value)


def test_payload_record_and_save() -> None:
    core = recording_core()
    ours = UserEdit(core, "user-1", "acme")
    ours.set("a", 1)
    ours.set("", 2)
    ours.set(7)  # type: ignore[arg-type]
    assert ours.get_payload() == {"operations": [{"$set": {"a": 1}}]}
    record = ours._record()
    assert record["distinct_id"] == "user-1" and record["tenant_id"] == "acme"
    assert record["$user_operations"] == [{"$set": {"a": 1}}]
    warnings = record["warnings"]
    assert isinstance(warnings, list) and len(warnings) == 2
    assert all(line.startswith("[distinct_id: user-1]") for line in warnings)
    assert ours.save()["success"] is True
    (request,) = core.sent
    assert request.url == core.base_url + "event/"
    assert request.options.operation == "send_identity_events"
    assert json.loads(request.content)["$user_operations"] == [{"$set": {"a": 1}}]


def test_non_string_keys_inside_values_are_sent_as_json_writes_them() -> None:
    ours = builder()
    value: dict[Any, Any] = {1: "x", "inner": {2.0: [True]}}
    ours.set("prefs", value)
    expected = [{"$set": {"prefs": {"1": "x", "inner": {"2.0": [True]}}}}]
    assert ours._to_wire(fixed_context()).body["$user_operations"] == expected
    assert ours.get_payload() == {"operations": expected}
    assert value == {1: "x", "inner": {2.0: [True]}}


def test_a_key_json_cannot_write_inside_a_value_is_a_typed_error_naming_the_path() -> None:
    ours = builder()
    ours.set("prefs", {(1, 2): "x"})
    with pytest.raises(ValidationError) as caught:
        ours._to_wire(fixed_context())
    assert caught.value.path == "$user_operations[0].$set.prefs.(1, 2)"
