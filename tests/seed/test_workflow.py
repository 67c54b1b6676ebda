"""Workflow and WorkflowTriggerRequest: wire shape and key order, no caller mutation, auto keys, errors."""

from __future__ import annotations

import collections
import copy
import json
from pathlib import Path
from typing import Any

import pytest
from support.contexts import fixed_context

from suprsend_typed._errors import InputValueError, ValidationError
from suprsend_typed._generated.limits import MAX_BODY_APPARENT_BYTES, WORKFLOW_RUNTIME_BYTES
from suprsend_typed._generated.models import LegacyWorkflow, WorkflowTrigger
from suprsend_typed._models import structure
from suprsend_typed._workflow import Workflow, WorkflowTriggerRequest


def legacy_body() -> dict[str, Any]:
    return {
        "name": "welcome",
        "template": "welcome-tpl",
        "notification_category": "transactional",
        "users": [{"distinct_id": "user-1", "$email": ["ann@example.com"]}],
    }


def trigger_body() -> dict[str, Any]:
    return {"workflow": "welcome", "recipients": ["user-1"]}


def test_legacy_keys_are_added_in_the_official_order() -> None:
    record = Workflow(legacy_body(), idempotency_key="idem-1", tenant_id="acme", brand_id="b1")._to_wire(
        fixed_context()
    )
    assert list(record.body) == [
        "name",
        "template",
        "notification_category",
        "users",
        "$idempotency_key",
        "tenant_id",
        "brand_id",
        "data",
    ]
    assert record.body["data"] == {}
    assert record.text == json.dumps(record.body, ensure_ascii=False)


def test_trigger_wire_matches_the_fact_sheet_example() -> None:
    request = WorkflowTriggerRequest(
        trigger_body(), idempotency_key="idem-1", tenant_id="acme", cancellation_key="ck"
    )
    record = request._to_wire(fixed_context())
    assert record.text == (
        '{"workflow": "welcome", "recipients": ["user-1"], "$idempotency_key": "idem-1", '
        '"tenant_id": "acme", "cancellation_key": "ck", "data": {}}'
    )


def test_apparent_size_includes_the_runtime_bytes() -> None:
    record = WorkflowTriggerRequest(trigger_body())._to_wire(fixed_context(auto_idempotency_key=False))
    assert record.apparent_size == len(record.text.encode()) + WORKFLOW_RUNTIME_BYTES


def test_non_ascii_is_sent_raw() -> None:
    body = {**legacy_body(), "data": {"first_name": "Zoë"}}
    assert '"Zoë"' in Workflow(body)._to_wire(fixed_context()).text


@pytest.mark.parametrize("kind", [Workflow, WorkflowTriggerRequest])
def test_caller_body_is_never_mutated(
    kind: type[Workflow] | type[WorkflowTriggerRequest], tmp_path: Path
) -> None:
    body = legacy_body() if kind is Workflow else trigger_body()
    body["data"] = {"$attachments": [{"url": "https://x.example/a.pdf"}], "n": 1}
    snapshot = copy.deepcopy(body)
    attached = tmp_path / "a.txt"
    attached.write_text("hi")
    item = kind(body, idempotency_key="k", tenant_id="t")
    item.add_attachment(str(attached))
    item.add_attachment("https://x.example/b.pdf")
    record = item._to_wire(fixed_context())
    assert body == snapshot
    attachments = record.body["data"]["$attachments"]  # type: ignore[index]
    assert [a["url"] for a in attachments] == ["https://x.example/a.pdf", None, "https://x.example/b.pdf"]


def test_attachment_creates_data_before_the_added_keys() -> None:
    item = Workflow(legacy_body(), idempotency_key="k")
    item.add_attachment("https://x.example/a.pdf", "a.pdf")
    body = item._to_wire(fixed_context()).body
    assert list(body)[-2:] == ["data", "$idempotency_key"]
    assert body["data"] == {
        "$attachments": [
            {
                "filename": "a.pdf",
                "contentType": None,
                "data": None,
                "url": "https://x.example/a.pdf",
                "ignore_if_error": False,
            }
        ]
    }


def test_add_attachment_to_non_dict_data_is_refused() -> None:
    item = Workflow({**legacy_body(), "data": ["x"]})
    with pytest.raises(InputValueError, match="data must be a dictionary"):
        item.add_attachment("https://x.example/a.pdf")


def test_auto_idempotency_key_is_added_once_and_fixed_in_the_record() -> None:
    context = fixed_context()
    record = WorkflowTriggerRequest(trigger_body())._to_wire(context)
    key = record.body["$idempotency_key"]
    assert key == "00000000-0000-4000-8000-000000000001"
    assert json.loads(record.text)["$idempotency_key"] == key
    assert list(record.body) == ["workflow", "recipients", "$idempotency_key", "data"]


