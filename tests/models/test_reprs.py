"""Generated models share ``_rt.model_repr`` rather than a compiled attrs ``__repr__``, with attrs' text."""

from __future__ import annotations

from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suprsend_typed._generated import endpoints
from suprsend_typed._generated import models as m
from suprsend_typed._models import structure

from .kind_strategies import wire_objects
from .test_round_trips import ALL_MODELS


def _attrs_repr(model: Any) -> str:
    """The repr attrs itself gives an instance of a class with the same fields (and the same hidden ones)."""
    cls = type(model)
    fields = {field.name: attrs.field(repr=field.repr) for field in attrs.fields(cls)}
    twin = attrs.make_class(cls.__name__, fields, kw_only=True, slots=True)
    return repr(twin(**{name: getattr(model, name) for name in fields}))


@pytest.mark.parametrize("cls", ALL_MODELS, ids=lambda cls: cls.__name__)
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_reprs_are_what_attrs_would_write(cls: type[Any], data: st.DataObject) -> None:
    model = structure(data.draw(wire_objects(cls)), cls)
    assert repr(model) == _attrs_repr(model)


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


def test_query_values_share_the_repr_too() -> None:
    query = endpoints.ListMessagesQuery(limit=5)
    assert repr(query) == _attrs_repr(query)
