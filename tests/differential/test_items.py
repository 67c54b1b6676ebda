"""Item-level differential tests: our seed items' wire JSON against the official SDK's, byte for byte.

No HTTP here: the official SDK's own body builders (``get_final_json``, ``get_async_payload``) are the oracle.
Inputs the official SDK refuses must be refused by ours too, with the matching error family.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import suprsend
from hypothesis import given, settings
from hypothesis import strategies as st
from support import strategies as s
from support.contexts import USER_AGENT, WORKSPACE_KEY, WORKSPACE_SECRET, fixed_context
from support.cores import recording_core
from suprsend.exception import InputValueError as OfficialInputValueError
from suprsend.exception import SuprsendValidationError as OfficialValidationError

from suprsend_typed._errors import InputValueError, ValidationError
from suprsend_typed._event import Event
from suprsend_typed._generated.limits import MAX_BODY_APPARENT_BYTES
from suprsend_typed._profile import UserEdit
from suprsend_typed._workflow import Workflow, WorkflowTriggerRequest
from tests.support.budget import examples

EXAMPLES = examples(40)
# Never contacted: the official client is only asked to build bodies.
OFFICIAL = suprsend.Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url="http://127.0.0.1:9/")


def official_outcome(build: Callable[[], Any]) -> tuple[str, Any]:
    try:
        return "ok", build()
    except OfficialInputValueError as exc:
        return "input", exc
    except OfficialValidationError as exc:
        return "schema", exc


def assert_same_refusal(kind: str, build_ours: Callable[[], Any]) -> None:
    expected = InputValueError if kind == "input" else ValidationError
    try:
        build_ours()
    except expected:
        return
    raise AssertionError(f"official SDK refused this input ({kind}), ours accepted it")


def dumped(body: Any) -> str:
    return json.dumps(body, ensure_ascii=False)


@settings(max_examples=EXAMPLES, deadline=None)
@given(body=s.legacy_workflow_bodies, idem=s.idempotency_keys, tenant=s.tenant_ids, brand=s.tenant_ids)
def test_legacy_workflow_matches_official(body: dict[str, Any], idem: Any, tenant: Any, brand: Any) -> None:
    kind, result = official_outcome(
        lambda: suprsend.Workflow(copy.deepcopy(body), idem, tenant, brand).get_final_json(OFFICIAL)
    )
    ours = Workflow(body, idem, tenant, brand)
    context = fixed_context(auto_idempotency_key=False)
    if kind != "ok":
        assert_same_refusal(kind, lambda: ours._to_wire(context))
        return
    official_body, official_size = result
    record = ours._to_wire(context)
    assert record.text == dumped(official_body)
    assert record.apparent_size == official_size
    # Our automatic idempotency key is sent but, as it is absent from the official body, not measured.
    assert ours._to_wire(fixed_context()).apparent_size == official_size


@settings(max_examples=EXAMPLES, deadline=None)
@given(body=s.trigger_bodies, idem=s.idempotency_keys, tenant=s.tenant_ids, cancel=s.idempotency_keys)
def test_workflow_trigger_matches_official(body: dict[str, Any], idem: Any, tenant: Any, cancel: Any) -> None:
    kind, result = official_outcome(
        lambda: suprsend.WorkflowTriggerRequest(copy.deepcopy(body), idem, tenant, cancel).get_final_json(
            OFFICIAL
        )
    )
    ours = WorkflowTriggerRequest(body, idem, tenant, cancel)
    context = fixed_context(auto_idempotency_key=False)
    if kind != "ok":
        assert_same_refusal(kind, lambda: ours._to_wire(context))
        return
    official_body, official_size = result
    record = ours._to_wire(context)
    assert record.text == dumped(official_body)
    assert record.apparent_size == official_size
    # Our automatic idempotency key is sent but, as it is absent from the official body, not measured.
    assert ours._to_wire(fixed_context()).apparent_size == official_size


@settings(max_examples=EXAMPLES, deadline=None)
@given(
    distinct_id=s.distinct_ids,
    name=s.event_names,
    properties=s.event_properties,
    idem=s.idempotency_keys,
    tenant=s.tenant_ids,
    brand=s.tenant_ids,
)
def test_event_matches_official(
    distinct_id: Any, name: Any, properties: Any, idem: Any, tenant: Any, brand: Any
) -> None:
    kind, result = official_outcome(
        lambda: suprsend.Event(
            distinct_id, name, copy.deepcopy(properties), idem, tenant, brand
        ).get_final_json(OFFICIAL)
    )
    ours = Event(distinct_id, name, properties, idem, tenant, brand)
    context = fixed_context()
    if kind != "ok":
        assert_same_refusal(kind, lambda: ours._to_wire(context))
        return
    official_body, _ = result
    record = ours._to_wire(context)
    # Align the values that differ by design (fresh ids, clock, SDK name) and compare the exact text.
    official_body["$insert_id"] = record.body["$insert_id"]
    official_body["$time"] = record.body["$time"]
    official_body["properties"]["$ss_sdk_version"] = USER_AGENT
    assert record.text == dumped(official_body)


def test_a_trigger_the_official_sdk_takes_at_the_size_limit_is_taken_with_our_automatic_key() -> None:
    def body(blob_length: int) -> dict[str, Any]:
        return {"workflow": "welcome", "recipients": ["user-1"], "data": {"blob": "x" * blob_length}}

    _, empty_size = suprsend.WorkflowTriggerRequest(body(0)).get_final_json(OFFICIAL)
    room = suprsend.constants.BODY_MAX_APPARENT_SIZE_IN_BYTES - empty_size
    _, official_size = suprsend.WorkflowTriggerRequest(body(room)).get_final_json(OFFICIAL)
    record = WorkflowTriggerRequest(body(room))._to_wire(fixed_context())
    assert record.apparent_size == official_size == MAX_BODY_APPARENT_BYTES
    assert "$idempotency_key" in record.body
    kind, _ = official_outcome(
        lambda: suprsend.WorkflowTriggerRequest(body(room + 1)).get_final_json(OFFICIAL)
    )
    assert kind == "input"
    assert_same_refusal(kind, lambda: WorkflowTriggerRequest(body(room + 1))._to_wire(fixed_context()))


def apply_calls(target: Any, calls: list[tuple[str, tuple[Any, ...]]]) -> None:
    for name, args in calls:
        getattr(target, name)(*copy.deepcopy(args))


@settings(max_examples=EXAMPLES, deadline=None)
@given(calls=s.profile_call_lists, tenant=st.none() | st.sampled_from(["acme", ""]))
def test_profile_operations_match_official(calls: list[tuple[str, tuple[Any, ...]]], tenant: Any) -> None:
    official = suprsend.UserEdit(OFFICIAL, "user-1", tenant)
    apply_calls(official, calls)
    ours = UserEdit(recording_core(), "user-1", tenant)
    apply_calls(ours, calls)
    assert list(ours.operations) == official.operations
    # Ours gives the keys as the wire has them ({1: x} as {"1": x}), which is what the official JSON says.
    assert ours.get_payload() == json.loads(dumped(official.get_payload()))
    # Keys the official SDK skips show up in both builders' warnings.
    assert bool(ours.warnings) == bool(official.warnings)
    if official.errors:
        assert ours.errors

    # Align the values that differ by design with what a fresh fixed context gives our builder.
    context = fixed_context()
    payload = official.get_async_payload()
    payload["$insert_id"] = fixed_context().new_id()
    payload["$time"] = context.now_ms()
    payload["properties"]["$ss_sdk_version"] = USER_AGENT
    text = dumped(payload)
    if len(text.encode()) > suprsend.constants.IDENTITY_SINGLE_EVENT_MAX_APPARENT_SIZE_IN_BYTES:
        assert_same_refusal("input", lambda: ours._to_wire(context))
        return
    assert ours._to_wire(context).text == text
