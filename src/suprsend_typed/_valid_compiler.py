"""``Shape.valid`` compiled per shape, as attrs compiles ``__init__`` per class.

Every bulk record and every trigger body is judged by it, and the generic loop (``Shape.valid_by_loop``)
pays a lookup and a call per key. The function written for one shape looks its keys up in line, inlines the
checks of the simple kinds and the fields of nested models, and so a valid event body costs one call. It
means exactly what ``valid_by_loop`` means. Its source holds only spec data of exact types written by
``repr`` (field keys, whole-number limits); every other object (enums, patterns, bound checks, model
classes) is read from its namespace, and the judged value is only ever a variable.
"""

from __future__ import annotations

import linecache
from collections.abc import Callable
from typing import Any

from ._schema_kinds import (
    Bool,
    Int,
    Kind,
    Model,
    Null,
    Number,
    NumericKind,
    OneOf,
    ScalarKind,
    Shape,
    Str,
    is_finite,
)


def compile_valid(shape: Shape) -> Callable[[object], bool]:
    """``shape.valid_by_loop`` as a function written for ``shape``, its source kept for tracebacks."""
    source, namespace = valid_source(shape)
    filename = f"<valid of {shape.cls.__qualname__} {id(shape):x}>"
    exec(compile(source, filename, "exec"), namespace)
    linecache.cache[filename] = (len(source), None, source.splitlines(keepends=True), filename)
    valid: Callable[[object], bool] = namespace["valid"]
    return valid


def valid_source(shape: Shape) -> tuple[str, dict[str, Any]]:
    """The source of ``valid(value)`` for ``shape`` and the namespace it runs in."""
    writer = _ValidWriter()
    by_loop = writer.bind(shape.valid_by_loop, "by_loop")
    # A dict subclass, whose lookups may be overridden, goes the generic way.
    writer.lines += [
        "def valid(value):",
        "    if type(value) is not dict:",
        f"        return isinstance(value, dict) and {by_loop}(value)",
    ]
    writer.shape_checks(shape, "value", "    ", frozenset())
    writer.lines.append("    return True")
    return "\n".join(writer.lines) + "\n", writer.namespace


_INLINED_DEPTH = 8


