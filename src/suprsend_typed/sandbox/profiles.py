"""User profiles as the hub keeps them, changed by user operations (``$set``, ``$append`` ...) as the hub
applies them.

A stored profile is the hub's read shape without its ``distinct_id``: properties, custom and reserved ones
(``$preferred_language``, ``$timezone``, ``$locale`` ...), under ``properties``; each channel (``$email``,
``$androidpush`` ...) a top-level list of ``{"value", "status", "perma_status"}`` entries, push tokens with
their ``id_provider`` and ``bundle_id``; and ``created_at`` / ``updated_at`` timestamps.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any, Final, get_args

from .._generated.models import Channel

CHANNEL_KEYS: Final = frozenset(f"${name}" for name in get_args(Channel))
"""Profile keys that hold channels (``$email`` ...), from the spec's channel names."""
ACTIVE: Final = "active"
PROPERTIES: Final = "properties"
# Keys that travel with a push token inside one $append/$remove: they describe the token, not the profile.
_TOKEN_QUALIFIERS: Final = {"$id_provider": "id_provider", "$bundle_id": "bundle_id"}


def new_profile(now: str) -> dict[str, Any]:
    """An empty profile created at ``now`` (an ISO 8601 timestamp)."""
    return {PROPERTIES: {}, "created_at": now, "updated_at": now}


class OperationError(ValueError):
    """An operation the hub cannot apply; ``path`` locates it (``[0].$add.logins``)."""

    def __init__(self, path: str, reason: str) -> None:
        super().__init__(f"{path}: {reason}")
        self.path = path
        self.reason = reason


def apply_operations(
    profile: Mapping[str, Any] | None, operations: Iterable[Mapping[str, Any]], *, now: str
) -> dict[str, Any]:
    """A new profile: ``profile`` (a new one when None) with ``operations`` applied in order.

    ``$set``, ``$set_once``, ``$add`` (the SDK's name) or ``$increment`` (the REST API's), ``$append``,
    ``$remove`` and ``$unset``; a channel key appends, removes or replaces channel entries, any other key
    changes ``properties``. ``profile`` itself is left unchanged. Raises ``OperationError`` for an unknown
    verb or an argument of the wrong shape, before anything is applied.
    """
    operations = list(operations)
    for index, operation in enumerate(operations):
        for verb, argument in operation.items():
            _check(f"[{index}].{verb}", verb, argument)
    result = _copy(profile, now)
    for operation in operations:
        for verb, argument in operation.items():
            _apply(result, verb, argument)
    result["updated_at"] = now
    return result


_OBJECT_VERBS: Final = frozenset({"$set", "$set_once", "$add", "$increment", "$append", "$remove"})
_NUMBER_VERBS: Final = frozenset({"$add", "$increment"})
VERBS: Final = _OBJECT_VERBS | {"$unset"}


def _check(path: str, verb: str, argument: Any) -> None:
    if verb not in VERBS:
        raise OperationError(path, f"unknown operation; known ones are {sorted(VERBS)}")
    if verb == "$unset":
        if not isinstance(argument, list) or not all(isinstance(key, str) for key in argument):
            raise OperationError(path, "expected a list of keys")
        return
    if not isinstance(argument, dict):
        raise OperationError(path, "expected an object")
    if verb in _NUMBER_VERBS:
        for key, value in argument.items():
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                raise OperationError(f"{path}.{key}", f"expected a number, got {value!r}")


def upsert(profile: Mapping[str, Any] | None, payload: Mapping[str, Any], *, now: str) -> dict[str, Any]:
    """A user upsert body (``{"$email": [...], "name": ...}``) applied: channels gain its values, properties
    take its other keys."""
    result = _copy(profile, now)
    for key, value in payload.items():
        if key in CHANNEL_KEYS:
            for item in value if isinstance(value, list) else [value]:
                _add_entry(result, key, item, {})
        else:
            result[PROPERTIES][key] = value
    result["updated_at"] = now
    return result


def _copy(profile: Mapping[str, Any] | None, now: str) -> dict[str, Any]:
    source = profile if profile is not None else new_profile(now)
    result = {key: list(value) if key in CHANNEL_KEYS else value for key, value in source.items()}
    result[PROPERTIES] = dict(source.get(PROPERTIES) or {})
    return result


def _apply(profile: dict[str, Any], verb: str, argument: Any) -> None:
    properties: dict[str, Any] = profile[PROPERTIES]
    if verb == "$set":
        for key, value in argument.items():
            if key in CHANNEL_KEYS:
                profile.pop(key, None)
                for item in value if isinstance(value, list) else [value]:
                    _add_entry(profile, key, item, {})
            else:
                properties[key] = value
    elif verb == "$set_once":
        for key, value in argument.items():
            if key not in CHANNEL_KEYS:
                properties.setdefault(key, value)
            elif not profile.get(key):
                _add_entry(profile, key, value, {})
    elif verb in ("$add", "$increment"):
        for key, value in argument.items():
            current = properties.get(key)
            properties[key] = (current if isinstance(current, (int, float)) else 0) + value
    elif verb == "$append":
        qualifiers = _qualifiers(argument)
        for key, value in _values(argument):
            if key in CHANNEL_KEYS:
                _add_entry(profile, key, value, qualifiers)
            else:
                values = _as_list(properties.get(key))
                if value not in values:
                    values.append(value)
                properties[key] = values
    elif verb == "$remove":
        for key, value in _values(argument):
            if key in CHANNEL_KEYS:
                profile[key] = [entry for entry in profile.get(key, []) if entry["value"] != value]
                if not profile[key]:
                    del profile[key]
            else:
                properties[key] = [item for item in _as_list(properties.get(key)) if item != value]
    elif verb == "$unset":
        for key in argument:
            (profile if key in CHANNEL_KEYS else properties).pop(key, None)


def _as_list(value: Any) -> list[Any]:
    """A property's values as a list: a single value counts as one."""
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def _add_entry(profile: dict[str, Any], channel: str, value: Any, qualifiers: Mapping[str, Any]) -> None:
    """Add ``value`` to ``channel`` as an active entry, unless it is there already."""
    entries: list[dict[str, Any]] = profile.setdefault(channel, [])
    if any(entry["value"] == value for entry in entries):
        return
    entries.append({"value": value, "status": ACTIVE, "perma_status": ACTIVE, **qualifiers})


def _qualifiers(argument: Mapping[str, Any]) -> dict[str, Any]:
    return {name: argument[key] for key, name in _TOKEN_QUALIFIERS.items() if argument.get(key) is not None}


def _values(argument: Mapping[str, Any]) -> list[tuple[str, Any]]:
    return [(key, value) for key, value in argument.items() if key not in _TOKEN_QUALIFIERS]
