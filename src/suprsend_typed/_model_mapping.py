"""Generated models read like the official SDK's answer dicts: ``r["results"][0]["distinct_id"]``.

Each generated class takes these functions as its ``__getitem__``, ``get``, ``keys``, ``__iter__``,
``__contains__`` and ``to_dict``: keys are wire keys (``$email``, not ``email``), values are plain JSON
(fresh containers), and a field left UNSET (or absent from a response) is not a key. Typed attributes
(``r.results[0].distinct_id``) stay the primary way to read a model. There is deliberately no
``__len__``: a model with no keys set must still be truthy. The generated classes type ``model["key"]``
and ``model.get("key", default)`` per wire key for the type checker only (``if TYPE_CHECKING``); at run
time ``__getitem__`` and ``get`` are ``model_getitem`` and ``model_get`` themselves.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, TypeAlias, TypeVar

from ._types import UNSET

ABSENT: Any = UNSET
"""The default of an optional field of a response model: ``check_instance`` turns it into None and notes
the field in ``_absent``, so the attribute reads None while ``is_absent`` still tells absent from null."""

Unknown: TypeAlias = object
"""What ``model[key]`` is typed as for a key the schema does not name: a value kept from the hub, to narrow
with ``isinstance`` before use. A misspelt key therefore reads as nothing usable as a typed value."""

Default = TypeVar("Default")
"""The type of ``model.get(key, default)``'s default, which the read returns when the key is not held."""


def _value(model: Any, key: str) -> Any:
    name = model._shape._keys.get(key)
    if name is not None:
        value = getattr(model, name)
        if value is not UNSET and not (model._shape.lenient and name in model._absent):
            return value
    # A response keeps in ``extra``, under the field's own key, a value that did not fit the field.
    if model._shape.extra is not None and key in model.extra:
        return model.extra[key]
    raise KeyError(key)


def model_getitem(model: Any, key: str) -> Any:
    """The wire value under ``key`` as plain JSON; KeyError when the model does not hold it."""
    from ._models import unstructure

    return unstructure(_value(model, key))


def model_get(model: Any, key: str, default: Any = None) -> Any:
    try:
        return model_getitem(model, key)
    except KeyError:
        return default


def model_keys(model: Any) -> list[str]:
    """The wire keys the model holds: set fields in schema order, then extra keys."""
    absent = model._absent if model._shape.lenient else ()
    keys = [
        field.key
        for field in model._shape.fields
        if getattr(model, field.name) is not UNSET and field.name not in absent
    ]
    if model._shape.extra is not None:
        keys += list(model.extra)
    return keys


def model_is_absent(model: Any, name: str) -> bool:
    """Whether the field ``name`` (its attribute name) was absent from the answer, rather than null: both
    read None as attributes, but an absent field is no key of the model."""
    if not any(field.name == name for field in model._shape.fields):
        raise AttributeError(f"{type(model).__name__} has no field {name!r}")
    return name in model._absent


def model_iter(model: Any) -> Iterator[str]:
    return iter(model_keys(model))


def model_contains(model: Any, key: object) -> bool:
    try:
        _value(model, str(key))
    except KeyError:
        return False
    return isinstance(key, str)


def model_to_dict(model: Any) -> dict[str, Any]:
    """The model's exact wire JSON as fresh containers (what the official SDK returns)."""
    from ._models import unstructure

    result: dict[str, Any] = unstructure(model)
    return result


def model_dict_repr(model: Any) -> str:
    """The repr of the model's wire JSON (``{'results': [...]}``), as printing the official answer shows."""
    return repr(model_to_dict(model))