@pytest.mark.parametrize(
    ("body_key", "argument", "expected"),
    [(None, "given", "given"), ("in-body", None, "in-body"), ("same", "same", "same")],
)
def test_auto_key_never_replaces_a_callers_key(
    body_key: str | None, argument: str | None, expected: str
) -> None:
    body = trigger_body()
    if body_key:
        body["$idempotency_key"] = body_key
    record = WorkflowTriggerRequest(body, idempotency_key=argument)._to_wire(fixed_context())
    assert record.body["$idempotency_key"] == expected


@pytest.mark.parametrize(
    ("kind", "key", "argument"),
    [
        (WorkflowTriggerRequest, "$idempotency_key", {"idempotency_key": "from-argument"}),
        (WorkflowTriggerRequest, "tenant_id", {"tenant_id": "from-argument"}),
        (WorkflowTriggerRequest, "cancellation_key", {"cancellation_key": "from-argument"}),
        (Workflow, "brand_id", {"brand_id": "from-argument"}),
    ],
)
def test_two_different_values_for_one_key_are_refused(
    kind: type[Workflow] | type[WorkflowTriggerRequest], key: str, argument: dict[str, str]
) -> None:
    body = {**(legacy_body() if kind is Workflow else trigger_body()), key: "from-body"}
    with pytest.raises(InputValueError) as caught:
        kind(body, **argument)._to_wire(fixed_context())
    assert key in caught.value.reason and "from-body" in caught.value.reason


def test_auto_key_off_adds_nothing() -> None:
    record = Workflow(legacy_body())._to_wire(fixed_context(auto_idempotency_key=False))
    assert "$idempotency_key" not in record.body


@pytest.mark.parametrize("kind", [Workflow, WorkflowTriggerRequest])
def test_data_that_is_not_a_dict_is_refused(kind: type[Workflow] | type[WorkflowTriggerRequest]) -> None:
    body = {**(legacy_body() if kind is Workflow else trigger_body()), "data": "text"}
    with pytest.raises(InputValueError) as caught:
        kind(body)._to_wire(fixed_context())
    assert caught.value.reason == "data must be a dictionary"


def test_null_data_becomes_an_empty_dict_in_place() -> None:
    body = {"workflow": "w", "data": None, "recipients": ["u"]}
    record = WorkflowTriggerRequest(body)._to_wire(fixed_context(auto_idempotency_key=False))
    assert list(record.body) == ["workflow", "data", "recipients"]
    assert body["data"] is None


@pytest.mark.parametrize("body", [None, "text", ["list"], 3])
def test_a_body_that_is_not_a_dict_is_refused_at_construction(body: object) -> None:
    with pytest.raises(InputValueError, match="body must be a json/dictionary"):
        Workflow(body)  # type: ignore[arg-type]
    with pytest.raises(InputValueError, match="body must be a json/dictionary"):
        WorkflowTriggerRequest(body)  # type: ignore[arg-type]


def test_trigger_refuses_unknown_top_level_keys_but_legacy_keeps_them() -> None:
    with pytest.raises(ValidationError) as caught:
        WorkflowTriggerRequest({**trigger_body(), "brand_id": "b"})._to_wire(fixed_context())
    assert "brand_id" in str(caught.value)
    legacy = Workflow({**legacy_body(), "custom": {"a": 1}})._to_wire(fixed_context())
    assert legacy.body["custom"] == {"a": 1}


@pytest.mark.parametrize(
    ("body", "path_part"),
    [
        ({"workflow": "w"}, "recipients"),
        ({"workflow": "w", "recipients": []}, "recipients"),
        ({"workflow": "", "recipients": ["u"]}, "workflow"),
        (
            {"workflow": "w", "recipients": [{"$androidpush": {"token": "t", "provider": "nope"}}]},
            "recipients[0]",
        ),
    ],
)
def test_trigger_schema_errors_name_the_path(body: dict[str, Any], path_part: str) -> None:
    with pytest.raises(ValidationError) as caught:
        WorkflowTriggerRequest(body)._to_wire(fixed_context())
    assert path_part in caught.value.path or path_part in str(caught.value)


