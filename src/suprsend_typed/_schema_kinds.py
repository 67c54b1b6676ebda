"""The schema kinds: the checkers of JSON values that generated models describe themselves with.

A generated class (``_generated/models.py``) has a ``Shape``: each field's Python name, JSON key and *kind*
(``Str``, ``Int``, ``ListOf``, ``Model``, ``OneOf``...). Checking collects every problem with its JSON path
(``users[0].$androidpush[1].provider``) before raising one ``ValidationError``.

Most values are valid, so every kind also has ``valid(value)``: the same rules as ``check`` with no paths
or messages built. A wire value is judged by ``valid`` first and walked by ``check`` only when it fails, so
errors keep their exact wording and paths while the common case allocates nothing. A shape's ``valid`` is
a function written for it on first use (``_valid_compiler.compile_valid``): it runs for every record sent.
"""

from __future__ import annotations

import json
import math
import re
import reprlib
from collections.abc import Callable, Sequence
from typing import Any

import attrs

from ._errors import ValidationError
from ._key_hints import likeliest_first, unknown_key_reason
from ._types import UNSET

Errors = list[tuple[str, str]]

_PLAIN_KEY = re.compile(r"^[A-Za-z_$][A-Za-z0-9_$]*$")


def key_path(path: str, key: str) -> str:
    """``path`` extended by an object key: ``users[0]`` + ``$email`` -> ``users[0].$email``."""
    if not _PLAIN_KEY.match(key):
        return f"{path}[{json.dumps(key, ensure_ascii=False)}]"
    return f"{path}.{key}" if path else key


def json_type_name(value: object) -> str:
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


def validation_error(errors: Errors) -> ValidationError:
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


ANY_VALUE = AnyValue()


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
                    errors.append((where, f"object keys must be strings, got {json_type_name(key)}"))
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


class ScalarKind(Kind):
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
            errors.append((path, f"expected {self.label}, got {json_type_name(value)}"))
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


class Str(ScalarKind):
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


def is_finite(value: int | float) -> bool:
    """Whether a number is finite; an int always is (``math.isfinite`` overflows on ints past 2**1024)."""
    return isinstance(value, int) or math.isfinite(value)


class NumericKind(ScalarKind):
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
        if not is_finite(value):
            errors.append((path, "is not a finite number"))
        elif self.minimum is not None and value < self.minimum:
            errors.append((path, f"{value} is less than the minimum of {self.minimum}"))
        elif self.maximum is not None and value > self.maximum:
            errors.append((path, f"{value} is more than the maximum of {self.maximum}"))

    def value_valid(self, value: int | float) -> bool:
        if not is_finite(value):
            return False
        if self.minimum is not None and value < self.minimum:
            return False
        return self.maximum is None or value <= self.maximum


class Int(NumericKind):
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


class Number(NumericKind):
    __slots__ = ()
    label = "number"
    python_types = (int, float)


class Bool(ScalarKind):
    __slots__ = ()
    label = "boolean"
    python_types = bool


class Null(ScalarKind):
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
            errors.append((path, f"expected an array, got {json_type_name(value)}"))
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
            errors.append((path, f"expected an object, got {json_type_name(value)}"))
            return
        if self.min_properties is not None and len(value) < self.min_properties:
            errors.append((path, f"has {len(value)} key(s), fewer than the minimum of {self.min_properties}"))
        values = ANY_VALUE if self.values is None else self.values
        for key, item in value.items():
            if not isinstance(key, str):
                errors.append((path, f"object keys must be strings, got {json_type_name(key)}"))
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
        values = ANY_VALUE if self.values is None else self.values
        if values.converts:
            return {key: values.build(item) for key, item in value.items()}
        return dict(value)

    def dump(self, value: Any) -> Any:
        values = ANY_VALUE if self.values is None else self.values
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
            errors.append((path, f"expected {self.label}, got {json_type_name(value)}"))
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


# What writes a shape's ``valid`` on its first call. The compiler reads the kinds of this module, so it
# cannot be imported here: the runtime's face (``_models``) installs it, and until then (this module used
# alone) the generic loop judges.
_valid_compiler_hook: Callable[[Shape], Callable[[object], bool]] | None = None


def install_valid_compiler(compiler: Callable[[Shape], Callable[[object], bool]]) -> None:
    """Make ``compiler`` write the ``valid`` of every shape not yet judged (``_models`` calls it once)."""
    global _valid_compiler_hook
    _valid_compiler_hook = compiler


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
            compiler = _valid_compiler_hook
            self.valid = self.valid_by_loop if compiler is None else compiler(self)
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
            errors.append((path, f"expected an object, got {json_type_name(value)}"))
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
                errors.append((path, f"object keys must be strings, got {json_type_name(key)}"))
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
                raise validation_error(errors)
            arguments["extra"] = {key: self.extra.build(item) for key, item in extra.items()}
        return self.cls(**arguments)

    def dump(self, model: Any) -> dict[str, Any]:
        wire: dict[str, Any] = {}
        absent = model._absent if self.lenient else ()
        for field in self.fields:
            value = getattr(model, field.name)
            if value is not UNSET and field.name not in absent:
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
            if value is UNSET or (self.lenient and field.name in model._absent):
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
            elif key in self._keys and (not self.lenient or self._keys[key] not in model._absent):
                errors.append((key_path("", key), f"is a field of {self.cls.__name__}, set it there"))
            else:
                self.extra.check_python(item, key_path("", key), errors)


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
        raise validation_error(errors or [("", f"expected {kind.label}, got {json_type_name(data)}")])
    return built
