"""The compiled ``Shape.valid`` (``_models.compile_valid``) means what the generic loop and ``check`` mean.

``validate`` trusts ``valid``, so each judgement is compared three ways: the compiled function, the loop it
specialises (``Shape.valid_by_loop``) and ``check`` finding nothing. Values are drawn for every field of
every generated model (valid ones, wrong types, bools for numbers, nested objects broken at one key), and
for hand-made shapes that reach every branch of the compiler. The source is made from the spec only: keys
a caller sends never reach it, and odd field keys are written as literals.
"""

from __future__ import annotations

import linecache
import math
import re
from collections import OrderedDict, defaultdict
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from suprsend_typed import _models as rt
from suprsend_typed._generated import models as m
from tests.support.budget import examples

from .kind_strategies import extra_keys, json_values, wire_objects, wire_values
from .test_round_trips import ALL_MODELS

_settings = settings(max_examples=examples(10), deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Each field of each model, so fewer examples each.
_field_settings = settings(_settings, max_examples=examples(5))
_HOSTILE_KEY = "'); import os; ('"


class _Text(str):
    pass


class _Whole(int):
    pass


class _Real(float):
    pass


# Values at the edges of every simple kind: bools where numbers belong, whole floats, subclasses, odd keys.
_odd_values = st.sampled_from(
    [
        math.nan,
        math.inf,
        -math.inf,
        True,
        False,
        0,
        -1,
        5.0,
        5.5,
        1e300,
        "",
        "x",
        "é" * 3,
        _Text("sub"),
        _Text(""),
        _Whole(7),
        _Real(2.0),
        _Real(2.5),
        None,
        b"bytes",
        (),
        (1,),
        [],
        {},
        {1: "x"},
        {None: 1},
        {_HOSTILE_KEY: 1},
        object(),
    ]
)
_any_value = json_values | _odd_values | st.lists(_odd_values, max_size=3)
_any_key = extra_keys | st.text(max_size=4) | st.sampled_from([_HOSTILE_KEY, _Text("k"), 1, None, 2.5, (1,)])
ALL_FIELDS = [(cls, field) for cls in ALL_MODELS for field in cls._shape.fields]


def _judgements(shape: rt.Shape, value: object) -> tuple[bool, bool, bool]:
    errors: rt.Errors = []
    shape.check(value, "", errors)
    return shape.valid(value), shape.valid_by_loop(value), not errors


def _assert_agree(shape: rt.Shape, value: object) -> bool:
    compiled, by_loop, checked = _judgements(shape, value)
    assert compiled == by_loop == checked, (compiled, by_loop, checked, value)
    return compiled


def _edges(kind: rt.Kind) -> st.SearchStrategy[Any]:
    """Values at and next to the limits of ``kind``: lengths of strings, ends of numbers."""
    if isinstance(kind, rt.OneOf):
        return st.one_of([_edges(branch) for branch in kind.branches])
    if isinstance(kind, rt.Str):
        limits = [limit for limit in (kind.min_length, kind.max_length) if limit is not None]
        sizes = [size for limit in limits for size in (limit - 1, limit, limit + 1) if size >= 0]
        return st.sampled_from(sizes).map(lambda size: "x" * size) if sizes else st.nothing()
    if isinstance(kind, rt.Int | rt.Number):
        limits = [limit for limit in (kind.minimum, kind.maximum) if limit is not None]
        ends = [end for limit in limits for end in (limit - 1, limit, limit + 1, limit - 0.5, float(limit))]
        return st.sampled_from(ends) if ends else st.nothing()
    return st.nothing()


# Built strategies by the id of their kind and the depth (the kind is kept, so the id stays its own):
# built and validated once, not on every draw of every example.
_BUILT_VALUES: dict[tuple[int, int], tuple[rt.Kind, st.SearchStrategy[Any]]] = {}


def _values(kind: rt.Kind, depth: int) -> st.SearchStrategy[Any]:
    """Valid values of ``kind``, its edges, anything at all, and (for a model) a valid object broken at one
    key."""
    built = _BUILT_VALUES.get((id(kind), depth))
    if built is None or built[0] is not kind:
        built = _BUILT_VALUES[(id(kind), depth)] = (kind, _build_values(kind, depth))
    return built[1]


def _build_values(kind: rt.Kind, depth: int) -> st.SearchStrategy[Any]:
    values = wire_values(kind) | _edges(kind) | _any_value
    if isinstance(kind, rt.Model) and depth < 3:
        values |= broken_objects(kind.cls, depth + 1)
    return values


@st.composite
def broken_objects(draw: st.DrawFn, cls: type[Any], depth: int = 0) -> dict[Any, Any]:
    """A valid object of ``cls`` with one key removed, added or given another value (nested ones too)."""
    shape: rt.Shape = cls._shape
    wire: dict[Any, Any] = dict(draw(wire_objects(cls)))
    action = draw(st.sampled_from(["delete", "field", "other"]))
    if action == "delete" and wire:
        del wire[draw(st.sampled_from(sorted(wire)))]
    elif action == "field" and shape.fields:
        field = draw(st.sampled_from(shape.fields))
        wire[field.key] = draw(_values(field.kind, depth))
    else:
        wire[draw(_any_key)] = draw(_any_value)
    return wire


@pytest.mark.parametrize(
    ("cls", "field"), ALL_FIELDS, ids=[f"{cls.__name__}.{field.key}" for cls, field in ALL_FIELDS]
)
@_field_settings
@given(data=st.data())
def test_the_compiled_valid_agrees_on_every_field_of_every_model(
    cls: type[Any], field: rt.Field, data: st.DataObject
) -> None:
    wire = dict(data.draw(wire_objects(cls)))
    assert _assert_agree(cls._shape, wire)
    if data.draw(st.booleans()):
        wire[field.key] = data.draw(_values(field.kind, 0))
    else:
        wire.pop(field.key, None)
    _assert_agree(cls._shape, wire)


@pytest.mark.parametrize("cls", ALL_MODELS, ids=lambda cls: cls.__name__)
@_settings
@given(data=st.data())
def test_the_compiled_valid_agrees_on_broken_objects_and_dict_subclasses(
    cls: type[Any], data: st.DataObject
) -> None:
    wire = data.draw(broken_objects(cls))
    verdict = _assert_agree(cls._shape, wire)
    assert _assert_agree(cls._shape, OrderedDict(wire)) == verdict
    missing_is_made: defaultdict[Any, Any] = defaultdict(dict, wire)
    assert _assert_agree(cls._shape, missing_is_made) == verdict
    assert missing_is_made == wire


_EVENT = {
    "$insert_id": "0" * 36,
    "$time": 1700000000000,
    "event": "order_placed",
    "env": "workspace_key",
    "distinct_id": "user-1",
    "properties": {"order_id": 1, "$attachments": [{"name": "a"}]},
}
_TRIGGER = {"workflow": "w", "recipients": ["u"], "data": {"x": 1}}


@pytest.mark.parametrize(
    ("cls", "changes", "expected"),
    [
        (m.EventPayload, {}, True),
        (m.EventPayload, {"$time": True}, False),
        (m.EventPayload, {"$time": 1700000000000.0}, True),
        (m.EventPayload, {"$time": 1700000000000.5}, False),
        (m.EventPayload, {"$time": _Whole(1700000000000)}, True),
        (m.EventPayload, {"$time": 1640995199999}, False),
        (m.EventPayload, {"$time": math.inf}, False),
        (m.EventPayload, {"$time": "1700000000000"}, False),
        (m.EventPayload, {"$insert_id": "0" * 35}, False),
        (m.EventPayload, {"$insert_id": _Text("0" * 36)}, True),
        (m.EventPayload, {"$idempotency_key": None, "tenant_id": "t", "brand_id": None}, True),
        (m.EventPayload, {"tenant_id": "t" * 64}, True),
        (m.EventPayload, {"tenant_id": "t" * 65}, False),
        (m.EventPayload, {"$time": 1640995200000}, True),
        (m.EventPayload, {"tenant_id": 1}, False),
        (m.EventPayload, {"properties": []}, False),
        (m.EventPayload, {"properties": {1: "x"}}, False),
        (m.EventPayload, {"properties": OrderedDict(a=1)}, True),
        (m.EventPayload, {"anything": {"nested": [1]}, _HOSTILE_KEY: 1}, True),
        (m.EventPayload, {1: "x"}, False),
        (m.EventPayload, {_Text("extra"): 1}, True),
        (m.WorkflowTrigger, {}, True),
        (m.WorkflowTrigger, {"tenant_id": None, "actor": "a"}, True),
        (m.WorkflowTrigger, {"actor": {"distinct_id": "a"}}, True),
        (m.WorkflowTrigger, {"unknown": 1}, False),
        (m.WorkflowTrigger, {_HOSTILE_KEY: 1}, False),
        (m.WorkflowTrigger, {None: 1}, False),
        (m.WorkflowTrigger, {"recipients": []}, False),
        (m.WorkflowTrigger, {"data": {"$attachments": 1, 2: 3}}, False),
    ],
)
def test_edges_of_the_event_and_trigger_bodies(
    cls: type[Any], changes: dict[Any, Any], expected: bool
) -> None:
    base = _EVENT if cls is m.EventPayload else _TRIGGER
    assert _assert_agree(cls._shape, {**base, **changes}) is expected


@pytest.mark.parametrize("key", ["$insert_id", "$time", "event", "env", "distinct_id", "properties"])
def test_each_missing_required_key_is_refused(key: str) -> None:
    body = dict(_EVENT)
    del body[key]
    assert _assert_agree(m.EventPayload._shape, body) is False


# Hand-made shapes reaching every branch of the compiler: each simple kind with each of its constraints,
# the fallbacks (kind subclasses, lists, maps, a model met inside itself), the three kinds of extra keys,
# and field keys that need quoting.


class _Lower(rt.Str):
    """A kind subclass: its ``valid`` is called, never inlined."""

    __slots__ = ()

    def valid(self, value: object) -> bool:
        return super().valid(value) and isinstance(value, str) and value.islower()

    def check(self, value: object, path: str, errors: rt.Errors) -> None:
        if not self.valid(value):
            errors.append((path, "is not lower case"))


@attrs.define
class _Node:
    pass


@attrs.define
class _Leaf:
    pass


@attrs.define
class _Closed:
    pass


_ODD_KEYS = [_HOSTILE_KEY, 'quote"s', "back\\slash", "new\nline", "tab\t", "é", "", "def valid(value):"]

_Leaf._shape = rt.Shape(
    _Leaf,
    (
        rt.Field("word", "word", rt.Str(enum=("a", "b", _HOSTILE_KEY)), required=True),
        rt.Field("code", "code", rt.Str(pattern=r"^[a-z]+-\d$", min_length=3, max_length=5)),
        rt.Field("count", "count", rt.Int(enum=(1, 2, 3), minimum=2, maximum=3)),
        rt.Field("ratio", "ratio", rt.Number(minimum=0.5, maximum=1e3)),
        rt.Field("whole", "whole", rt.Number(minimum=-2, maximum=10**30)),
        rt.Field("flag", "flag", rt.Bool(enum=(True,))),
        rt.Field("bit", "bit", rt.Bool()),
        rt.Field("nothing", "nothing", rt.Null()),
        rt.Field("any", "any", rt.AnyValue()),
        rt.Field("int_or_any", "int_or_any", rt.OneOf((rt.Int(minimum=0), rt.AnyValue()))),
        rt.Field("any_first", "any_first", rt.OneOf((rt.AnyValue(), rt.Str()))),
        rt.Field("never", "never", rt.OneOf(())),
        rt.Field("lower", "lower", _Lower()),
        rt.Field("words", "words", rt.ListOf(rt.Str(min_length=1), min_items=1, max_items=2)),
        rt.Field("scores", "scores", rt.MapOf(rt.Number(), min_properties=1)),
        *(rt.Field(f"odd_{index}", key, rt.Int()) for index, key in enumerate(_ODD_KEYS)),
    ),
    extra=None,
)
_Node._shape = rt.Shape(
    _Node,
    (
        rt.Field("leaf", "leaf", rt.Model(_Leaf), required=True),
        rt.Field("child", "child", rt.Model(_Node)),
        rt.Field("either", "either", rt.OneOf((rt.Str(min_length=1), rt.Model(_Leaf), rt.Null()))),
        rt.Field("closed", "closed", rt.Model(_Closed)),
        rt.Field("free", _HOSTILE_KEY, rt.AnyValue(), required=True),
    ),
    extra=rt.Str(min_length=1),
)
_Closed._shape = rt.Shape(_Closed, (rt.Field("anything", "anything", rt.AnyValue()),), extra=None)
_HANDMADE = [_Leaf, _Node, _Closed]


def _handmade_values(kind: rt.Kind, depth: int) -> st.SearchStrategy[Any]:
    if isinstance(kind, rt.Model):
        return _handmade_objects(kind.cls, depth + 1) | _any_value if depth < 3 else _any_value
    if isinstance(kind, rt.Str) and kind.pattern is not None:
        return st.from_regex(kind.pattern) | _edges(kind) | _any_value
    return wire_values(kind) | _edges(kind) | _any_value


@st.composite
def _handmade_objects(draw: st.DrawFn, cls: type[Any], depth: int = 0) -> dict[Any, Any]:
    """Objects of a hand-made shape: each field present or not, with a value valid or not, and a few more
    keys (extra keys of any type), so every line of the compiled function is reached."""
    shape: rt.Shape = cls._shape
    wire: dict[Any, Any] = {}
    for field in shape.fields:
        if draw(st.integers(0, 9)) < (9 if field.required else 3):
            wire[field.key] = draw(_handmade_values(field.kind, depth))
    for _ in range(draw(st.integers(0, 2))):
        wire[draw(_any_key)] = draw(st.sampled_from(["", "extra"]) | _any_value)
    return wire


@pytest.mark.parametrize("cls", _HANDMADE, ids=lambda cls: cls.__name__)
@settings(_settings, max_examples=examples(80))
@given(data=st.data())
def test_the_compiled_valid_agrees_on_hand_made_shapes(cls: type[Any], data: st.DataObject) -> None:
    _assert_agree(cls._shape, data.draw(_handmade_objects(cls)))


def _leaf(**fields: Any) -> dict[str, Any]:
    return {"word": "a", **fields}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (_leaf(), True),
        (_leaf(word=_HOSTILE_KEY), True),
        (_leaf(word="c"), False),
        (_leaf(code="ab-1"), True),
        (_leaf(code="abc-1"), True),
        (_leaf(code="a-1"), True),
        (_leaf(code="ab-12"), False),
        (_leaf(code="abcd-1"), False),
        (_leaf(count=2, ratio=0.5, whole=5.0, flag=True, bit=False, nothing=None), True),
        (_leaf(count=1), False),
        (_leaf(count=True), False),
        (_leaf(count=2.0), True),
        (_leaf(count=_Whole(3)), True),
        (_leaf(ratio=0.49), False),
        (_leaf(ratio=1000), True),
        (_leaf(ratio=1000.5), False),
        (_leaf(ratio=True), False),
        (_leaf(ratio=_Real(0.75)), True),
        (_leaf(ratio=math.nan), False),
        (_leaf(whole=10**30), True),
        (_leaf(whole=10**30 + 1), False),
        (_leaf(flag=False), False),
        (_leaf(bit=1), False),
        (_leaf(nothing=0), False),
        (_leaf(int_or_any=-1), True),
        (_leaf(any_first=1), True),
        (_leaf(never=None), False),
        (_leaf(lower="abc"), True),
        (_leaf(lower="Abc"), False),
        (_leaf(words=["a", "b"]), True),
        (_leaf(words=("a",)), True),
        (_leaf(words=[]), False),
        (_leaf(scores={}), False),
        (_leaf(scores={"a": True}), False),
        (_leaf(**dict.fromkeys(_ODD_KEYS, 1)), True),
        (_leaf(**dict.fromkeys(_ODD_KEYS, "1")), False),
        (_leaf(surprise=1), False),
        ({"code": "ab-1"}, False),
        ({"leaf": _leaf(), _HOSTILE_KEY: None}, True),
        ({"leaf": _leaf(), _HOSTILE_KEY: None, "note": "x"}, True),
        ({"leaf": _leaf(), _HOSTILE_KEY: None, "note": ""}, False),
        ({"leaf": _leaf(), _HOSTILE_KEY: None, 1: "x"}, False),
        ({"leaf": _leaf(), _HOSTILE_KEY: None, _Text("note"): "x"}, True),
        ({"leaf": _leaf(), _HOSTILE_KEY: None, "child": {"leaf": _leaf(), _HOSTILE_KEY: 1}}, True),
        ({"leaf": _leaf(), _HOSTILE_KEY: None, "child": {"leaf": _leaf(count=9), _HOSTILE_KEY: 1}}, False),
        ({"leaf": _leaf(), _HOSTILE_KEY: None, "either": _leaf()}, True),
        ({"leaf": _leaf(), _HOSTILE_KEY: None, "either": _leaf(bit=0)}, False),
        ({"leaf": _leaf(), _HOSTILE_KEY: None, "closed": {}}, True),
        ({"leaf": _leaf(), _HOSTILE_KEY: None, "closed": {"other": 1}}, False),
        ({"leaf": OrderedDict(_leaf()), _HOSTILE_KEY: None}, True),
        ({"leaf": "a", _HOSTILE_KEY: None}, False),
        ({"leaf": _leaf()}, False),
    ],
)
def test_edges_of_the_hand_made_shapes(value: dict[Any, Any], expected: bool) -> None:
    shape: rt.Shape = (_Node if "leaf" in value else _Leaf)._shape
    assert _assert_agree(shape, value) is expected


