"""Hypothesis round trips over the generated models: wire -> model -> wire is exact, and back."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suprsend_typed._generated import models as m
from suprsend_typed._models import Shape, structure, unstructure, validate
from tests.support.budget import examples

from .kind_strategies import wire_objects

# Every generated class, read from the module's __all__ (namespace modules load on first use), so a
# schema added to the spec is covered without an edit.
ALL_MODELS = [
    value
    for value in (getattr(m, name) for name in m.__all__)
    if isinstance(value, type) and isinstance(vars(value).get("_shape"), Shape)
]
REQUEST_MODELS = [cls for cls in ALL_MODELS if not cls._shape.lenient]


def test_the_model_list_is_read_from_the_generated_module() -> None:
    assert {m.WorkflowTrigger, m.IdentityEvent, m.Attachment} <= set(REQUEST_MODELS)
    assert m.BulkRecordsResponse in ALL_MODELS and m.BulkRecordsResponse not in REQUEST_MODELS


_settings = settings(max_examples=examples(15), deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.mark.parametrize("cls", ALL_MODELS, ids=lambda cls: cls.__name__)
@_settings
@given(data=st.data())
def test_wire_to_model_to_wire_is_exact(cls: type[Any], data: st.DataObject) -> None:
    wire = data.draw(wire_objects(cls))
    validate(wire, cls)
    model = structure(wire, cls)
    assert unstructure(model) == wire
    assert list(unstructure(model)) == [
        *(field.key for field in cls._shape.fields if field.key in wire),
        *(key for key in wire if key not in {field.key for field in cls._shape.fields}),
    ]
    assert structure(unstructure(model), cls) == model
