"""Wire dicts <-> generated models: ``structure``, ``unstructure``, ``validate``, and query encoding.

This is the schema runtime's public face. Generated code imports it as ``_rt`` and reaches everything it
needs through it: the kinds and shapes (``_schema_kinds``), the shared model methods (``_model_methods``)
and the compiled validators (``_valid_compiler``) are re-exported here.
"""

from __future__ import annotations

import functools
import typing
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, TypeVar

from ._errors import ValidationError
from ._key_hints import did_you_mean
from ._model_methods import model_eq, model_hash, model_repr
from ._schema_kinds import (
    ANY_VALUE,
    AnyValue,
    Bool,
    Errors,
    Field,
    Int,
    Kind,
    ListOf,
    MapOf,
    Model,
    Null,
    Number,
    OneOf,
    Shape,
    Str,
    build_tolerant,
    install_valid_compiler,
    key_path,
    validation_error,
)
from ._types import UNSET
from ._valid_compiler import compile_valid, valid_source

if TYPE_CHECKING:
    import cattrs


def _compile_published(shape: Shape) -> Callable[[object], bool]:
    """``compile_valid`` as this face publishes it at the call, so that a replacement here takes effect."""
    return compile_valid(shape)


install_valid_compiler(_compile_published)

__all__ = [
    "AnyValue",
    "Bool",
    "Errors",
    "Field",
    "Int",
    "Kind",
    "ListOf",
    "MapOf",
    "Model",
    "Null",
    "Number",
    "OneOf",
    "Shape",
    "Str",
    "ValidationError",
    "build_tolerant",
    "check_and_build",
    "check_instance",
    "compile_valid",
    "model_eq",
    "model_hash",
    "model_repr",
    "query_from_options",
    "query_pairs",
    "query_text",
    "register_alias",
    "structure",
    "unstructure",
    "valid_source",
    "validate",
]

T = TypeVar("T")


def check_instance(model: object, shape: Shape) -> None:
    """What every generated class runs after ``__init__``: raise if a field breaks the spec."""
    errors: Errors = []
    if shape.lenient:
        # A response model: an optional field left out reads None, and its name is kept apart.
        absent = frozenset(field.name for field in shape.fields if getattr(model, field.name) is UNSET)
        for name in absent:
            object.__setattr__(model, name, None)
        object.__setattr__(model, "_absent", absent)
    shape.check_model(model, errors)
    if errors:
        raise validation_error(errors)


def check_and_build(data: object, kind: Kind) -> Any:
    """Check a wire value against ``kind`` (all problems at once), then build its Python form."""
    if not kind.valid(data):
        errors: Errors = []
        kind.check(data, "", errors)
        if errors:
            raise validation_error(errors)
    return kind.build(data)


def _is_model_class(cls: Any) -> bool:
    return isinstance(cls, type) and isinstance(getattr(cls, "_shape", None), Shape)


# The kinds of the generated type aliases, by the identity of the alias object (two aliases may be equal
# as types, ``str | list[str]``, and still check differently).
_ALIAS_KINDS: dict[int, tuple[object, Kind]] = {}
_SCALAR_KINDS: dict[object, Kind] = {str: Str(), int: Int(), float: Number(), bool: Bool(), Any: ANY_VALUE}


def register_alias(alias: object, kind: Kind) -> None:
    """Run by a generated models module at import, so that ``structure(data, Alias)`` checks like a field."""
    _ALIAS_KINDS[id(alias)] = (alias, kind)


def _kind_of(cls: object) -> Kind | None:
    """The kind checking values of type ``cls``: a model, an alias, or a list or dict of them."""
    if _is_model_class(cls):
        return Model(cls)  # type: ignore[arg-type]
    registered = _ALIAS_KINDS.get(id(cls))
    if registered is not None and registered[0] is cls:
        return registered[1]
    origin, arguments = typing.get_origin(cls), typing.get_args(cls)
    if origin is list and len(arguments) == 1:
        items = _kind_of(arguments[0])
        return None if items is None else ListOf(items)
    if origin is dict and len(arguments) == 2 and arguments[0] is str:
        values = _kind_of(arguments[1])
        return None if values is None else MapOf(values)
    return _SCALAR_KINDS.get(cls)


@functools.cache
def _converter() -> cattrs.Converter:
    """cattrs, which unstructures the containers around generated models (list[...], dict[...]) with a hook.

    Made on the first ``unstructure``: importing cattrs costs more than the rest of this module, and
    sending seed items never needs it.
    """
    import cattrs

    converter = cattrs.Converter(detailed_validation=False)
    converter.register_unstructure_hook_func(_is_model_class, lambda model: model._shape.dump(model))
    return converter


@typing.overload
def structure(data: object, cls: type[T]) -> T: ...


@typing.overload
def structure(data: object, cls: object) -> Any: ...


def structure(data: object, cls: object) -> Any:
    """The Python form of a wire value (a dict from JSON) as ``cls``: a model, an alias, or a list or dict
    of them; raises ValidationError with paths (``[1].provider``)."""
    kind = _kind_of(cls)
    if kind is None:
        raise TypeError(f"{cls!r} is not a generated model or alias, or a list or dict of them")
    return check_and_build(data, kind)


def unstructure(model: object) -> Any:
    """The exact wire form of a model (or a list of them): no UNSET keys, schema order, then extra keys."""
    return _converter().unstructure(model)


def validate(data: object, cls: type[Any]) -> None:
    """Check a wire value against model ``cls`` without building the model; raises ValidationError."""
    shape = getattr(cls, "_shape", None)
    if not isinstance(shape, Shape) or not isinstance(cls, type):
        raise TypeError(f"{cls!r} is not a generated model")
    if shape.valid(data):
        return
    errors: Errors = []
    shape.check(data, "", errors)
    if errors:
        raise validation_error(errors)


def query_pairs(query: Any) -> list[tuple[str, str]]:
    """A generated query value as ``(key, text)`` pairs in spec order, encoded as the official SDK does:
    unset and None left out, arrays as one pair per item (None items dropped), booleans as true/false."""
    pairs: list[tuple[str, str]] = []
    for field in query._shape.fields:
        value = getattr(query, field.name)
        items = value if isinstance(value, list | tuple) else [value]
        pairs += [(field.key, query_text(item)) for item in items if item is not None and item is not UNSET]
    return pairs


def query_text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def query_from_options(options: Mapping[str, object], cls: type[T]) -> T:
    """A generated query value from an official-style options dict, keyed by field names or wire keys.

    As the official SDK: None values, None items and empty lists are left out, and a single value for an
    array parameter is a list of one. Errors name the key as the caller gave it.
    """
    shape: Shape = cls._shape  # type: ignore[attr-defined]
    by_name = {field.name: field for field in shape.fields} | {field.key: field for field in shape.fields}
    arguments: dict[str, Any] = {}
    errors: Errors = []
    for key, value in options.items():
        field = by_name.get(key) if isinstance(key, str) else None
        if field is None:
            allowed = ", ".join(field.name for field in shape.fields)
            hint = did_you_mean(str(key), [field.name for field in shape.fields])
            errors.append((key_path("", str(key)), f"is not a parameter{hint}; expected one of {allowed}"))
            continue
        if isinstance(field.kind, ListOf):
            value = (
                [item for item in value if item is not None] if isinstance(value, list | tuple) else [value]
            )
        if value is None or value == []:
            continue
        if field.name in arguments:
            errors.append((key_path("", key), f"repeats {field.name}"))
            continue
        field.kind.check_python(value, key_path("", key), errors)
        arguments[field.name] = value
    if errors:
        raise validation_error(errors)
    return cls(**arguments)