def test_the_source_holds_spec_data_only() -> None:
    source, namespace = rt.valid_source(_Leaf._shape)
    # Odd field keys are literals, enums and patterns are names, and the judged value is only a variable.
    for key in _ODD_KEYS:
        assert repr(key) in source
    assert ("a", "b", _HOSTILE_KEY) in namespace.values()
    assert "import" not in source.replace(repr(_HOSTILE_KEY), "")
    compile(source, "<test>", "exec")
    # What a caller sends never reaches the source: the function is written before any value is seen.
    shape = _Node._shape
    assert shape.valid({"leaf": _leaf(), _HOSTILE_KEY: None, "'); raise SystemExit; ('": "x"})
    compiled_source = "".join(linecache.getlines(shape.valid.__code__.co_filename))  # type: ignore[attr-defined]
    assert compiled_source == rt.valid_source(shape)[0]
    assert "SystemExit" not in compiled_source


@pytest.mark.parametrize("cls", [_Closed, m.EventProperties], ids=lambda cls: cls.__name__)
def test_a_kind_that_takes_every_value_writes_no_test(cls: type[Any]) -> None:
    source, _ = rt.valid_source(cls._shape)
    assert not re.search(r"\bfield_\d", source)


def test_every_generated_shape_compiles_and_judges_an_empty_dict_as_check_does() -> None:
    for cls in ALL_MODELS:
        rt.compile_valid(cls._shape)
        _assert_agree(cls._shape, {})
        _assert_agree(cls._shape, [])


def test_valid_is_compiled_once_on_first_use_even_when_kept_before(monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[rt.Shape] = []
    compile_valid = rt.compile_valid

    def counting(shape: rt.Shape) -> Any:
        made.append(shape)
        return compile_valid(shape)

    monkeypatch.setattr(rt, "compile_valid", counting)
    shape = rt.Shape(_Closed, (rt.Field("anything", "anything", rt.Int()),), extra=None)
    kept = shape.valid
    assert made == []
    assert kept({"anything": 1}) and not kept({"anything": "1"}) and shape.valid({})
    assert made == [shape]
    assert shape.valid is not kept


def test_a_shape_that_repeats_a_key_is_refused() -> None:
    with pytest.raises(ValueError, match="repeats a field key"):
        rt.Shape(_Closed, (rt.Field("a", "k", rt.Int()), rt.Field("b", "k", rt.Str())), extra=None)
