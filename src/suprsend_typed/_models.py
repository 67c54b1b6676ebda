"""Wire dicts <-> generated models: ``structure``, ``unstructure``, ``validate``, and the checks behind them.

The generated classes (``_generated/models.py``) describe themselves with a ``Shape``: each field's Python
name, JSON key and *kind* (the checker of its values). Everything here is driven by those shapes, so the
rules live in one place and the spec decides the data. Checking collects every problem with its JSON path
(``users[0].$androidpush[1].provider``) before raising one ``ValidationError``.
"""

from __future__ import annotations

import json
import math
import re
import reprlib
from collections.abc import Sequence
from typing import Any, TypeVar

import attrs
import cattrs

from ._errors import ValidationError
from ._types import UNSET

T = TypeVar("T")
Errors = list[tuple[str, str]]

_PLAIN_KEY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def key_path(path: str, key: str) -> str:
    """``path`` extended by an object key: ``users[0]`` + ``$email`` -> ``users[0].$email``."""
    if not _PLAIN_KEY.match(key):
        return f"{path}[{json.dumps(key, ensure_ascii=False)}]"
    return f"{path}.{key}" if path else key


def _type_name(value: object) -> str:
    """The JSON name of a value's type, as error messages show it."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list | tuple):
        return "array"
    if isinstance(value, dict):
        return "object"
    return type(value).__name__


def _error(errors: Errors) -> ValidationError:
    path, reason = errors[0]
    return ValidationError(reason, path=path, errors=errors)


class Kind:
    """The checker of one JSON value: its wire form (from a dict) or its Python form (a model field).

    ``converts`` is False when the wire and Python forms are the same object, so lists of such values are
    copied without a per-item call.
    """

    __slots__ = ()
    label = "any value"
    converts = False

    def accepts(self, value: object) -> bool:
        """Whether the wire value has this kind's JSON type (used to pick a ``OneOf`` branch)."""
        return True

    def accepts_python(self, value: object) -> bool:
        return self.accepts(value)

    def check(self, value: object, path: str, errors: Errors) -> None:
        """Append ``(path, reason)`` for each problem of a wire value."""

    def check_python(self, value: object, path: str, errors: Errors) -> None:
        self.check(value, path, errors)

    def build(self, value: Any) -> Any:
        """The Python form of a checked wire value."""
        return value

    def dump(self, value: Any) -> Any:
        """The wire form of a checked Python value."""
        return value


class AnyValue(Kind):
    """Any JSON value, kept as it is."""

    __slots__ = ()


class _Scalar(Kind):
    __slots__ = ("enum",)
    python_types: type | tuple[type, ...] = object

    def __init__(self, *, enum: Sequence[object] | None = None) -> None:
        self.enum = None if enum is None else tuple(enum)

    def accepts(self, value: object) -> bool:
        return isinstance(value, self.python_types) and not (
            isinstance(value, bool) and bool not in _as_tuple(self.python_types)
        )

    def check(self, value: object, path: str, errors: Errors) -> None:
        if not self.accepts(value):
            errors.append((path, f"expected {self.label}, got {_type_name(value)}"))
        elif self.enum is not None and value not in self.enum:
            allowed = ", ".join(str(option) for option in self.enum)
            errors.append((path, f"{reprlib.repr(value)} is not one of {allowed}"))
        else:
            self.check_value(value, path, errors)

    def check_value(self, value: Any, path: str, errors: Errors) -> None:
        """Constraints beyond the type and the enum."""


def _as_tuple(types: type | tuple[type, ...]) -> tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


class Str(_Scalar):
    __slots__ = ("min_length", "max_length", "pattern")
    label = "string"
    python_types = str

    def __init__(
        self,
        *,
        enum: Sequence[str] | None = None,
        min_length: int | None = None,
        max_length: int | None = None,
        pattern: str | None = None,
    ) -> None:
        super().__init__(enum=enum)
        self.min_length = min_length
        self.max_length = max_length
        self.pattern = None if pattern is None else re.compile(pattern)

    def check_value(self, value: str, path: str, errors: Errors) -> None:
        if self.min_length is not None and len(value) < self.min_length:
            errors.append(
                (path, "must not be empty" if not value else f"is shorter than {self.min_length} characters")
            )
        if self.max_length is not None and len(value) > self.max_length:
            errors.append((path, f"is longer than {self.max_length} characters ({len(value)})"))
        # The value itself is not shown: a token that fails its pattern may still be a secret.
        if self.pattern is not None and not self.pattern.search(value):
            errors.append((path, f"does not match the pattern {self.pattern.pattern}"))