class _ValidWriter:
    """Writes the statements of a compiled ``valid``: each returns False at the first problem it finds."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.namespace: dict[str, Any] = {"finite": is_finite}
        self._names = 0

    def shape_checks(self, shape: Shape, var: str, indent: str, inlining: frozenset[int]) -> None:
        """Statements judging ``var``, an exact dict, as ``shape``: required keys looked up at once, their
        values tested, and only when the dict has other keys, the optional fields and the rest of its keys
        (the fields counted present tell whether there are any)."""
        inlining |= {id(shape)}
        fields = [(self.name("field"), field) for field in shape.fields]
        required = [(name, field) for name, field in fields if field.required]
        if required:
            # One lookup per key: a missing one raises KeyError, and a ``try`` costs nothing otherwise.
            self.lines.append(f"{indent}try:")
            self.lines += [
                f"{indent}    {name} = {var}[{self.literal(field.key)}]" for name, field in required
            ]
            self.lines += [f"{indent}except KeyError:", f"{indent}    return False"]
        for name, field in required:
            self.field_checks(field.kind, name, indent, inlining)
        self.lines.append(f"{indent}if len({var}) != {len(required)}:")
        indent += "    "
        optional = [(name, field) for name, field in fields if not field.required]
        if optional:
            present = self.name("present")
            self.lines.append(f"{indent}{present} = {len(required)}")
            for name, field in optional:
                key = self.literal(field.key)
                self.lines += [f"{indent}if {key} in {var}:", f"{indent}    {present} += 1"]
                self.field_checks(field.kind, name, indent + "    ", inlining, fetch=f"{name} = {var}[{key}]")
            self.lines.append(f"{indent}if len({var}) != {present}:")
            indent += "    "
        self.extra_key_checks(shape, var, indent)

    def extra_key_checks(self, shape: Shape, var: str, indent: str) -> None:
        """Statements judging the keys of ``var`` that are not fields, which it is known to have."""
        if shape.extra is None:
            self.lines.append(f"{indent}return False")
            return
        key, item = self.name("key"), self.name("item")
        field_keys = self.bind(frozenset(shape._keys), "field_keys")
        not_str = f"type({key}) is not str and not isinstance({key}, str)"
        test = self.test(shape.extra, item)
        if test == "True":
            self.lines += [
                f"{indent}for {key} in {var}:",
                f"{indent}    if {not_str} and {key} not in {field_keys}:",
                f"{indent}        return False",
            ]
            return
        self.lines += [
            f"{indent}for {key}, {item} in {var}.items():",
            f"{indent}    if {key} in {field_keys}:",
            f"{indent}        continue",
            f"{indent}    if {not_str}:",
            f"{indent}        return False",
            f"{indent}    if not ({test}):",
            f"{indent}        return False",
        ]

    def field_checks(
        self, kind: Kind, var: str, indent: str, inlining: frozenset[int], fetch: str = ""
    ) -> None:
        """Statements judging ``var`` as ``kind``, after the statement ``fetch`` that sets ``var`` (left out
        with them when the kind takes every value)."""
        fetched = [f"{indent}{fetch}"] if fetch else []
        nested = self.inlined(kind, inlining)
        if nested is not None:
            self.lines += [
                *fetched,
                f"{indent}if type({var}) is not dict:",
                f"{indent}    if not ({self.test(kind, var)}):",
                f"{indent}        return False",
                f"{indent}else:",
            ]
            self.shape_checks(nested, var, indent + "    ", inlining)
            return
        test = self.test(kind, var)
        if test != "True":
            self.lines += [*fetched, f"{indent}if not ({test}):", f"{indent}    return False"]

    def inlined(self, kind: Kind, inlining: frozenset[int]) -> Shape | None:
        """The shape of a nested model whose fields are written in line: once per path and a few levels
        deep (Python limits indentation), so a model met inside itself is called."""
        if not isinstance(kind, Model) or type(kind) is not Model or len(inlining) >= _INLINED_DEPTH:
            return None
        nested = getattr(kind.cls, "_shape", None)
        return nested if isinstance(nested, Shape) and id(nested) not in inlining else None

    def test(self, kind: Kind, var: str) -> str:
        """An expression over the variable ``var`` that is true exactly when ``kind.valid(var)`` is: the
        checks of the simple kinds (exact classes only) written out in the order their ``valid`` makes
        them, any other kind's ``valid`` called. ``"True"`` when the kind takes every value."""
        kind_type = type(kind)
        if kind_type.valid is Kind.valid:
            return "True"
        if isinstance(kind, OneOf) and kind_type is OneOf:
            # ``or`` stops at the first valid branch, as ``OneOf.valid`` does; branches after one that
            # takes every value are never tried.
            tests: list[str] = []
            for branch in kind.branches:
                tests.append(self.test(branch, var))
                if tests[-1] == "True":
                    break
            if tests == ["True"]:
                return "True"
            return " or ".join(f"({test})" for test in tests) if tests else "False"
        if isinstance(kind, Model) and kind_type is Model:
            # Read through the class at call time: the nested shape is attached, and compiled, later.
            return f"{self.bind(kind.cls, 'model')}._shape.valid({var})"
        if kind_type is Str:
            parts = [f"(type({var}) is str or isinstance({var}, str))"]
        elif kind_type is Int:
            parts = [f"(type({var}) is int or {self.bind(kind.accepts, 'accepts')}({var}))"]
        elif kind_type is Number:
            accepts = self.bind(kind.accepts, "accepts")
            parts = [f"(type({var}) is int or type({var}) is float or {accepts}({var}))"]
        elif kind_type is Bool:
            parts = [f"type({var}) is bool"]
        elif kind_type is Null:
            parts = [f"{var} is None"]
        else:
            return f"{self.bind(kind.valid, 'valid')}({var})"
        assert isinstance(kind, ScalarKind)
        if kind.enum is not None:
            parts.append(f"{var} in {self.bind(kind.enum, 'enum')}")
        if isinstance(kind, Str):
            if kind.min_length is not None:
                parts.append(f"not len({var}) < {self.literal(kind.min_length)}")
            if kind.max_length is not None:
                parts.append(f"not len({var}) > {self.literal(kind.max_length)}")
            if kind.pattern is not None:
                parts.append(f"{self.bind(kind.pattern.search, 'search')}({var}) is not None")
        if isinstance(kind, NumericKind):
            parts.append(f"(type({var}) is int or finite({var}))")
            if kind.minimum is not None:
                parts.append(f"not {var} < {self.literal(kind.minimum)}")
            if kind.maximum is not None:
                parts.append(f"not {var} > {self.literal(kind.maximum)}")
        return " and ".join(parts)

    def literal(self, value: object) -> str:
        """``value`` as source: a plain ``str`` or ``int`` by its ``repr``, anything else by a name."""
        if type(value) is str or type(value) is int:
            return repr(value)
        return self.bind(value, "constant")

    def bind(self, value: object, hint: str) -> str:
        """A new name for ``value`` in the namespace."""
        name = self.name(hint)
        self.namespace[name] = value
        return name

    def name(self, hint: str) -> str:
        self._names += 1
        return f"{hint}_{self._names}"
