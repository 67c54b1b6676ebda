"""The ``__repr__``, ``__eq__`` and ``__hash__`` every generated model shares.

The generated classes say ``repr=False, eq=False`` in their decorator and take these functions instead:
they behave as the ones attrs would compile for each class at import, a large part of that module's import
time.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

import attrs

# Ids of the models whose repr is being built on this thread, so a model met inside itself shows as "...".
_repr_context = threading.local()


def model_repr(model: Any) -> str:
    """attrs' repr of a generated model, ``Name(field=value, ...)`` without secret fields."""
    seen: set[int] | None = getattr(_repr_context, "seen", None)
    if seen is None:
        seen = _repr_context.seen = set()
    elif id(model) in seen:
        return "..."
    seen.add(id(model))
    try:
        cls = type(model)
        shown = ", ".join(
            f"{field.name}={getattr(model, field.name)!r}" for field in attrs.fields(cls) if field.repr
        )
        return f"{cls.__qualname__.rsplit('>.', 1)[-1]}({shown})"
    finally:
        seen.remove(id(model))


def model_eq(model: Any, other: object) -> Any:
    """attrs' equality: True for an instance of the same class whose fields are equal, in order, and
    NotImplemented for another class (typed Any: outside a method named __eq__, mypy types it so)."""
    if other.__class__ is not model.__class__:
        if isinstance(other, Mapping):
            # Read as the official SDK's answer dict: equal when the wire JSON is.
            return model._shape.dump(model) == dict(other)
        return NotImplemented
    cls: type[Any] = type(model)
    for field in attrs.fields(cls):
        if not getattr(model, field.name) == getattr(other, field.name):
            return False
    return True


def model_hash(model: Any) -> int:
    """The hash of the class and the field values: equal models hash alike, and a model holding a dict or a
    list is unhashable, as with attrs."""
    cls: type[Any] = type(model)
    return hash((cls, *(getattr(model, field.name) for field in attrs.fields(cls))))