class _Numeric(_Scalar):
    __slots__ = ("minimum", "maximum")

    def __init__(
        self,
        *,
        enum: Sequence[int | float] | None = None,
        minimum: int | float | None = None,
        maximum: int | float | None = None,
    ) -> None:
        super().__init__(enum=enum)
        self.minimum = minimum
        self.maximum = maximum

    def check_value(self, value: int | float, path: str, errors: Errors) -> None:
        if not math.isfinite(value):
            errors.append((path, "is not a finite number"))
        elif self.minimum is not None and value < self.minimum:
            errors.append((path, f"{value} is less than the minimum of {self.minimum}"))
        elif self.maximum is not None and value > self.maximum:
            errors.append((path, f"{value} is more than the maximum of {self.maximum}"))


class Int(_Numeric):
    __slots__ = ()
    label = "integer"
    python_types = int


class Number(_Numeric):
    __slots__ = ()
    label = "number"
    python_types = (int, float)


class Bool(_Scalar):
    __slots__ = ()
    label = "boolean"
    python_types = bool


class Null(_Scalar):
    __slots__ = ()
    label = "null"
    python_types = type(None)


class ListOf(Kind):
    """A JSON array (a list in Python; tuples are accepted and become lists)."""

    __slots__ = ("items", "min_items", "max_items", "converts")
    label = "array"

    def __init__(self, items: Kind, *, min_items: int | None = None, max_items: int | None = None) -> None:
        self.items = items
        self.min_items = min_items
        self.max_items = max_items
        self.converts = items.converts

    def accepts(self, value: object) -> bool:
        # The first item tells a list of strings from a list of objects.
        return isinstance(value, list | tuple) and (not value or self.items.accepts(value[0]))

    def accepts_python(self, value: object) -> bool:
        return isinstance(value, list | tuple) and (not value or self.items.accepts_python(value[0]))

    def check(self, value: object, path: str, errors: Errors) -> None:
        self._check(value, path, errors, python=False)

    def check_python(self, value: object, path: str, errors: Errors) -> None:
        self._check(value, path, errors, python=True)

    def _check(self, value: object, path: str, errors: Errors, *, python: bool) -> None:
        if not isinstance(value, list | tuple):
            errors.append((path, f"expected an array, got {_type_name(value)}"))
            return
        if self.min_items is not None and len(value) < self.min_items:
            errors.append((path, f"has {len(value)} item(s), fewer than the minimum of {self.min_items}"))
        if self.max_items is not None and len(value) > self.max_items:
            errors.append((path, f"has {len(value)} items, more than the maximum of {self.max_items}"))
        check = self.items.check_python if python else self.items.check
        for index, item in enumerate(value):
            check(item, f"{path}[{index}]", errors)

    def build(self, value: Any) -> Any:
        return [self.items.build(item) for item in value] if self.converts else list(value)

    def dump(self, value: Any) -> Any:
        return [self.items.dump(item) for item in value] if self.converts else list(value)


class MapOf(Kind):
    """A free-form JSON object; ``values`` checks each value when the schema says what they are."""

    __slots__ = ("values", "min_properties", "converts")
    label = "object"

    def __init__(self, values: Kind | None = None, *, min_properties: int | None = None) -> None:
        self.values = values
        self.min_properties = min_properties
        self.converts = values is not None and values.converts

    def accepts(self, value: object) -> bool:
        return isinstance(value, dict)

    def check(self, value: object, path: str, errors: Errors) -> None:
        self._check(value, path, errors, python=False)

    def check_python(self, value: object, path: str, errors: Errors) -> None:
        self._check(value, path, errors, python=True)

    def _check(self, value: object, path: str, errors: Errors, *, python: bool) -> None:
        if not isinstance(value, dict):
            errors.append((path, f"expected an object, got {_type_name(value)}"))
            return
        if self.min_properties is not None and len(value) < self.min_properties:
            errors.append((path, f"has {len(value)} key(s), fewer than the minimum of {self.min_properties}"))
        for key, item in value.items():
            if not isinstance(key, str):
                errors.append((path, f"object keys must be strings, got {_type_name(key)}"))
            elif self.values is not None:
                check = self.values.check_python if python else self.values.check
                check(item, key_path(path, key), errors)

    def build(self, value: Any) -> Any:
        if self.values is not None and self.converts:
            return {key: self.values.build(item) for key, item in value.items()}
        return dict(value)

    def dump(self, value: Any) -> Any:
        if self.values is not None and self.converts:
            return {key: self.values.dump(item) for key, item in value.items()}
        return dict(value)


