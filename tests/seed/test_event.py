"""Event: exact wire body and key order, reserved names, validation messages, size limit, attachments."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from support.contexts import FIXED_EPOCH_SECONDS, USER_AGENT, WORKSPACE_KEY, fixed_context

from suprsend_typed._errors import InputValueError, ValidationError
from suprsend_typed._event import Event
from suprsend_typed._generated.limits import MAX_BODY_APPARENT_BYTES


def test_wire_body_has_the_official_keys_in_order() -> None:
    event = Event(" user-1 ", " order_placed ", {"amount": 10}, "idem", "acme", "brand")
    record = event._to_wire(fixed_context())
    assert record.text == (
        '{"$insert_id": "00000000-0000-4000-8000-000000000001", '
        f'"$time": {int(FIXED_EPOCH_SECONDS * 1000)}, "event": "order_placed", "env": "{WORKSPACE_KEY}", '
        f'"distinct_id": "user-1", "properties": {{"amount": 10, "$ss_sdk_version": "{USER_AGENT}"}}, '
        '"$idempotency_key": "idem", "tenant_id": "acme", "brand_id": "brand"}'
    )
    assert record.apparent_size == len(record.text.encode())


def test_a_caller_value_for_the_sdk_version_property_is_refused_not_overwritten() -> None:
    properties = {"amount": 10, "$ss_sdk_version": "mine"}
    with pytest.raises(InputValueError, match=r"properties\.\$ss_sdk_version is reserved"):
        Event("user-1", "order_placed", properties)._to_wire(fixed_context())
    assert properties == {"amount": 10, "$ss_sdk_version": "mine"}


def test_optional_keys_only_when_truthy_and_properties_default_to_empty() -> None:
    body = Event("u", "signed_up", None, "", None, "")._to_wire(fixed_context()).body
    assert list(body) == ["$insert_id", "$time", "event", "env", "distinct_id", "properties"]
    assert body["properties"] == {"$ss_sdk_version": USER_AGENT}


def test_insert_id_and_time_are_fixed_when_the_record_is_built() -> None:
    context = fixed_context()
    event = Event("u", "signed_up")
    first, second = event._to_wire(context), event._to_wire(context)
    assert first.body["$insert_id"] != second.body["$insert_id"]
    assert first.text.count(str(first.body["$insert_id"])) == 1


@pytest.mark.parametrize(
    "name",
    [
        "$identify",
        "$notification_delivered",
        "$notification_dismiss",
        "$notification_clicked",
        "$app_launched",
        "$user_login",
        "$user_logout",
    ],
)
def test_reserved_system_event_names_are_allowed(name: str) -> None:
    assert Event("u", name)._to_wire(fixed_context()).body["event"] == name


@pytest.mark.parametrize("name", ["$custom", "ss_signup", "SS_signup", "Ss_x", "$IDENTIFY"])
def test_other_reserved_prefixes_are_refused(name: str) -> None:
    with pytest.raises(
        InputValueError, match=r"event_names starting with \[\$,ss_\] are reserved by SuprSend"
    ):
        Event("u", name)._to_wire(fixed_context())


@pytest.mark.parametrize(
    ("distinct_id", "event_name", "properties", "message"),
    [
        (42, "ev", None, "distinct_id must be a string"),
        ("  ", "ev", None, "distinct_id missing"),
        ("u", None, None, "event_name must be a string"),
        ("u", "   ", None, "event_name missing"),
        ("u", "ev", ["x"], "properties must be a dictionary"),
    ],
)
def test_invalid_fields_raise_the_official_messages(
    distinct_id: Any, event_name: Any, properties: Any, message: str
) -> None:
    with pytest.raises(InputValueError, match=message):
        Event(distinct_id, event_name, properties)._to_wire(fixed_context())


@pytest.mark.parametrize(
    ("kwargs", "path_part"),
    [
        ({"event_name": "x"}, "event"),
        ({"idempotency_key": "k" * 256}, "$idempotency_key"),
        ({"tenant_id": "t" * 65}, "tenant_id"),
        ({"brand_id": "b" * 65}, "brand_id"),
    ],
)
def test_schema_limits_are_typed_errors_with_paths(kwargs: dict[str, Any], path_part: str) -> None:
    arguments = {"distinct_id": "u", "event_name": "ev", **kwargs}
    with pytest.raises(ValidationError) as caught:
        Event(**arguments)._to_wire(fixed_context())
    assert path_part in caught.value.path or path_part in str(caught.value)


def test_oversized_event_is_refused_with_the_official_message() -> None:
    with pytest.raises(InputValueError) as caught:
        Event("u", "ev", {"blob": "x" * MAX_BODY_APPARENT_BYTES})._to_wire(fixed_context())
    assert "Event size too big - " in str(caught.value)
    assert "Bytes, must not cross 800KB" in str(caught.value)


def test_attachments_go_into_properties_without_touching_the_callers_dict() -> None:
    properties = {"$attachments": [{"url": "https://x.example/old.pdf"}], "n": 1}
    snapshot = copy.deepcopy(properties)
    event = Event("u", "ev", properties)
    event.add_attachment("https://x.example/new.pdf", "new.pdf", True)
    body = event._to_wire(fixed_context()).body
    assert properties == snapshot
    assert body["properties"] == {
        "$attachments": [
            {"url": "https://x.example/old.pdf"},
            {
                "filename": "new.pdf",
                "contentType": None,
                "data": None,
                "url": "https://x.example/new.pdf",
                "ignore_if_error": True,
            },
        ],
        "n": 1,
        "$ss_sdk_version": USER_AGENT,
    }


def test_attachment_on_non_dict_properties_is_refused() -> None:
    with pytest.raises(InputValueError, match="properties must be a dictionary"):
        Event("u", "ev", ["x"]).add_attachment("https://x.example/a.pdf")  # type: ignore[arg-type]


def test_record_is_the_official_as_json_shape() -> None:
    event = Event("u", "ev", {"a": 1}, idempotency_key="k", brand_id="b")
    assert event._record() == {
        "event": "ev",
        "distinct_id": "u",
        "properties": {"a": 1},
        "$idempotency_key": "k",
        "brand_id": "b",
    }


def test_non_string_keys_are_sent_as_json_writes_them_without_changing_the_callers_dict() -> None:
    properties: dict[Any, Any] = {1: "x", "nested": [{2.5: None, True: {None: 0}}]}
    original = copy.deepcopy(properties)
    record = Event("u", "ev", properties)._to_wire(fixed_context())
    sent = record.body["properties"]
    assert sent == {
        "1": "x",
        "nested": [{"2.5": None, "true": {"null": 0}}],
        "$ss_sdk_version": USER_AGENT,
    }
    assert '"properties": {"1": "x", "nested": [{"2.5": null, "true": {"null": 0}}]' in record.text
    assert properties == original


def test_a_key_json_cannot_write_is_a_typed_error_naming_the_path() -> None:
    with pytest.raises(ValidationError) as caught:
        Event("u", "ev", {"cart": [{("sku", 1): 2}]})._to_wire(fixed_context())
    assert caught.value.path == "properties.cart[0].('sku', 1)"
    assert "got tuple" in caught.value.reason


def test_an_event_exactly_at_the_size_limit_is_accepted_and_one_byte_more_is_refused() -> None:
    def event_of(blob_length: int) -> Event:
        return Event("u1", "order_placed", {"blob": "x" * blob_length})

    room = MAX_BODY_APPARENT_BYTES - event_of(0)._to_wire(fixed_context()).apparent_size
    at_limit = event_of(room)._to_wire(fixed_context())
    assert at_limit.apparent_size == MAX_BODY_APPARENT_BYTES
    with pytest.raises(InputValueError, match="Event size"):
        event_of(room + 1)._to_wire(fixed_context())
