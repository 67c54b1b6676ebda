"""Wire dicts <-> generated models: ``structure``, ``unstructure``, ``validate``, and the checks behind them.

The generated classes (``_generated/models.py``) describe themselves with a ``Shape``: each field's Python
name, JSON key and *kind* (the checker of its values). Everything here is driven by those shapes, so the
rules live in one place and the spec decides the data. Checking collects every problem with its JSON path
(``users[0].$androidpush[1].provider``) before raising one ``ValidationError``.

Most values are valid, so every kind also has ``valid(value)``: the same rules as ``check`` with no paths
or messages built. A wire value is judged by ``valid`` first and walked by ``check`` only when it fails,
so errors keep their exact wording and paths while the common case allocates nothing. A shape's ``valid``
is a function written for it on first use (``compile_valid``): it runs for every record sent.
"""

from __future__ import annotations

import functools
import json
import linecache
import math
import re
import reprlib
import threading
import typing
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

import attrs

if TYPE_CHECKING:
    import cattrs

from ._errors import ValidationError
from ._key_hints import did_you_mean, likeliest_first, unknown_key_reason
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
    errors = likeliest_first(errors)
    path, reason = errors[0]
    return ValidationError(reason, path=path, errors=errors)


class Kind:
    """The checker of one JSON value: its wire form (from a dict) or its Python form (a model field).

    ``converts`` is False when the wire and Python forms are the same immutable scalar, so lists of such
    values are copied without a per-item call; containers always convert, so a model never shares one.
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

    def valid(self, value: object) -> bool:
        """Whether ``check`` would find no problem in the wire value; never builds a path or a message.

        A valid value is always of an accepted type (``valid`` implies ``accepts``), which ``OneOf`` uses.
        """
        return True

    def check_python(self, value: object, path: str, errors: Errors) -> None:
        self.check(value, path, errors)

    def build(self, value: Any) -> Any:
        """The Python form of a checked wire value."""
        return value

    def dump(self, value: Any) -> Any:
        """The wire form of a checked Python value."""
        return value


class AnyValue(Kind):
    """Any JSON value, kept as a deep copy: neither the caller nor a dump shares its containers."""

    __slots__ = ()
    converts = True

    def check_python(self, value: object, path: str, errors: Errors) -> None:
        check_json(value, path, errors)

    def build(self, value: Any) -> Any:
        return copy_json(value)

    def dump(self, value: Any) -> Any:
        return copy_json(value)


_ANY = AnyValue()


def check_json(value: object, path: str, errors: Errors) -> None:
    """Append a problem for each part of ``value`` that JSON cannot carry (walked without recursion)."""
    pending: list[tuple[object, str]] = [(value, path)]
    while pending:
        item, where = pending.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                errors.append((where, "is not a finite number"))
        elif item is None or isinstance(item, str | int):
            continue
        elif isinstance(item, list | tuple):
            pending.extend((inner, f"{where}[{index}]") for index, inner in enumerate(item))
        elif isinstance(item, dict):
            for key, inner in item.items():
                if isinstance(key, str):
                    pending.append((inner, key_path(where, key)))
                else:
                    errors.append((where, f"object keys must be strings, got {_type_name(key)}"))
        else:
            errors.append((where, f"is not a JSON value ({type(item).__name__})"))


def copy_json(value: Any) -> Any:
    """A copy of a JSON value whose lists and dicts are all new (tuples become lists).

    Walked without recursion, so absurd nesting is left for the size and depth checks to refuse.
    """
    if not isinstance(value, dict | list | tuple):
        return value
    root: Any = {} if isinstance(value, dict) else []
    pending: list[tuple[Any, Any]] = [(value, root)]
    while pending:
        source, target = pending.pop()
        entries = source.items() if isinstance(source, dict) else enumerate(source)
        for key, item in entries:
            copied = item
            if isinstance(item, dict | list | tuple):
                copied = {} if isinstance(item, dict) else []
                pending.append((item, copied))
            if isinstance(target, dict):
                target[key] = copied
            else:
                target.append(copied)
    return root


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

    def valid(self, value: object) -> bool:
        if not self.accepts(value) or (self.enum is not None and value not in self.enum):
            return False
        return self.value_valid(value)

    def value_valid(self, value: Any) -> bool:
        """Whether ``check_value`` would find no problem."""
        return True


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

    def valid(self, value: object) -> bool:
        # The common case first: a plain string is accepted without the general isinstance chain.
        if type(value) is not str and not isinstance(value, str):
            return False
        if self.enum is not None and value not in self.enum:
            return False
        if self.min_length is not None and len(value) < self.min_length:
            return False
        if self.max_length is not None and len(value) > self.max_length:
            return False
        return self.pattern is None or self.pattern.search(value) is not None


def _finite(value: int | float) -> bool:
    """Whether a number is finite; an int always is (``math.isfinite`` overflows on ints past 2**1024)."""
    return isinstance(value, int) or math.isfinite(value)


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
        if not _finite(value):
            errors.append((path, "is not a finite number"))
        elif self.minimum is not None and value < self.minimum:
            errors.append((path, f"{value} is less than the minimum of {self.minimum}"))
        elif self.maximum is not None and value > self.maximum:
            errors.append((path, f"{value} is more than the maximum of {self.maximum}"))

    def value_valid(self, value: int | float) -> bool:
        if not _finite(value):
            return False
        if self.minimum is not None and value < self.minimum:
            return False
        return self.maximum is None or value <= self.maximum


class Int(_Numeric):
    """An integer; a whole-number float (``5.0``) is one too, as in JSON Schema, and is kept as given."""

    __slots__ = ()
    label = "integer"
    python_types = int

    def accepts(self, value: object) -> bool:
        if isinstance(value, float):
            return value.is_integer()
        return super().accepts(value)

    def valid(self, value: Any) -> bool:
        # The common case first: a plain int skips the float and bool tests of ``accepts``.
        if type(value) is not int and not self.accepts(value):
            return False
        if self.enum is not None and value not in self.enum:
            return False
        return self.value_valid(value)


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

    __slots__ = ("items", "min_items", "max_items")
    label = "array"
    converts = True

    def __init__(self, items: Kind, *, min_items: int | None = None, max_items: int | None = None) -> None:
        self.items = items
        self.min_items = min_items
        self.max_items = max_items

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

    def valid(self, value: object) -> bool:
        if not isinstance(value, list | tuple):
            return False
        if self.min_items is not None and len(value) < self.min_items:
            return False
        if self.max_items is not None and len(value) > self.max_items:
            return False
        items_valid = self.items.valid
        for item in value:
            if not items_valid(item):
                return False
        return True

    def build(self, value: Any) -> Any:
        return [self.items.build(item) for item in value] if self.items.converts else list(value)

    def dump(self, value: Any) -> Any:
        return [self.items.dump(item) for item in value] if self.items.converts else list(value)


class MapOf(Kind):
    """A free-form JSON object; ``values`` checks each value when the schema says what they are."""

    __slots__ = ("values", "min_properties")
    label = "object"
    converts = True

    def __init__(self, values: Kind | None = None, *, min_properties: int | None = None) -> None:
        self.values = values
        self.min_properties = min_properties

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
        values = _ANY if self.values is None else self.values
        for key, item in value.items():
            if not isinstance(key, str):
                errors.append((path, f"object keys must be strings, got {_type_name(key)}"))
            elif python or self.values is not None:
                check = values.check_python if python else values.check
                check(item, key_path(path, key), errors)

    def valid(self, value: object) -> bool:
        if not isinstance(value, dict):
            return False
        if self.min_properties is not None and len(value) < self.min_properties:
            return False
        values_valid = None if self.values is None else self.values.valid
        for key, item in value.items():
            if type(key) is not str and not isinstance(key, str):
                return False
            if values_valid is not None and not values_valid(item):
                return False
        return True

    def build(self, value: Any) -> Any:
        values = _ANY if self.values is None else self.values
        if values.converts:
            return {key: values.build(item) for key, item in value.items()}
        return dict(value)

    def dump(self, value: Any) -> Any:
        values = _ANY if self.values is None else self.values
        if values.converts:
            return {key: values.dump(item) for key, item in value.items()}
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

    def valid(self, value: object) -> bool:
        shape: Shape = self.cls._shape
        return shape.valid(value)

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

    def valid(self, value: object) -> bool:
        # ``check`` picks the one branch that accepts the value's JSON type, or on a tie the first one
        # without problems: so the value is valid exactly when some accepting branch finds none, and
        # since ``valid`` implies ``accepts``, when some branch finds none.
        for branch in self.branches:
            if branch.valid(value):
                return True
        return False

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
        branch = self._pick(value, python=False)
        return value if branch is None else branch.build(value)

    def dump(self, value: Any) -> Any:
        branch = self._pick(value, python=True)
        return value if branch is None else branch.dump(value)


@attrs.frozen(slots=True)
class Field:
    """One property: Python field ``name``, JSON ``key``, the ``kind`` of its values."""

    name: str
    key: str
    kind: Kind
    required: bool = False


class Shape:
    """What a generated class holds: fields in schema order, and the kind of extra keys (None: refused).

    A ``lenient`` shape (a model only the hub sends) may keep, in ``extra`` under its own key, the value of
    an unset field that did not match the field's type; any other extra key that names a field is refused.
    """

    __slots__ = (
        "cls",
        "fields",
        "extra",
        "lenient",
        "_keys",
        "_by_key",
        "_required_keys",
        "_valid_by_key",
        "_extra_valid",
        "valid",
    )

    # Whether ``check`` would find no problem in a wire value: the function ``compile_valid`` makes.
    valid: Callable[[object], bool]

    def __init__(
        self, cls: type[Any], fields: Sequence[Field], *, extra: Kind | None, lenient: bool = False
    ) -> None:
        self.cls = cls
        self.fields = tuple(fields)
        self.extra = extra
        self.lenient = lenient
        self._keys = {field.key: field.name for field in self.fields}
        self._by_key = {field.key: field for field in self.fields}
        if len(self._by_key) != len(self.fields):
            raise ValueError(f"{cls.__name__} repeats a field key")
        self._required_keys = tuple(field.key for field in self.fields if field.required)
        self._valid_by_key = {field.key: field.kind.valid for field in self.fields}
        # None when any extra value is valid on the wire (free-form JSON: json.dumps judges it), so the
        # common extra keys cost no call.
        self._extra_valid = None if extra is None or type(extra).valid is Kind.valid else extra.valid
        # Compiled on the first call: most shapes are never validated in a process, and the shapes of nested
        # models are attached after this one is made.
        self.valid = self._first_valid

    def _first_valid(self, value: object) -> bool:
        # A caller that kept ``valid`` before its first call holds this method: compile only once.
        if self.valid == self._first_valid:
            self.valid = compile_valid(self)
        return self.valid(value)

    def valid_by_loop(self, value: object) -> bool:
        """Whether ``check`` would find no problem: one pass over the value's keys, nothing allocated.

        The reference that ``compile_valid`` specialises, and what the compiled function runs for a dict
        subclass (whose lookups may be overridden).
        """
        if not isinstance(value, dict):
            return False
        for key in self._required_keys:
            if key not in value:
                return False
        valid_by_key = self._valid_by_key
        refuses_extra = self.extra is None
        extra_valid = self._extra_valid
        for key, item in value.items():
            field_valid = valid_by_key.get(key)
            if field_valid is not None:
                if not field_valid(item):
                    return False
            elif refuses_extra or (type(key) is not str and not isinstance(key, str)):
                return False
            elif extra_valid is not None and not extra_valid(item):
                return False
        return True

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
                errors.append((key_path(path, key), unknown_key_reason(key, self._keys)))
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

    def build_tolerant(self, value: dict[str, Any]) -> Any:
        """The model of a hub answer: a value that does not fit its field is kept in ``extra`` instead."""
        arguments: dict[str, Any] = {}
        extra: dict[str, Any] = {}
        for key, item in value.items():
            field = self._by_key.get(key)
            if field is not None:
                fits, built = tolerant(item, field.kind)
                if fits:
                    arguments[field.name] = built
                    continue
            extra[key] = item
        missing = [field.key for field in self.fields if field.required and field.name not in arguments]
        if missing:
            raise ValidationError("is required", path=missing[0])
        if extra:
            errors: Errors = []
            if self.extra is None or not self.lenient:
                raise ValidationError(f"{self.cls.__name__} cannot keep {', '.join(extra)}", path="")
            for key, item in extra.items():
                self.extra.check(item, key_path("", key), errors)
            if errors:
                raise _error(errors)
            arguments["extra"] = {key: self.extra.build(item) for key, item in extra.items()}
        return self.cls(**arguments)

    def dump(self, model: Any) -> dict[str, Any]:
        wire: dict[str, Any] = {}
        for field in self.fields:
            value = getattr(model, field.name)
            if value is not UNSET:
                wire[field.key] = field.kind.dump(value)
        if self.extra is not None:
            for key, item in model.extra.items():
                # ``extra`` is a dict, so it can change after construction: it must not overwrite a field.
                if key in wire or (key in self._keys and not self.lenient):
                    raise ValidationError(f"is a field of {self.cls.__name__}, set it there", path=key)
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
            elif key in self._keys and (not self.lenient or getattr(model, self._keys[key]) is not UNSET):
                errors.append((key_path("", key), f"is a field of {self.cls.__name__}, set it there"))
            else:
                self.extra.check_python(item, key_path("", key), errors)


# ``Shape.valid`` is compiled per shape, as attrs compiles ``__init__`` per class: every bulk record and every
# trigger body is judged by it, and the generic loop (``valid_by_loop``) pays a lookup and a call per key.
# The function written for one shape looks its keys up in line, inlines the checks of the simple kinds and
# the fields of nested models, and so a valid event body costs one call. It means exactly what
# ``valid_by_loop`` means. Its source holds only spec data of exact types written by ``repr`` (field keys,
# whole-number limits); every other object (enums, patterns, bound checks, model classes) is read from its
# namespace, and the judged value is only ever a variable.


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
        self.namespace: dict[str, Any] = {"finite": _finite}
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
        assert isinstance(kind, _Scalar)
        if kind.enum is not None:
            parts.append(f"{var} in {self.bind(kind.enum, 'enum')}")
        if isinstance(kind, Str):
            if kind.min_length is not None:
                parts.append(f"not len({var}) < {self.literal(kind.min_length)}")
            if kind.max_length is not None:
                parts.append(f"not len({var}) > {self.literal(kind.max_length)}")
            if kind.pattern is not None:
                parts.append(f"{self.bind(kind.pattern.search, 'search')}({var}) is not None")
        if isinstance(kind, _Numeric):
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


def tolerant(value: object, kind: Kind) -> tuple[bool, Any]:
    """Whether a hub value fits ``kind`` once drift inside nested models is moved to their ``extra``,
    and its Python form when it does (a tolerant reader: nothing the hub sent is dropped)."""
    if kind.valid(value):
        return True, kind.build(value)
    if isinstance(kind, Model) and isinstance(value, dict):
        try:
            return True, kind.cls._shape.build_tolerant(value)
        except ValidationError:
            return False, None
    if isinstance(kind, ListOf) and isinstance(value, list):
        items = [tolerant(item, kind.items) for item in value]
        if all(fits for fits, _ in items) and not _size_errors(kind, value):
            return True, [built for _, built in items]
        return False, None
    if isinstance(kind, OneOf):
        for branch in kind.branches:
            if branch.accepts(value):
                fits, built = tolerant(value, branch)
                if fits:
                    return True, built
    return False, None


def _size_errors(kind: ListOf, value: list[Any]) -> bool:
    too_few = kind.min_items is not None and len(value) < kind.min_items
    return too_few or (kind.max_items is not None and len(value) > kind.max_items)


def build_tolerant(data: object, kind: Kind) -> Any:
    """The Python form of a hub answer read tolerantly; raises ValidationError only when it cannot be kept."""
    fits, built = tolerant(data, kind)
    if not fits:
        errors: Errors = []
        kind.check(data, "", errors)
        raise _error(errors or [("", f"expected {kind.label}, got {_type_name(data)}")])
    return built


# The generated classes share the three methods below (``repr=False, eq=False`` in their decorator), which
# behave as the ones attrs would compile for each class at import, a large part of that module's import time.

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
            return unstructure(model) == dict(other)
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


def check_instance(model: object, shape: Shape) -> None:
    """What every generated class runs after ``__init__``: raise if a field breaks the spec."""
    errors: Errors = []
    shape.check_model(model, errors)
    if errors:
        raise _error(errors)


def check_and_build(data: object, kind: Kind) -> Any:
    """Check a wire value against ``kind`` (all problems at once), then build its Python form."""
    if not kind.valid(data):
        errors: Errors = []
        kind.check(data, "", errors)
        if errors:
            raise _error(errors)
    return kind.build(data)


def _is_model_class(cls: Any) -> bool:
    return isinstance(cls, type) and isinstance(getattr(cls, "_shape", None), Shape)


# The kinds of the generated type aliases, by the identity of the alias object (two aliases may be equal
# as types, ``str | list[str]``, and still check differently).
_ALIAS_KINDS: dict[int, tuple[object, Kind]] = {}
_SCALAR_KINDS: dict[object, Kind] = {str: Str(), int: Int(), float: Number(), bool: Bool(), Any: _ANY}


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
        raise _error(errors)


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
        raise _error(errors)
    return cls(**arguments)