class Model(Kind):
    """An object schema: a dict on the wire, an instance of the generated class in Python."""

    __slots__ = ("cls",)
    label = "object"
    converts = True
    cls: type[Any]

    def __init__(self, cls: type[Any]) -> None:
        # The class's shape is attached after every class exists, so only its attrs-ness is checked here.
        if not attrs.has(cls):
            raise TypeError(f"{cls!r} is not a generated model")
        self.cls = cls

    def accepts(self, value: object) -> bool:
        return isinstance(value, dict)

    def accepts_python(self, value: object) -> bool:
        return isinstance(value, self.cls)

    def check(self, value: object, path: str, errors: Errors) -> None:
        self.cls._shape.check(value, path, errors)

    def check_python(self, value: object, path: str, errors: Errors) -> None:
        # An instance was checked when it was made; anything else is the wrong type.
        if not isinstance(value, self.cls):
            errors.append((path, f"expected {self.cls.__name__}, got {type(value).__name__}"))

    def build(self, value: Any) -> Any:
        return self.cls._shape.build(value)

    def dump(self, value: Any) -> Any:
        return value._shape.dump(value)


class OneOf(Kind):
    """Exactly one of several kinds, picked by the value's JSON type (and by trial only when that ties)."""

    __slots__ = ("branches", "converts", "label")

    def __init__(self, branches: Sequence[Kind]) -> None:
        self.branches = tuple(branches)
        self.converts = any(branch.converts for branch in self.branches)
        self.label = " or ".join(dict.fromkeys(branch.label for branch in self.branches))

    def accepts(self, value: object) -> bool:
        return any(branch.accepts(value) for branch in self.branches)

    def accepts_python(self, value: object) -> bool:
        return any(branch.accepts_python(value) for branch in self.branches)

    def _pick(self, value: object, *, python: bool) -> Kind | None:
        if python:
            candidates = [branch for branch in self.branches if branch.accepts_python(value)]
        else:
            candidates = [branch for branch in self.branches if branch.accepts(value)]
        if len(candidates) <= 1:
            return candidates[0] if candidates else None
        for branch in candidates:
            trial: Errors = []
            (branch.check_python if python else branch.check)(value, "", trial)
            if not trial:
                return branch
        return candidates[0]

    def check(self, value: object, path: str, errors: Errors) -> None:
        branch = self._pick(value, python=False)
        if branch is None:
            errors.append((path, f"expected {self.label}, got {_type_name(value)}"))
        else:
            branch.check(value, path, errors)

    def check_python(self, value: object, path: str, errors: Errors) -> None:
        # A wrong value of the right JSON type (a dict where a model belongs) is checked by that branch,
        # which names the problem more precisely than "expected X or Y".
        branch = self._pick(value, python=True) or self._pick(value, python=False)
        if branch is None:
            errors.append((path, f"expected {self.label}, got {type(value).__name__}"))
        else:
            branch.check_python(value, path, errors)

    def build(self, value: Any) -> Any:
        branch = self._pick(value, python=False) if self.converts else None
        return value if branch is None else branch.build(value)

    def dump(self, value: Any) -> Any:
        branch = self._pick(value, python=True) if self.converts else None
        return value if branch is None else branch.dump(value)


@attrs.frozen(slots=True)
class Field:
    """One property: Python field ``name``, JSON ``key``, the ``kind`` of its values."""

    name: str
    key: str
    kind: Kind
    required: bool = False


