"""Applying user operations (``$set``, ``$append`` ...) to a stored profile, as the hub does."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Final

# Keys that travel with a push token inside one $append/$remove and describe it rather than the profile.
_TOKEN_QUALIFIERS: Final = frozenset({"$id_provider", "$bundle_id"})


def apply_operations(profile: dict[str, Any], operations: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A new profile with ``operations`` applied in order; ``profile`` itself is left unchanged."""
    result = dict(profile)
    for operation in operations:
        for verb, argument in operation.items():
            _apply(result, verb, argument)
    return result


def _apply(profile: dict[str, Any], verb: str, argument: Any) -> None:
    if verb == "$set":
        profile.update(argument)
    elif verb == "$set_once":
        for key, value in argument.items():
            profile.setdefault(key, value)
    elif verb == "$add":
        for key, value in argument.items():
            profile[key] = profile.get(key, 0) + value
    elif verb == "$append":
        for key, value in _items(argument):
            values = list(profile.get(key, []))
            if value not in values:
                values.append(value)
            profile[key] = values
    elif verb == "$remove":
        for key, value in _items(argument):
            profile[key] = [item for item in profile.get(key, []) if item != value]
    elif verb == "$unset":
        for key in argument:
            profile.pop(key, None)


def _items(argument: dict[str, Any]) -> list[tuple[str, Any]]:
    """Pairs to append/remove; a push token is kept together with its provider and bundle id."""
    qualifiers = {k: v for k, v in argument.items() if k in _TOKEN_QUALIFIERS and v is not None}
    pairs = []
    for key, value in argument.items():
        if key in _TOKEN_QUALIFIERS:
            continue
        pairs.append((key, {"value": value, **qualifiers} if qualifiers else value))
    return pairs
