"""Hypothesis strategies read from the generated shapes: valid wire values of any model, any size."""

from __future__ import annotations

import functools
from typing import Any

from hypothesis import strategies as st

from suprsend_typed import _models as rt

_MAX_LIST = 3
# Integers up to 2**53 survive a round trip through float unchanged.
_EXACT_FLOAT_INTEGERS = 2**53
_json_leaves = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8)
)
json_values = st.recursive(
    _json_leaves,
    lambda inner: (
        st.lists(inner, max_size=_MAX_LIST) | st.dictionaries(st.text(max_size=5), inner, max_size=3)
    ),
    max_leaves=6,
)
# Extra keys may start with "$" as the official schemas allow; each model filters out its own keys.
extra_keys = st.from_regex(r"\$?[a-z][a-z0-9_]{0,6}", fullmatch=True)


# Built strategies by the id of their kind (the kind is kept, so the id stays its own): a strategy is
# built and validated once per kind, not on every draw of every example.
_BUILT: dict[int, tuple[rt.Kind, st.SearchStrategy[Any]]] = {}


def wire_values(kind: rt.Kind) -> st.SearchStrategy[Any]:
    """Wire values that ``kind`` accepts."""
    built = _BUILT.get(id(kind))
    if built is None or built[0] is not kind:
        built = _BUILT[id(kind)] = (kind, _build_wire_values(kind))
    return built[1]


def _build_wire_values(kind: rt.Kind) -> st.SearchStrategy[Any]:
    if isinstance(kind, rt.Str):
        if kind.enum is not None:
            return st.sampled_from(kind.enum)
        low = kind.min_length or 0
        high = kind.max_length if kind.max_length is not None else low + 10
        if kind.pattern is not None:
            return st.from_regex(kind.pattern).filter(lambda s: low <= len(s) <= high)
        return st.text(min_size=low, max_size=min(high, low + 10))
    if isinstance(kind, rt.Int):
        whole = st.integers(min_value=kind.minimum, max_value=kind.maximum)  # type: ignore[arg-type]
        # JSON Schema counts 5.0 as an integer; the value is kept as given.
        return whole | whole.filter(lambda number: abs(number) < _EXACT_FLOAT_INTEGERS).map(float)
    if isinstance(kind, rt.Number):
        return st.floats(allow_nan=False, allow_infinity=False) | st.integers()
    if isinstance(kind, rt.Bool):
        return st.booleans()
    if isinstance(kind, rt.Null):
        return st.none()
    if isinstance(kind, rt.ListOf):
        low = kind.min_items or 0
        high = min(kind.max_items if kind.max_items is not None else _MAX_LIST, low + _MAX_LIST)
        return st.lists(wire_values(kind.items), min_size=low, max_size=high)
    if isinstance(kind, rt.MapOf):
        values = json_values if kind.values is None else wire_values(kind.values)
        return st.dictionaries(extra_keys, values, min_size=kind.min_properties or 0, max_size=3)
    if isinstance(kind, rt.Model):
        return wire_objects(kind.cls)
    if isinstance(kind, rt.OneOf):
        return st.one_of([wire_values(branch) for branch in kind.branches])
    return json_values


@functools.cache
def wire_objects(cls: type[Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Valid wire objects of ``cls`` (built once per class)."""
    shape: rt.Shape = cls._shape
    required = {field.key: wire_values(field.kind) for field in shape.fields if field.required}
    optional = {field.key: wire_values(field.kind) for field in shape.fields if not field.required}
    known = {field.key for field in shape.fields}
    base = st.fixed_dictionaries(required, optional=optional)
    if shape.extra is None:
        return base
    extras = st.dictionaries(
        extra_keys.filter(lambda key: key not in known), wire_values(shape.extra), max_size=2
    )
    return st.builds(lambda fields, more: {**fields, **more}, base, extras)