class Shape:
    """What a generated class holds: fields in schema order, and the kind of extra keys (None: refused)."""

    __slots__ = ("cls", "fields", "extra", "_keys")

    def __init__(self, cls: type[Any], fields: Sequence[Field], *, extra: Kind | None) -> None:
        self.cls = cls
        self.fields = tuple(fields)
        self.extra = extra
        self._keys = {field.key: field.name for field in self.fields}

    def check(self, value: object, path: str, errors: Errors) -> None:
        if not isinstance(value, dict):
            errors.append((path, f"expected an object, got {_type_name(value)}"))
            return
        for field in self.fields:
            if field.key in value:
                field.kind.check(value[field.key], key_path(path, field.key), errors)
            elif field.required:
                errors.append((key_path(path, field.key), "is required"))
        for key, item in value.items():
            if key in self._keys:
                continue
            if not isinstance(key, str):
                errors.append((path, f"object keys must be strings, got {_type_name(key)}"))
            elif self.extra is None:
                errors.append((key_path(path, key), "is not an allowed property"))
            else:
                self.extra.check(item, key_path(path, key), errors)

    def build(self, value: dict[str, Any]) -> Any:
        arguments = {
            field.name: field.kind.build(value[field.key]) for field in self.fields if field.key in value
        }
        if self.extra is not None:
            extra = {key: self.extra.build(item) for key, item in value.items() if key not in self._keys}
            if extra:
                arguments["extra"] = extra
        return self.cls(**arguments)

    def dump(self, model: Any) -> dict[str, Any]:
        wire: dict[str, Any] = {}
        for field in self.fields:
            value = getattr(model, field.name)
            if value is not UNSET:
                wire[field.key] = field.kind.dump(value)
        if self.extra is not None:
            for key, item in model.extra.items():
                wire[key] = self.extra.dump(item)
        return wire

    def check_model(self, model: Any, errors: Errors) -> None:
        for field in self.fields:
            value = getattr(model, field.name)
            if value is UNSET:
                if field.required:
                    errors.append((field.key, "is required"))
            else:
                field.kind.check_python(value, field.key, errors)
        if self.extra is None:
            return
        if not isinstance(model.extra, dict):
            errors.append(("extra", f"expected a dict, got {type(model.extra).__name__}"))
            return
        for key, item in model.extra.items():
            if not isinstance(key, str):
                errors.append(("extra", f"keys must be strings, got {type(key).__name__}"))
            elif key in self._keys:
                errors.append((key_path("", key), f"is a field of {self.cls.__name__}, set it there"))
            else:
                self.extra.check_python(item, key_path("", key), errors)


def check_instance(model: object, shape: Shape) -> None:
    """What every generated class runs after ``__init__``: raise if a field breaks the spec."""
    errors: Errors = []
    shape.check_model(model, errors)
    if errors:
        raise _error(errors)


def check_and_build(data: object, kind: Kind) -> Any:
    """Check a wire value against ``kind`` (all problems at once), then build its Python form."""
    errors: Errors = []
    kind.check(data, "", errors)
    if errors:
        raise _error(errors)
    return kind.build(data)


def _is_model_class(cls: Any) -> bool:
    return isinstance(cls, type) and isinstance(getattr(cls, "_shape", None), Shape)


def _structure_model(data: object, cls: type[T]) -> T:
    built: T = check_and_build(data, Model(cls))
    return built


def _unstructure_model(model: Any) -> dict[str, Any]:
    return model._shape.dump(model)  # type: ignore[no-any-return]


# Generated models get the hooks above; cattrs handles the containers around them (list[...], dict[...]).
_converter = cattrs.Converter(detailed_validation=False)
_converter.register_structure_hook_func(_is_model_class, _structure_model)
_converter.register_unstructure_hook_func(_is_model_class, _unstructure_model)


def structure(data: object, cls: type[T]) -> T:
    """The model of class ``cls`` for a wire value (a dict from JSON); raises ValidationError with paths."""
    return _converter.structure(data, cls)


def unstructure(model: object) -> Any:
    """The exact wire form of a model (or a list of them): no UNSET keys, schema order, then extra keys."""
    return _converter.unstructure(model)


def validate(data: object, cls: type[Any]) -> None:
    """Check a wire value against model ``cls`` without building the model; raises ValidationError."""
    if not _is_model_class(cls):
        raise TypeError(f"{cls!r} is not a generated model")
    errors: Errors = []
    Model(cls).check(data, "", errors)
    if errors:
        raise _error(errors)
