"""The Python type and the run-time checker of a schema type: shared by the models, endpoints and surface
renderers (``render.py``, ``render_surface.py``), which import it and never each other."""

from __future__ import annotations

from .ir import Alias, AliasRef, AnyValue, ArrayOf, MapOf, ModelRef, Scalar, TypeExpr
from .pyexpr import Call, Expr, Raw, Tuple, string

PY_TYPES = {"string": "str", "integer": "int", "number": "float", "boolean": "bool", "null": "None"}
_KIND_CLASSES = {"string": "Str", "integer": "Int", "number": "Number", "boolean": "Bool"}


def annotation(expr: TypeExpr, prefix: str = "") -> str:
    """The Python type of a value of ``expr``; ``prefix`` qualifies schema names (``models.``)."""
    if isinstance(expr, Scalar):
        if expr.enum is not None:
            return "Literal[" + ", ".join(literal(value) for value in expr.enum) + "]"
        return PY_TYPES[expr.json_type]
    if isinstance(expr, AnyValue):
        return "Any"
    if isinstance(expr, ArrayOf):
        return f"list[{annotation(expr.items, prefix)}]"
    if isinstance(expr, MapOf):
        values = "Any" if expr.values is None else annotation(expr.values, prefix)
        return f"dict[str, {values}]"
    if isinstance(expr, ModelRef | AliasRef):
        return prefix + expr.name
    parts: list[str] = []
    for branch in expr.branches:
        text = annotation(branch, prefix)
        if text not in parts:
            parts.append(text)
    return " | ".join(parts)


def json_annotation(expr: TypeExpr, aliases: dict[str, Alias]) -> str:
    """The Python type of ``expr`` read as plain JSON (what ``model["key"]`` returns): a model is a dict."""
    if isinstance(expr, ModelRef):
        return "dict[str, Any]"
    if isinstance(expr, AliasRef):
        # The alias's name where its values are plain JSON already, else what it reads as.
        text = json_annotation(aliases[expr.name].type, aliases)
        return expr.name if text == annotation(aliases[expr.name].type) else text
    if isinstance(expr, ArrayOf):
        return f"list[{json_annotation(expr.items, aliases)}]"
    if isinstance(expr, MapOf):
        values = "Any" if expr.values is None else json_annotation(expr.values, aliases)
        return f"dict[str, {values}]"
    if isinstance(expr, Scalar | AnyValue):
        return annotation(expr)
    parts: list[str] = []
    for branch in expr.branches:
        text = json_annotation(branch, aliases)
        if text not in parts:
            parts.append(text)
    return " | ".join(parts)


def kind(expr: TypeExpr, aliases: dict[str, Alias], prefix: str = "") -> Expr:
    """The run-time checker (a ``suprsend_typed._models`` kind) of ``expr``."""
    if isinstance(expr, Scalar):
        if expr.json_type == "null":
            return Call("_rt.Null")
        options = [
            ("enum", None if expr.enum is None else Tuple(tuple(Raw(literal(v)) for v in expr.enum))),
            ("min_length", _number(expr.min_length)),
            ("max_length", _number(expr.max_length)),
            ("pattern", None if expr.pattern is None else Raw(string(expr.pattern))),
            ("minimum", _number(expr.minimum)),
            ("maximum", _number(expr.maximum)),
        ]
        return Call(
            "_rt." + _KIND_CLASSES[expr.json_type],
            kwargs=tuple((key, value) for key, value in options if value is not None),
        )
    if isinstance(expr, AnyValue):
        return Call("_rt.AnyValue")
    if isinstance(expr, ArrayOf):
        sizes = [("min_items", _number(expr.min_items)), ("max_items", _number(expr.max_items))]
        return Call(
            "_rt.ListOf",
            (kind(expr.items, aliases, prefix),),
            tuple((key, value) for key, value in sizes if value is not None),
        )
    if isinstance(expr, MapOf):
        args = () if expr.values is None else (kind(expr.values, aliases, prefix),)
        count = _number(expr.min_properties)
        return Call("_rt.MapOf", args, () if count is None else (("min_properties", count),))
    if isinstance(expr, ModelRef):
        return Call("_rt.Model", (Raw(prefix + expr.name),))
    if isinstance(expr, AliasRef):
        return kind(aliases[expr.name].type, aliases, prefix)
    return Call("_rt.OneOf", (Tuple(tuple(kind(branch, aliases, prefix) for branch in expr.branches)),))


def literal(value: object) -> str:
    """A Python literal of a JSON scalar of the spec."""
    return string(value) if isinstance(value, str) else repr(value)


def _number(value: int | float | None) -> Raw | None:
    return None if value is None else Raw(repr(value))
