"""Generated models share ``_rt.model_repr``/``model_eq``/``model_hash`` rather than methods attrs compiles
per class: they behave as attrs' own would."""

from __future__ import annotations

import functools
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suprsend_typed._generated import endpoints
from suprsend_typed._generated import models as m
from suprsend_typed._models import structure, unstructure
from tests.support.budget import examples

from .kind_strategies import wire_objects
from .test_round_trips import ALL_MODELS


@functools.cache
def _attrs_twin_class(cls: type[Any]) -> type[Any]:
    """A class attrs makes with the same fields (the same hidden), all methods its own; one per class."""
    # Each init argument under the field's own name: a response model's ``_absent`` too.
    fields = {field.name: attrs.field(repr=field.repr, alias=field.name) for field in attrs.fields(cls)}
    return attrs.make_class(cls.__name__, fields, kw_only=True, slots=True, frozen=True)


def _attrs_twin(model: Any) -> Any:
    twin = _attrs_twin_class(type(model))
    return twin(**{field.name: getattr(model, field.name) for field in attrs.fields(twin)})


def _attrs_repr(model: Any) -> str:
    return repr(_attrs_twin(model))


def _hashes_as_attrs_does(model: Any) -> bool:
    """Whether hashing the model succeeds or fails exactly when hashing its attrs twin does."""
    outcomes = []
    for value in (model, _attrs_twin(model)):
        try:
            hash(value)
            outcomes.append("hashable")
        except TypeError as exc:
            outcomes.append(str(exc))
    return outcomes[0] == outcomes[1]


@pytest.mark.parametrize("cls", ALL_MODELS, ids=lambda cls: cls.__name__)
@settings(max_examples=examples(8), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_reprs_are_what_attrs_would_write(cls: type[Any], data: st.DataObject) -> None:
    wire = data.draw(wire_objects(cls))
    model = structure(wire, cls)
    if cls._shape.lenient:
        # What only the hub sends prints as the official SDK's answer dict.
        assert repr(model) == repr(model.to_dict())
    else:
        assert repr(model) == _attrs_repr(model)
    assert _hashes_as_attrs_does(model)


@pytest.mark.parametrize("cls", ALL_MODELS, ids=lambda cls: cls.__name__)
@settings(
    max_examples=examples(8),
    deadline=None,
    # Two objects per example: the wire strategies' pattern filters reject twice as many draws.
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(data=st.data())
def test_equality_is_field_by_field_within_one_class(cls: type[Any], data: st.DataObject) -> None:
    first, second = (structure(data.draw(wire_objects(cls)), cls) for _ in range(2))
    assert first == structure(unstructure(first), cls)
    assert (first == second) == (_attrs_twin(first) == _attrs_twin(second))
    assert (first != second) == (not first == second)
    assert first.__eq__(_attrs_twin(first)) is NotImplemented


def test_secret_fields_stay_hidden_at_every_depth() -> None:
    hook = m.SlackIncomingWebhook(url="https://hooks.slack.com/x")
    setting = m.SlackSetting(access_token="xoxb-secret", incoming_webhook=hook)
    assert repr(setting) == (
        "SlackSetting(channel_id=UNSET, user_id=UNSET, email=UNSET, "
        "incoming_webhook=SlackIncomingWebhook(extra={}))"
    )


def test_a_model_met_inside_itself_shows_as_dots() -> None:
    properties = m.EventProperties()
    properties.extra["self"] = properties
    assert repr(properties) == "EventProperties(attachments=UNSET, extra={'self': ...})"


def test_models_without_containers_hash_by_value() -> None:
    first = m.MessageUpdate(message_id="m", action="seen")
    assert hash(first) == hash(m.MessageUpdate(message_id="m", action="seen"))
    assert (
        len(
            {
                first,
                m.MessageUpdate(message_id="m", action="seen"),
                m.MessageUpdate(message_id="m", action="read"),
            }
        )
        == 2
    )


def test_query_values_share_the_methods_too() -> None:
    query = endpoints.ListMessagesQuery(limit=5)
    assert repr(query) == _attrs_repr(query)
    assert query == endpoints.ListMessagesQuery(limit=5) and query != endpoints.ListMessagesQuery(limit=6)
    assert hash(query) == hash(endpoints.ListMessagesQuery(limit=5))
