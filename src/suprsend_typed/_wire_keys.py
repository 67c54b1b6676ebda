"""Object keys as ``json.dumps`` writes them: the official SDK sends ``{1: "x"}`` as ``{"1": "x"}``.

Our bodies are validated before they are dumped, and validation wants string keys; so the keys ``json.dumps``
would convert (int, float, bool, None) are converted first, with its exact spelling, at every depth. Nothing
the caller passed is changed: containers whose keys change are rebuilt, the others are shared as they are.
Almost every body has only string keys, so one read-only pass looks for another key first, and the rebuild
runs only when it finds one.
"""

from __future__ import annotations

import math
from typing import Any

from ._errors import ValidationError
from ._json import TOO_DEEP

_KEY_TEXT = {True: "true", False: "false", None: "null"}
# How json.dumps (allow_nan left on, as the official SDK calls it) spells non-finite float keys.
_NON_FINITE_KEY_TEXT = {math.inf: "Infinity", -math.inf: "-Infinity"}
_NAN_KEY_TEXT = "NaN"
# Values that hold no keys: the read-only pass steps over them without an isinstance chain.
_LEAF_TYPES = frozenset({str, int, float, bool, type(None)})
_CONTAINER_TYPES = (dict, list, tuple)
_DIGITS_PER_BIT = math.log10(2)


class _KeyProblem(Exception):
    """Raised at the bad key; each enclosing container adds its key (str) or index (int) on the way out."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.trail: list[str | int] = []


def _key_text(key: object) -> str:
    if isinstance(key, str):
        return key
    if key is None or isinstance(key, bool):
        return _KEY_TEXT[key]
    if isinstance(key, float):
        if math.isnan(key):
            return _NAN_KEY_TEXT
        return _NON_FINITE_KEY_TEXT.get(key) or float.__repr__(key)
    if isinstance(key, int):
        try:
            return int.__repr__(key)
        except ValueError:  # more digits than the interpreter converts (sys.get_int_max_str_digits())
            raise _KeyProblem(f"an integer key of about {_digits(key)} digits is too long to write") from None
    raise _KeyProblem(f"object keys must be str, int, float, bool or None, got {type(key).__name__}")


def _digits(number: int) -> int:
    """About how many decimal digits ``number`` has, without converting it to text."""
    return int(abs(number).bit_length() * _DIGITS_PER_BIT) + 1


def _key_label(key: object) -> str:
    """How a key that is not text is named in an error path; an integer too long to write is summarised."""
    try:
        return repr(key)
    except ValueError:
        return f"<int of about {_digits(key) if isinstance(key, int) else '?'} digits>"


def _with_text_keys(value: Any) -> Any:
    if isinstance(value, dict):
        converted: dict[str, Any] = {}
        changed = False
        for key, item in value.items():
            try:
                text = _key_text(key)
                new_item = _with_text_keys(item)
            except _KeyProblem as problem:
                problem.trail.append(key if isinstance(key, str) else _key_label(key))
                raise
            if text in converted:
                collision = _KeyProblem(f"two keys are written as {text!r}: {key!r} and one before it")
                collision.trail.append(text)
                raise collision
            changed = changed or text is not key or new_item is not item
            converted[text] = new_item
        return converted if changed else value
    if isinstance(value, list | tuple):
        items = []
        changed = False
        for index, item in enumerate(value):
            try:
                new_item = _with_text_keys(item)
            except _KeyProblem as problem:
                problem.trail.append(index)
                raise
            changed = changed or new_item is not item
            items.append(new_item)
        return items if changed else value
    return value


def _only_text_keys(value: Any) -> bool:
    """Whether every key in ``value`` is a ``str`` at every depth (False also for container subclasses,
    which the rebuild handles, so this pass never has to decide anything subtle)."""
    cls = type(value)
    if cls is dict:
        for key, item in value.items():
            if type(key) is not str:
                return False
            item_cls = type(item)
            if item_cls in _LEAF_TYPES:
                continue
            if item_cls is dict or item_cls is list or item_cls is tuple:
                if not _only_text_keys(item):
                    return False
            elif isinstance(item, _CONTAINER_TYPES):
                return False
        return True
    if cls is list or cls is tuple:
        for item in value:
            item_cls = type(item)
            if item_cls in _LEAF_TYPES:
                continue
            if item_cls is dict or item_cls is list or item_cls is tuple:
                if not _only_text_keys(item):
                    return False
            elif isinstance(item, _CONTAINER_TYPES):
                return False
        return True
    return not isinstance(value, _CONTAINER_TYPES)


def _path(trail: list[str | int]) -> str:
    """``data.orders[0].1`` from the keys and indexes met on the way in."""
    path = ""
    for step in reversed(trail):
        if isinstance(step, int):
            path += f"[{step}]"
        else:
            path = f"{path}.{step}" if path else step
    return path


def with_text_keys(body: dict[str, Any], *, at: str = "") -> dict[str, Any]:
    """``body`` with every object key as ``json.dumps`` would write it; the same object when none changes.

    Keys ``json.dumps`` refuses (tuples, objects) and two keys that would be written alike raise a
    ``ValidationError`` naming the path, before anything is sent; ``at`` is the key ``body`` sits under in
    the request body, if any, so that the path names the whole way.
    """
    try:
        if _only_text_keys(body):
            return body
        converted: dict[str, Any] = _with_text_keys(body)
    except _KeyProblem as problem:
        if at:
            problem.trail.append(at)
        raise ValidationError(problem.reason, path=_path(problem.trail)) from None
    except RecursionError:
        raise ValidationError(TOO_DEEP) from None
    return converted
