"""Path parameters as they go into a request URL: checked, then percent-encoded as one whole segment.

Encoding every reserved character keeps a value from adding segments or a query ("/", "?", "#"), but the
dot segments "." and ".." are made of unreserved characters, which stay as they are; a server (or any URL
normaliser on the way) then resolves them against the path, so ``tenant_id=".."`` would turn
``v1/user/u/tenant/../`` into ``v1/user/u/``, another endpoint. Encoding the dots is no cure either, as
RFC 3986 lets a normaliser decode ``%2E`` back to ".". So they are refused, before anything is sent.
"""

from __future__ import annotations

from urllib.parse import quote

from ._errors import ValidationError
from ._models import Kind

DOT_SEGMENTS = frozenset({".", ".."})
# Segments already checked and encoded, by (name, value, kind): the same few values (the workspace in every
# legacy trigger, a user id called again and again) come back on every call. Emptied when full.
_ENCODED: dict[tuple[str, str, Kind], str] = {}
_ENCODED_KEPT = 512


def encode_path_segment(name: str, value: object, kind: Kind) -> str:
    """``value`` stripped of surrounding whitespace (as the official SDK strips ids), percent-encoded as
    one path segment; ``ValidationError`` naming ``name`` when it is missing (None, empty or blank) or not
    text, a dot segment, text that is not valid Unicode (a lone surrogate), or against its schema."""
    if type(value) is not str:
        return _encoded(name, value, kind)
    key = (name, value, kind)
    encoded = _ENCODED.get(key)
    if encoded is None:
        encoded = _encoded(name, value, kind)
        if len(_ENCODED) >= _ENCODED_KEPT:
            _ENCODED.clear()
        _ENCODED[key] = encoded
    return encoded


def _encoded(name: str, value: object, kind: Kind) -> str:
    if value is not None and not isinstance(value, str):
        raise official_id_error(name, f"{name} must be a string")
    value = value.strip() if value is not None else ""
    if not value:
        raise official_id_error(name, f"missing {name}")
    if value in DOT_SEGMENTS:
        raise ValidationError(f"{value!r} is a dot segment, which would change the request path", path=name)
    errors: list[tuple[str, str]] = []
    kind.check(value, name, errors)
    if errors:
        raise ValidationError(errors[0][1], path=name, errors=errors)
    try:
        return quote(value, safe="")
    except UnicodeEncodeError as exc:
        raise ValidationError(f"is not valid Unicode (lone surrogate at {exc.start})", path=name) from None


def official_id_error(name: str, message: str) -> ValidationError:
    """A ``ValidationError`` whose message is the official SDK's own (``missing tenant_id``), with ``path``
    still naming the parameter (an id, or an argument the official SDK checks the same way)."""
    error = ValidationError(message, errors=((name, message),))
    error.path = name
    return error


def official_id(value: object, name: str, *, missing_only: bool = False) -> str:
    """An id checked as the official SDK checks it before a call, stripped: ``<name> must be a string``
    for anything but text (or, with ``missing_only``, ``missing <name>`` as its objects calls say), then
    ``missing <name>`` when blank."""
    if not isinstance(value, str) and not missing_only:
        raise official_id_error(name, f"{name} must be a string")
    if not isinstance(value, str) or not value.strip():
        raise official_id_error(name, f"missing {name}")
    return value.strip()
