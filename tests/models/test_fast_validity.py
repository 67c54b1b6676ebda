"""``valid`` (the allocation-free first judgement) agrees with ``check`` on every generated shape and kind.

``validate`` trusts ``valid`` and walks ``check`` only when it fails, so a ``valid`` that said yes where
``check`` finds a problem would let an invalid body through. Values are drawn valid, broken at one key, and
arbitrary, for every model and every field kind.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suprsend_typed import _models as rt
from suprsend_typed._generated import models as m
from tests.support.budget import examples

from .kind_strategies import json_values, wire_objects, wire_values
from .test_round_trips import ALL_MODELS

_settings = settings(max_examples=examples(12), deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Values JSON cannot carry, and values at the edges of the scalar kinds.
_odd_values = st.sampled_from(
    [math.nan, math.inf, -math.inf, True, False, 5.0, 5.5, "", "x", b"bytes", (), (1,), {1: "x"}, {None: 1}]
)
_any_value = json_values | _odd_values | st.lists(_odd_values, max_size=3)


def _kind_key(kind: rt.Kind) -> object:
    """What a kind checks, as a comparable value: many fields (most answer fields) share one kind."""
    if isinstance(kind, rt.Model):
        return ("Model", kind.cls.__name__)
    parts: list[object] = [type(kind).__name__]
    for slot in (slot for klass in type(kind).__mro__ for slot in getattr(klass, "__slots__", ())):
        value = getattr(kind, slot, None)
        if isinstance(value, rt.Kind):
            parts.append(_kind_key(value))
        elif isinstance(value, list | tuple):
            parts.append(tuple(_kind_key(v) if isinstance(v, rt.Kind) else repr(v) for v in value))
        else:
            parts.append(repr(value))
    return tuple(parts)


def _one_field_per_kind() -> list[tuple[type[Any], rt.Field]]:
    """The first field of each distinct kind: the per-kind test below only looks at the kind."""
    found: dict[object, tuple[type[Any], rt.Field]] = {}
    for cls in ALL_MODELS:
        for field in cls._shape.fields:
            found.setdefault(_kind_key(field.kind), (cls, field))
    return list(found.values())


ALL_KINDS = _one_field_per_kind()


def _check_finds_nothing(kind: rt.Kind | rt.Shape, value: object) -> bool:
    errors: rt.Errors = []
    kind.check(value, "", errors)
    return not errors


@pytest.mark.parametrize("cls", ALL_MODELS, ids=lambda cls: cls.__name__)
@_settings
@given(data=st.data())
def test_valid_agrees_with_check_on_whole_objects(cls: type[Any], data: st.DataObject) -> None:
    shape: rt.Shape = cls._shape
    wire = dict(data.draw(wire_objects(cls)))
    assert shape.valid(wire) and _check_finds_nothing(shape, wire)
    if wire and data.draw(st.booleans()):
        del wire[data.draw(st.sampled_from(sorted(wire)))]
    else:
        known = [field.key for field in shape.fields]  # none for a model such as EmptyBody
        key = data.draw((st.sampled_from(known) if known else st.nothing()) | st.text(max_size=4))
        wire[key] = data.draw(_any_value)
    assert shape.valid(wire) == _check_finds_nothing(shape, wire)


@pytest.mark.parametrize(
    ("cls", "field"), ALL_KINDS, ids=[f"{cls.__name__}.{field.key}" for cls, field in ALL_KINDS]
)
@_settings
@given(data=st.data())
def test_valid_agrees_with_check_on_every_field_kind(
    cls: type[Any], field: rt.Field, data: st.DataObject
) -> None:
    value = data.draw(wire_values(field.kind) | _any_value)
    assert field.kind.valid(value) == _check_finds_nothing(field.kind, value)


def test_a_body_that_fails_valid_still_reports_every_problem_with_its_path() -> None:
    body = {"workflow": "w", "recipients": [{"distinct_id": "u", "$androidpush": {"provider": "x"}}]}
    with pytest.raises(rt.ValidationError) as caught:
        rt.validate(body, m.WorkflowTrigger)
    assert list(caught.value.errors) == [
        ("recipients[0].$androidpush.token", "is required"),
        ("recipients[0].$androidpush.provider", "'x' is not one of fcm, xiaomi, oppo"),
        ("data", "is required"),
    ]
