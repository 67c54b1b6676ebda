"""Every body the official SDK's JSON schemas accept structures here without loss.

Bodies are drawn from the official schemas themselves (a small Draft-07 reader for the keywords they use),
kept only when ``jsonschema`` accepts them, then must survive ``unstructure(structure(body)) == body``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suprsend_typed._generated import models as m
from suprsend_typed._models import structure, unstructure
from tests.support.budget import examples

from .kind_strategies import extra_keys, json_values

SCHEMAS = Path("/work/shared/reference/official-request-schemas")
_MAX_ITEMS = 3
_EXACT_FLOAT_INTEGERS = 2**53


def _load(name: str) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads((SCHEMAS / name).read_text("utf-8"))
    return loaded


def from_schema(schema: dict[str, Any], root: dict[str, Any]) -> st.SearchStrategy[Any]:
    if "$ref" in schema:
        return from_schema(root["definitions"][schema["$ref"].rsplit("/", 1)[1]], root)
    if "oneOf" in schema:
        return st.one_of([from_schema(option, root) for option in schema["oneOf"]])
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    types = schema.get("type", "object")
    if isinstance(types, list):
        return st.one_of([from_schema({**schema, "type": one}, root) for one in types])
    if types == "string":
        if "pattern" in schema:
            return st.from_regex(schema["pattern"])
        low = schema.get("minLength", 0)
        return st.text(min_size=low, max_size=min(schema.get("maxLength", low + 8), low + 8))
    if types == "integer":
        whole = st.integers(min_value=schema.get("minimum"), max_value=_EXACT_FLOAT_INTEGERS)
        return whole | whole.map(float)  # Draft-07 counts 5.0 as an integer
    if types == "boolean":
        return st.booleans()
    if types == "null":
        return st.none()
    if types == "array":
        low = schema.get("minItems", 0)
        high = min(schema.get("maxItems", low + _MAX_ITEMS), low + _MAX_ITEMS)
        return st.lists(from_schema(schema.get("items", {}), root), min_size=low, max_size=high)
    properties = schema.get("properties")
    if properties is None:
        return st.dictionaries(extra_keys, json_values, min_size=schema.get("minProperties", 0), max_size=3)
    required = set(schema.get("required", []))
    base = st.fixed_dictionaries(
        {key: from_schema(sub, root) for key, sub in properties.items() if key in required},
        optional={key: from_schema(sub, root) for key, sub in properties.items() if key not in required},
    )
    if schema.get("additionalProperties", True) is False:
        return base
    more = st.dictionaries(extra_keys.filter(lambda key: key not in properties), json_values, max_size=2)
    return st.builds(lambda fields, extra: {**fields, **extra}, base, more)


CASES = [
    ("workflow.json", m.LegacyWorkflow),
    ("workflow_trigger.json", m.WorkflowTrigger),
    ("event.json", m.EventPayload),
]


@pytest.mark.parametrize(("schema_file", "cls"), CASES, ids=[case[0] for case in CASES])
@settings(
    max_examples=examples(25),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_bodies_the_official_schema_accepts_structure_without_loss(
    schema_file: str, cls: type[Any], data: st.DataObject
) -> None:
    body = data.draw(_accepted_bodies(schema_file))
    assert unstructure(structure(body, cls)) == body


@functools.cache
def _accepted_bodies(schema_file: str) -> st.SearchStrategy[Any]:
    """Bodies drawn from the schema and kept when ``jsonschema`` accepts them; built once per schema, not on
    every example."""
    schema = _load(schema_file)
    validator = jsonschema.Draft7Validator(schema)
    return from_schema(schema, schema).filter(validator.is_valid)


HAND_WRITTEN = [
    (
        m.LegacyWorkflow,
        "workflow.json",
        {
            "name": "welcome",
            "template": "welcome-tpl",
            "notification_category": "transactional",
            "users": [
                {
                    "distinct_id": "u1",
                    "$email": ["a@example.com", "b@example.com"],
                    "$androidpush": "token-string",
                    "$iospush": [{"token": "t", "provider": "apns", "bundle_id": None}],
                    "$slack": {"incoming_webhook": {"url": "https://hooks.slack.com/services/x"}},
                    "$ms_teams": [{"tenant_id": "t", "service_url": "https://smba.trafficmanager.net/x"}],
                    "$webpush": {"endpoint": "https://push"},
                    "$channels": ["email", "ms_teams"],
                    "plan": "gold",
                }
            ],
            "data": {
                "first_name": "Zoë",
                "$attachments": [
                    {
                        "filename": "a.txt",
                        "contentType": "text/plain",
                        "data": "aGk=",
                        "url": None,
                        "ignore_if_error": False,
                    }
                ],
            },
            "delay": "1d2h",
            "trigger_at": "2021-08-27T20:14:51.643Z",
            "delivery": {
                "smart": True,
                "success": "seen",
                "time_to_live": "1h",
                "mandatory_channels": ["sms"],
            },
            "$idempotency_key": "k" * 255,
            "tenant_id": None,
            "brand_id": "b",
            "custom_top_level": {"kept": True},
        },
    ),
    (
        m.WorkflowTrigger,
        "workflow_trigger.json",
        {
            "workflow": "w",
            "recipients": ["u", {"distinct_id": "x", "$androidpush": {"token": "t", "provider": "xiaomi"}}],
            "actor": {"distinct_id": "a", "is_transient": True},
            "data": {},
            "metadata": {"source": "test"},
            "$idempotency_key": None,
            "cancellation_key": "c",
        },
    ),
]


@pytest.mark.parametrize(("cls", "schema_file", "body"), HAND_WRITTEN, ids=["legacy", "trigger"])
def test_hand_written_full_bodies_round_trip(cls: type[Any], schema_file: str, body: dict[str, Any]) -> None:
    jsonschema.Draft7Validator(_load(schema_file)).validate(body)
    assert unstructure(structure(body, cls)) == body


_EVENT = {
    "$insert_id": "0" * 36,
    "$time": 1700000000000,
    "event": "ordered",
    "env": "e" * 20,
    "distinct_id": "u1",
    "properties": {},
}
_TRIGGER = {"workflow": "w", "recipients": ["u"], "data": {}}


@pytest.mark.parametrize("attachments", ["notalist", None, ["x"], [{"url": 3}], {"url": "u"}, [[]]])
@pytest.mark.parametrize(
    ("schema_file", "cls", "body", "where"),
    [
        ("workflow.json", m.LegacyWorkflow, HAND_WRITTEN[0][2], "data"),
        ("workflow_trigger.json", m.WorkflowTrigger, _TRIGGER, "data"),
        ("event.json", m.EventPayload, _EVENT, "properties"),
    ],
    ids=["legacy", "trigger", "event"],
)
def test_any_attachments_the_official_schemas_accept_are_kept(
    schema_file: str, cls: type[Any], body: dict[str, Any], where: str, attachments: Any
) -> None:
    body = {**body, where: {**body[where], "$attachments": attachments}}
    jsonschema.Draft7Validator(_load(schema_file)).validate(body)
    assert unstructure(structure(body, cls)) == body


@pytest.mark.parametrize(
    ("schema_file", "cls", "body"),
    [
        ("event.json", m.EventPayload, {**_EVENT, "$time": 1700000000000.0}),
        ("workflow.json", m.LegacyWorkflow, {**HAND_WRITTEN[0][2], "delay": 5.0}),
    ],
    ids=["event-time", "legacy-delay"],
)
def test_whole_number_floats_the_official_schemas_accept_are_kept(
    schema_file: str, cls: type[Any], body: dict[str, Any]
) -> None:
    jsonschema.Draft7Validator(_load(schema_file)).validate(body)
    assert unstructure(structure(body, cls)) == body
