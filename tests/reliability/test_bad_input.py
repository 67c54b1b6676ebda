"""Bad input is refused with a typed error before anything is sent, and a bulk sends only its good records.

A transport that records every send stands in for the network: each bad call must leave it untouched.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suprsend_typed._client import Suprsend
from suprsend_typed._errors import ValidationError
from suprsend_typed._event import Event
from suprsend_typed._generated.limits import MAX_BODY_APPARENT_BYTES
from suprsend_typed._generated.models import EventPayload, WorkflowTrigger
from suprsend_typed._http import Headers, Request, Response
from suprsend_typed._models import structure
from suprsend_typed._workflow import Workflow, WorkflowTriggerRequest
from tests.core.fakes import FakeTransport
from tests.support.budget import examples

from .scenarios import WORKSPACE_KEY, WORKSPACE_SECRET

PER_RECORD_PATHS = ("/v2/bulk/event/", "/trigger/")
PROBE_SETTINGS = settings(
    max_examples=examples(40), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def accept_all(request: Request) -> Response:
    """Accepts everything it is sent: per-record results for the bulk paths."""
    body = json.loads(request.content)
    if isinstance(body, list) and request.path_and_query.endswith(PER_RECORD_PATHS):
        answer: Any = {"status": "success", "records": [{"status": "success"} for _ in body]}
        return Response(status_code=207, headers=Headers({"Content-Type": "application/json"}),
                        content=json.dumps(answer).encode())  # fmt: skip
    return Response(status_code=202, content=b'{"message": "OK"}')


def sent_records(transport: FakeTransport) -> list[dict[str, Any]]:
    """Every record sent, bulk bodies flattened."""
    return [item for body in transport.bodies() for item in _as_list(body)]


def _as_list(body: Any) -> list[dict[str, Any]]:
    return body if isinstance(body, list) else [body]


@pytest.fixture
def transport() -> FakeTransport:
    return FakeTransport(answer=accept_all)


@pytest.fixture
def client(transport: FakeTransport) -> Iterator[Suprsend]:
    with Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, "http://127.0.0.1:9/", transport=transport) as made:
        yield made


# --- values that cannot go on the wire ------------------------------------------------------------------

LONE_SURROGATES = st.text(st.characters(categories=["Cs"]), min_size=1, max_size=3)
UNSERIALISABLE = st.one_of(
    st.sampled_from([math.nan, math.inf, -math.inf]),
    st.builds(object),
    st.frozensets(st.integers(), max_size=2),
    st.sets(st.integers(), max_size=2),
    st.binary(max_size=4),
    st.complex_numbers(allow_nan=False, allow_infinity=False),
    st.builds(lambda s, pre, post: pre + s + post, LONE_SURROGATES, st.text(max_size=5), st.text(max_size=5)),
)
KEYS = st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=8)
GOOD_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | st.text(),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(KEYS, children, max_size=3),
    max_leaves=8,
)


@st.composite
def properties_with_one_bad_value(draw: st.DrawFn) -> dict[str, Any]:
    """Good JSON properties with one unserialisable value buried at a random depth (as a value or a key)."""
    bad = draw(UNSERIALISABLE)
    path = draw(st.lists(KEYS, min_size=1, max_size=4))
    if isinstance(bad, str) and draw(st.booleans()):
        nested: Any = {bad: 1}  # a lone surrogate as a key
    else:
        nested = bad if not draw(st.booleans()) else [draw(GOOD_JSON), bad]
    for key in reversed(path):
        nested = {key: nested}
    extra = draw(st.dictionaries(KEYS, GOOD_JSON, max_size=3))
    return {**extra, **nested}


def assert_refused_before_sending(call: Callable[[], object], transport: FakeTransport) -> None:
    with pytest.raises(ValidationError):
        call()
    assert transport.sent == []


@PROBE_SETTINGS
@given(properties=properties_with_one_bad_value())
def test_event_with_an_unserialisable_value_is_refused(
    properties: dict[str, Any], client: Suprsend, transport: FakeTransport
) -> None:
    assert_refused_before_sending(
        lambda: client.track_event(Event("user-1", "order_placed", properties)), transport
    )


@PROBE_SETTINGS
@given(data=properties_with_one_bad_value())
def test_workflow_trigger_with_an_unserialisable_value_is_refused(
    data: dict[str, Any], client: Suprsend, transport: FakeTransport
) -> None:
    seed = WorkflowTriggerRequest({"workflow": "welcome", "recipients": ["user-1"], "data": data})
    assert_refused_before_sending(lambda: client.workflows.trigger(seed), transport)


@PROBE_SETTINGS
@given(data=properties_with_one_bad_value())
def test_legacy_workflow_with_an_unserialisable_value_is_refused(
    data: dict[str, Any], client: Suprsend, transport: FakeTransport
) -> None:
    assert_refused_before_sending(lambda: client.trigger_workflow(legacy_workflow(data)), transport)


@PROBE_SETTINGS
@given(properties=properties_with_one_bad_value())
def test_typed_event_with_an_unserialisable_value_is_refused(
    properties: dict[str, Any], client: Suprsend, transport: FakeTransport
) -> None:
    def call() -> object:
        return client.events.track(structure(event_payload(properties=properties), EventPayload))

    assert_refused_before_sending(call, transport)


def legacy_workflow(data: dict[str, Any]) -> Workflow:
    return Workflow(
        {
            "name": "welcome",
            "template": "welcome-template",
            "notification_category": "transactional",
            "users": [{"distinct_id": "user-1", "$email": ["user-1@example.com"]}],
            "data": data,
        }
    )


def event_payload(**overrides: Any) -> dict[str, Any]:
    return {
        "$insert_id": "00000000-0000-4000-8000-000000000001",
        "$time": 1_767_225_600_000,
        "event": "order_placed",
        "env": WORKSPACE_KEY,
        "distinct_id": "user-1",
        "properties": {},
        **overrides,
    }


# --- wrong types ----------------------------------------------------------------------------------------

NOT_TEXT = st.one_of(
    st.none(),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.lists(st.text(), max_size=2),
    st.binary(max_size=3),
)


@PROBE_SETTINGS
@given(distinct_id=NOT_TEXT, event_name=st.one_of(NOT_TEXT, st.just("order_placed")))
def test_event_fields_of_the_wrong_type_are_refused(
    distinct_id: object, event_name: object, client: Suprsend, transport: FakeTransport
) -> None:
    event = Event(distinct_id, event_name)  # type: ignore[arg-type]
    assert_refused_before_sending(lambda: client.track_event(event), transport)


@PROBE_SETTINGS
@given(field=st.sampled_from(["$insert_id", "$time", "event", "distinct_id", "properties"]), value=NOT_TEXT)
def test_typed_model_fields_of_the_wrong_type_are_refused(
    field: str, value: object, client: Suprsend, transport: FakeTransport
) -> None:
    if field == "$time" and isinstance(value, (int, float)) and not isinstance(value, bool):
        # A number is the right type for $time (whole floats too, as JSON Schema counts them): use its text.
        value = str(value)
    with pytest.raises(ValidationError) as raised:
        structure(event_payload(**{field: value}), EventPayload)
    assert raised.value.path.startswith(field)
    assert transport.sent == []


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.track_event({"distinct_id": "u", "event": "e"}),
        lambda c: c.trigger_workflow(["not", "a", "workflow"]),
        lambda c: c.events.track("order_placed"),
    ],
)
def test_wrong_kind_of_item_is_a_type_error(
    call: Callable[[Suprsend], object], client: Suprsend, transport: FakeTransport
) -> None:
    with pytest.raises(TypeError):
        call(client)
    assert transport.sent == []


@pytest.mark.parametrize("body", [["x"], "text", 42, None])
def test_trigger_body_that_is_not_an_object_is_refused(
    body: object, client: Suprsend, transport: FakeTransport
) -> None:
    assert_refused_before_sending(lambda: client.workflows.trigger(WorkflowTriggerRequest(body)), transport)  # type: ignore[arg-type]


# --- size and depth -------------------------------------------------------------------------------------


def test_huge_strings_are_refused_by_size_on_every_surface(
    client: Suprsend, transport: FakeTransport
) -> None:
    huge = "ü" * (MAX_BODY_APPARENT_BYTES // 2 + 1)  # two UTF-8 bytes each: over the limit in bytes only
    calls = [
        lambda: client.track_event(Event("user-1", "order_placed", {"note": huge})),
        lambda: client.trigger_workflow(legacy_workflow({"note": huge})),
        lambda: client.events.track(structure(event_payload(properties={"note": huge}), EventPayload)),
    ]
    for call in calls:
        assert_refused_before_sending(call, transport)


NESTING_THE_JSON_ENCODER_CANNOT_TAKE = 5_000
NESTING_THAT_IS_FINE = 50


def nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {}
    for _ in range(depth):
        value = {"a": value}
    return value


def test_moderate_nesting_is_sent(client: Suprsend, transport: FakeTransport) -> None:
    result = client.track_event(Event("user-1", "order_placed", {"tree": nested(NESTING_THAT_IS_FINE)}))
    assert result["success"] is True
    assert len(transport.sent) == 1


@pytest.mark.parametrize("surface", ["event", "workflow_trigger", "typed_event"])
def test_absurd_nesting_is_a_validation_error(
    surface: str, client: Suprsend, transport: FakeTransport
) -> None:
    tree = {"tree": nested(NESTING_THE_JSON_ENCODER_CANNOT_TAKE)}
    calls: dict[str, Callable[[], object]] = {
        "event": lambda: client.track_event(Event("user-1", "order_placed", tree)),
        "workflow_trigger": lambda: client.workflows.trigger(
            WorkflowTriggerRequest({"workflow": "w", "recipients": ["u"], "data": tree})
        ),
        "typed_event": lambda: client.events.track(structure(event_payload(properties=tree), EventPayload)),
    }
    assert_refused_before_sending(calls[surface], transport)


# --- reserved keys --------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["$custom", "$Identify_x", "ss_event", "SS_Event", "$"])
def test_reserved_event_names_are_refused(name: str, client: Suprsend, transport: FakeTransport) -> None:
    assert_refused_before_sending(lambda: client.track_event(Event("user-1", name)), transport)


@pytest.mark.parametrize("value", [5, ["k"], {"k": 1}, "k" * 256])
def test_reserved_idempotency_key_of_the_wrong_kind_is_refused(
    value: object, client: Suprsend, transport: FakeTransport
) -> None:
    seed = WorkflowTriggerRequest({"workflow": "w", "recipients": ["u"], "$idempotency_key": value})
    assert_refused_before_sending(lambda: client.workflows.trigger(seed), transport)
    typed = {"workflow": "w", "recipients": ["u"], "data": {}, "$idempotency_key": value}
    assert_refused_before_sending(lambda: structure(typed, WorkflowTrigger), transport)


def test_two_different_idempotency_keys_for_one_trigger_are_refused(
    client: Suprsend, transport: FakeTransport
) -> None:
    seed = WorkflowTriggerRequest(
        {"workflow": "w", "recipients": ["u"], "$idempotency_key": "from-body"},
        idempotency_key="from-argument",
    )
    assert_refused_before_sending(lambda: client.workflows.trigger(seed), transport)


# --- bulk: good records go, bad ones are reported -------------------------------------------------------

GOOD_EVENT = st.builds(
    lambda n, props: Event(f"user-{n}", "order_placed", {**props, "n": n}),
    st.integers(0, 10**6),
    st.dictionaries(KEYS, GOOD_JSON, max_size=2),
)
BAD_EVENT = st.one_of(
    st.builds(lambda p: Event("user-bad", "order_placed", p), properties_with_one_bad_value()),
    st.builds(lambda d: Event(d, "order_placed"), NOT_TEXT),  # type: ignore[arg-type]
    st.just(Event("user-bad", "$reserved")),
    st.just(Event("user-bad", "order_placed", {"note": "x" * (MAX_BODY_APPARENT_BYTES + 1)})),
)


@settings(
    max_examples=examples(25), deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(items=st.lists(st.tuples(st.booleans(), GOOD_EVENT, BAD_EVENT), min_size=1, max_size=30))
def test_bulk_sends_every_good_record_and_reports_every_bad_one(
    items: list[tuple[bool, Event, Event]], client: Suprsend, transport: FakeTransport
) -> None:
    transport.sent.clear()
    chosen = [good if is_good else bad for is_good, good, bad in items]
    good_ns = [good.properties["n"] for is_good, good, _ in items if is_good]  # type: ignore[index]
    bad_count = len(chosen) - len(good_ns)

    bulk = client.bulk_events.new_instance()
    bulk.append(*chosen)
    result = bulk.trigger()

    assert [body["properties"]["n"] for body in sent_records(transport)] == good_ns
    assert (result.total, result.success, result.failure) == (len(chosen), len(good_ns), bad_count)
    assert all(failed["code"] == 400 and failed["error"] for failed in result.failed_records)
