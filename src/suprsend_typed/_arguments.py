"""Turning a generated method's arguments into a checked body and query, before anything is sent.

Every generated method takes the official SDK's positional ``payload`` / ``options`` dicts and typed
keyword arguments for the same fields; both may be given, as long as they do not name the same key twice.
The result is checked against the spec's schema, so a bad value fails here with its field path.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, TypeVar

import attrs

from . import _models as _rt
from ._errors import ValidationError
from ._paths import official_id_error
from ._types import UNSET

QueryT = TypeVar("QueryT")


def _wire(value: Any) -> Any:
    """The JSON value of a generated model (or a list of them), or the value itself."""
    if attrs.has(type(value)) or (isinstance(value, list | tuple) and value and attrs.has(type(value[0]))):
        return _rt.unstructure(list(value) if isinstance(value, tuple) else value)
    return value


def model_body(payload: object, model: type[Any], fields: Mapping[str, object]) -> dict[str, Any]:
    """The body of an operation whose schema is one model: ``payload`` (a dict or the model, or None),
    then the keyword ``fields`` that were given (keyed by wire name), checked against ``model``."""
    if payload is None:
        body: dict[str, Any] = {}
    elif isinstance(payload, model):
        body = _rt.unstructure(payload)
    elif isinstance(payload, Mapping):
        body = dict(payload)  # a copy: the caller's dict is never changed
    else:
        raise TypeError(f"payload must be a dict or {model.__name__}, got {type(payload).__name__}")
    for key, value in fields.items():
        if value is UNSET:
            continue
        if key in body:
            raise ValidationError("given both in payload and as a keyword argument", path=key)
        body[key] = _wire(value)
    _rt.validate(body, model)
    return body


def value_body(payload: object, kind: _rt.Kind, name: str = "payload") -> Any:
    """The body of an operation whose schema is not one model (an array, a union): checked as given."""
    value = _wire(payload)
    errors: _rt.Errors = []
    kind.check(value, name, errors)
    if errors:
        raise ValidationError(errors[0][1], path=errors[0][0], errors=errors)
    return value


def query_pairs(
    options: Mapping[str, object] | None,
    cls: type[QueryT],
    fields: Mapping[str, object],
    *,
    clamped: Mapping[str, object] | None = None,
) -> list[tuple[str, str]]:
    """The query of a call: the official ``options`` dict (keys in the caller's order) and the keyword
    arguments that were given, checked by the generated query class ``cls``.

    ``clamped`` maps a parameter to the default the official SDK falls back to when its value is
    missing or invalid (``limit=5000`` becomes the default), instead of raising; as in the official SDK,
    clamped parameters are always sent, ahead of the others.
    """
    merged: dict[str, object] = {}
    if options is not None:
        if not isinstance(options, Mapping):
            raise TypeError(f"options must be a dict of query parameters, got {type(options).__name__}")
        merged.update(options)
    shape: _rt.Shape = cls._shape  # type: ignore[attr-defined]
    wire_keys = {field.name: field.key for field in shape.fields}
    for name, value in fields.items():
        if value is UNSET:
            continue
        if name in merged or wire_keys.get(name) in merged:
            raise ValidationError("given both in options and as a keyword argument", path=name)
        merged[name] = value
    if clamped:
        given = {name: merged[name] for name in clamped if name in merged}
        first = {
            name: given[name] if name in given and _valid_query_value(shape, name, given[name]) else default
            for name, default in clamped.items()
        }
        merged = {**first, **{name: value for name, value in merged.items() if name not in first}}
    query: Any = _rt.query_from_options(merged, cls)
    pairs: list[tuple[str, str]] = query.to_pairs()
    order = {wire_keys.get(key, key): rank for rank, key in enumerate(merged)}
    return sorted(pairs, key=lambda pair: order.get(pair[0], len(order)))


def free_query(options: Mapping[str, object] | None) -> list[tuple[str, str]]:
    """The official ``options`` dict of an operation with no documented query parameters, passed through
    as the official SDK does: keys in the caller's order, None left out, a list as one pair per item,
    booleans as true/false. Only text, numbers and booleans are accepted as values."""
    if options is None:
        return []
    if not isinstance(options, Mapping):
        raise TypeError(f"options must be a dict of query parameters, got {type(options).__name__}")
    pairs: list[tuple[str, str]] = []
    for key, value in options.items():
        if not isinstance(key, str) or not key:
            raise ValidationError("query parameter names must be non-empty strings", path=str(key))
        for item in value if isinstance(value, list | tuple) else [value]:
            if item is None:
                continue
            if not isinstance(item, str | int | float | bool):
                raise ValidationError(
                    f"must be text, a number or a boolean, got {type(item).__name__}", path=key
                )
            pairs.append((key, _rt.query_text(item)))
    return pairs


def _valid_query_value(shape: _rt.Shape, name: str, value: object) -> bool:
    for field in shape.fields:
        if field.name == name or field.key == name:
            errors: _rt.Errors = []
            if isinstance(value, bool):
                return False
            field.kind.check_python(value, name, errors)
            return not errors
    return True


def official_list(value: object, name: str, message: str) -> None:
    """A list (or tuple) argument, or ``ValidationError`` with the official SDK's own ``message``."""
    if not isinstance(value, list | tuple):
        raise official_id_error(name, message)


def sequence_of(value: object, name: str) -> Sequence[Any]:
    """A list argument, refusing a str or a dict passed where a list belongs."""
    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Sequence):
        raise TypeError(f"{name} must be a list, got {type(value).__name__}")
    return value