@pytest.mark.parametrize(
    ("change", "path_part"),
    [
        ({"users": []}, "users"),
        ({"name": "x"}, "name"),
        ({"delay": -1}, "delay"),
        ({"delivery": {"smart": True, "unknown": 1}}, "delivery"),
        ({"tenant_id": "t" * 65}, "tenant_id"),
    ],
)
def test_legacy_schema_errors_name_the_path(change: dict[str, Any], path_part: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Workflow({**legacy_body(), **change})._to_wire(fixed_context())
    assert path_part in caught.value.path or path_part in str(caught.value)


def test_oversized_body_is_refused_with_the_official_message() -> None:
    filler = "x" * MAX_BODY_APPARENT_BYTES
    with pytest.raises(InputValueError) as caught:
        WorkflowTriggerRequest({**trigger_body(), "data": {"blob": filler}})._to_wire(fixed_context())
    message = str(caught.value)
    assert "workflow body too big - " in message and "Bytes, must not cross 800KB" in message


def test_body_exactly_at_the_limit_passes() -> None:
    base = WorkflowTriggerRequest({**trigger_body(), "data": {"blob": ""}})
    context = fixed_context(auto_idempotency_key=False)
    room = MAX_BODY_APPARENT_BYTES - base._to_wire(context).apparent_size
    at_limit = WorkflowTriggerRequest({**trigger_body(), "data": {"blob": "x" * room}})._to_wire(context)
    assert at_limit.apparent_size == MAX_BODY_APPARENT_BYTES
    with pytest.raises(InputValueError):
        WorkflowTriggerRequest({**trigger_body(), "data": {"blob": "x" * (room + 1)}})._to_wire(context)


@pytest.mark.parametrize("kind", [Workflow, WorkflowTriggerRequest])
def test_the_automatic_key_is_sent_but_not_counted_against_the_limit(
    kind: type[Workflow] | type[WorkflowTriggerRequest],
) -> None:
    def with_blob(length: int) -> Workflow | WorkflowTriggerRequest:
        body = legacy_body() if kind is Workflow else trigger_body()
        return kind({**body, "data": {"blob": "x" * length}})

    room = (
        MAX_BODY_APPARENT_BYTES
        - with_blob(0)._to_wire(fixed_context(auto_idempotency_key=False)).apparent_size
    )
    at_limit = with_blob(room)._to_wire(fixed_context())
    assert at_limit.body["$idempotency_key"] == "00000000-0000-4000-8000-000000000001"
    assert at_limit.apparent_size == MAX_BODY_APPARENT_BYTES
    assert len(at_limit.text.encode()) + WORKFLOW_RUNTIME_BYTES > MAX_BODY_APPARENT_BYTES
    with pytest.raises(InputValueError, match="must not cross 800KB"):
        with_blob(room + 1)._to_wire(fixed_context())


@pytest.mark.parametrize(
    ("data", "sent"),
    [
        ({1: "x"}, {"1": "x"}),
        ({"n": [{2.5: True, None: 1, False: 0}]}, {"n": [{"2.5": True, "null": 1, "false": 0}]}),
        ({"deep": {"er": {-3: {}}}}, {"deep": {"er": {"-3": {}}}}),
        # Inside containers the first read-only pass steps over: a dict subclass and a tuple.
        ({"sub": collections.OrderedDict({4: "x"})}, {"sub": {"4": "x"}}),
        ({"t": ("a", {5: 1})}, {"t": ["a", {"5": 1}]}),
    ],
)
def test_keys_are_sent_as_json_writes_them_without_changing_the_callers_dict(
    data: dict[Any, Any], sent: dict[str, Any]
) -> None:
    original = copy.deepcopy(data)
    for item in (
        Workflow({**legacy_body(), "data": data}),
        WorkflowTriggerRequest({**trigger_body(), "data": data}),
    ):
        record = item._to_wire(fixed_context())
        assert record.body["data"] == sent
        assert json.loads(record.text)["data"] == sent
    assert data == original
    assert list(data) == list(original)


@pytest.mark.parametrize(
    ("data", "path", "reason"),
    [
        ({"a": [{(1, 2): "x"}]}, "data.a[0].(1, 2)", "got tuple"),
        ({"a": {frozenset(): 1}}, "data.a.frozenset()", "got frozenset"),
        ({1: "int", "1": "text"}, "data.1", "two keys are written as '1'"),
    ],
)
def test_keys_json_cannot_write_apart_are_refused_naming_the_path(
    data: dict[Any, Any], path: str, reason: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        WorkflowTriggerRequest({**trigger_body(), "data": data})._to_wire(fixed_context())
    assert caught.value.path == path
    assert reason in caught.value.reason


def test_record_is_the_official_as_json_shape_with_cancellation_key() -> None:
    request = WorkflowTriggerRequest(
        trigger_body(), idempotency_key="k", tenant_id="t", cancellation_key="ck"
    )
    assert request._record() == {
        **trigger_body(),
        "$idempotency_key": "k",
        "tenant_id": "t",
        "cancellation_key": "ck",
    }
    legacy = Workflow(legacy_body(), brand_id="b")
    assert legacy._record() == {**legacy_body(), "brand_id": "b"}


def test_generated_models_are_accepted_as_bodies() -> None:
    legacy_model = structure({**legacy_body(), "data": {"k": 1}}, LegacyWorkflow)
    trigger_model = structure({**trigger_body(), "data": {}}, WorkflowTrigger)
    assert Workflow(legacy_model)._to_wire(fixed_context(auto_idempotency_key=False)).body == {
        **legacy_body(),
        "data": {"k": 1},
    }
    assert WorkflowTriggerRequest(trigger_model)._to_wire(fixed_context(auto_idempotency_key=False)).body == {
        **trigger_body(),
        "data": {},
    }
    with pytest.raises(InputValueError):
        WorkflowTriggerRequest(legacy_model)  # type: ignore[arg-type]


def test_lone_surrogate_is_a_typed_error_before_sending() -> None:
    with pytest.raises(ValidationError):
        WorkflowTriggerRequest({**trigger_body(), "data": {"bad": "\ud800"}})._to_wire(fixed_context())
