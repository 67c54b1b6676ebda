"""The client surface of an operation: its ``tags`` and ``x-suprsend-*`` extensions, checked.

These are the facts hand-written code used to guess (botocore keeps them in data too): which namespace
and method an operation is, whether it may be retried, how its pages follow each other, and the official
SDK's argument order and short cuts.
"""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from typing import Any, get_args

from .errors import SpecError, child
from .ir import PageStyle, Pagination, RetryPolicy, Surface

_SNAKE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_RETRY_POLICIES: tuple[str, ...] = get_args(RetryPolicy)
_PAGE_STYLES: tuple[str, ...] = get_args(PageStyle)
# Names the generated resource classes and the client already use for something else.
RESERVED_NAMESPACES = frozenset({"with_options", "close", "request", "base_url", "workspace_key"})
RESERVED_METHODS = frozenset({"with_options"})
EXTENSION_KEYS = frozenset(
    {
        "x-suprsend-method",
        "x-suprsend-retry",
        "x-suprsend-pagination",
        "x-suprsend-result",
        "x-suprsend-positional",
        "x-suprsend-empty-shortcut",
        "x-suprsend-official-names",
        "x-suprsend-records",  # read by records.py
        "x-suprsend-id-checks",
    }
)
OFFICIAL_PAYLOAD = "payload"
OFFICIAL_OPTIONS = "options"


def surface(
    operation: Mapping[str, Any],
    pointer: str,
    *,
    operation_id: str,
    path_params: tuple[str, ...],
    query_params: tuple[str, ...],
    body_fields: tuple[str, ...] | None,
) -> Surface | None:
    """The surface of one operation, or None when it has no tag (endpoint builders only).

    ``body_fields`` are the wire names of the body model's properties, or None when the body is not one
    model (an array, a union) or there is no body.
    """
    for key in operation:
        if str(key).startswith("x-suprsend-") and key not in EXTENSION_KEYS:
            raise SpecError(child(pointer, str(key)), f"unknown extension {key!r}")
    tags = operation.get("tags")
    if tags is None:
        for key in EXTENSION_KEYS:
            if key in operation:
                raise SpecError(child(pointer, key), "an operation without tags has no client method")
        return None
    if not isinstance(tags, list) or len(tags) != 1 or not isinstance(tags[0], str):
        raise SpecError(child(pointer, "tags"), "exactly one tag, the client namespace, is expected")
    namespace = _name(tags[0], child(pointer, "tags", 0), "a namespace")
    if namespace in RESERVED_NAMESPACES:
        raise SpecError(child(pointer, "tags", 0), f"namespace {namespace!r} is taken by the client")
    method_pointer = child(pointer, "x-suprsend-method")
    method_name = _name(operation.get("x-suprsend-method", operation_id), method_pointer, "a method name")
    if method_name in RESERVED_METHODS or method_name.startswith("_"):
        raise SpecError(method_pointer, f"method name {method_name!r} is taken by the resource base")
    retry = operation.get("x-suprsend-retry")
    if retry not in _RETRY_POLICIES:
        raise SpecError(
            child(pointer, "x-suprsend-retry"),
            f"x-suprsend-retry must be one of {', '.join(_RETRY_POLICIES)}; got {retry!r}",
        )
    result = operation.get("x-suprsend-result", "model")
    if result not in ("model", "status"):
        raise SpecError(child(pointer, "x-suprsend-result"), "x-suprsend-result must be model or status")
    positional = _positional(operation, pointer, path_params, query_params, body_fields)
    shortcut, shortcut_message = _empty_shortcut(operation, pointer, body_fields, positional)
    id_checks, missing_only = _id_checks(operation, pointer, path_params)
    return Surface(
        namespace=namespace,
        method_name=method_name,
        retry=retry,
        pagination=_pagination(operation, pointer, query_params),
        result=result,
        positional=positional,
        empty_shortcut=shortcut,
        empty_shortcut_message=shortcut_message,
        official_names=_official_names(operation, pointer, positional),
        id_checks=id_checks,
        id_missing_only=missing_only,
    )


def _name(value: object, pointer: str, what: str) -> str:
    if not isinstance(value, str) or not _SNAKE_NAME.match(value) or keyword.iskeyword(value):
        raise SpecError(pointer, f"{what} must be a snake_case Python name; got {value!r}")
    return value


def _pagination(
    operation: Mapping[str, Any], pointer: str, query_params: tuple[str, ...]
) -> Pagination | None:
    pointer = child(pointer, "x-suprsend-pagination")
    raw = operation.get("x-suprsend-pagination")
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or set(raw) != {"style", "items", "meta"}:
        raise SpecError(pointer, "expected {style, items, meta}")
    style = raw["style"]
    if style not in _PAGE_STYLES:
        raise SpecError(child(pointer, "style"), f"style must be one of {', '.join(_PAGE_STYLES)}")
    needed = ("after",) if style == "cursor" else ("limit", "offset")
    for name in needed:
        if name not in query_params:
            raise SpecError(pointer, f"{style} pagination needs a {name!r} query parameter")
    for key in ("items", "meta"):
        if not isinstance(raw[key], str) or not raw[key]:
            raise SpecError(child(pointer, key), "expected the key of a response property")
    return Pagination(style=style, items=raw["items"], meta=raw["meta"])


def _positional(
    operation: Mapping[str, Any],
    pointer: str,
    path_params: tuple[str, ...],
    query_params: tuple[str, ...],
    body_fields: tuple[str, ...] | None,
) -> tuple[str, ...]:
    default = list(path_params)
    if body_fields is not None or "requestBody" in operation:
        default.append(OFFICIAL_PAYLOAD)
    if query_params:
        default.append(OFFICIAL_OPTIONS)
    pointer = child(pointer, "x-suprsend-positional")
    raw = operation.get("x-suprsend-positional", default)
    if not isinstance(raw, list) or not all(isinstance(name, str) for name in raw):
        raise SpecError(pointer, "expected a list of argument names")
    allowed = set(path_params) | set(query_params) | set(body_fields or ())
    if "requestBody" in operation:
        allowed.add(OFFICIAL_PAYLOAD)
    # Also without documented query parameters: the official SDK passes its options dict through as the
    # query, so the generated method does too (free-form, each key sent as given).
    allowed.add(OFFICIAL_OPTIONS)
    for index, name in enumerate(raw):
        if name not in allowed:
            raise SpecError(
                child(pointer, index), f"{name!r} is not a parameter, body field, payload or options"
            )
    if len(set(raw)) != len(raw):
        raise SpecError(pointer, "an argument is named twice")
    if raw[: len(path_params)] != list(path_params):
        raise SpecError(pointer, "path parameters come first, in path order")
    return tuple(raw)


def _empty_shortcut(
    operation: Mapping[str, Any],
    pointer: str,
    body_fields: tuple[str, ...] | None,
    positional: tuple[str, ...],
) -> tuple[str | None, str | None]:
    """The field and, with ``{field, message}``, the official message for a value that is not a list."""
    pointer = child(pointer, "x-suprsend-empty-shortcut")
    raw = operation.get("x-suprsend-empty-shortcut")
    if raw is None:
        return None, None
    message = None
    if isinstance(raw, Mapping):
        if set(raw) != {"field", "message"} or not isinstance(raw["message"], str):
            raise SpecError(pointer, "expected a body field, or {field, message}")
        name, message = raw["field"], raw["message"]
        if name not in positional:
            raise SpecError(child(pointer, "field"), f"{name!r} is not a positional argument")
    else:
        name = raw
    if body_fields is None or name not in body_fields:
        raise SpecError(pointer, f"{name!r} is not a body field")
    return str(name), message


def _id_checks(
    operation: Mapping[str, Any], pointer: str, path_params: tuple[str, ...]
) -> tuple[tuple[str, ...], bool]:
    """``x-suprsend-id-checks: {style, order}``: path ids checked and stripped first, in the official
    order, with the official messages; style ``missing`` reads anything but text as missing."""
    pointer = child(pointer, "x-suprsend-id-checks")
    raw = operation.get("x-suprsend-id-checks")
    if raw is None:
        return (), False
    if not isinstance(raw, Mapping) or set(raw) != {"style", "order"}:
        raise SpecError(pointer, "expected {style: missing | string, order: [path parameters]}")
    if raw["style"] not in ("missing", "string"):
        raise SpecError(child(pointer, "style"), "style must be missing or string")
    order = raw["order"]
    if not isinstance(order, list) or len(set(order)) != len(order):
        raise SpecError(child(pointer, "order"), "expected a list of path parameters, each once")
    for index, name in enumerate(order):
        if name not in path_params:
            raise SpecError(child(pointer, "order", index), f"{name!r} is not a path parameter")
    return tuple(order), raw["style"] == "missing"


def _official_names(
    operation: Mapping[str, Any], pointer: str, positional: tuple[str, ...]
) -> tuple[tuple[str, str], ...]:
    """``x-suprsend-official-names``: positional argument -> the name the official SDK gives it (its
    keyword form), such as ``{payload: tenant_payload}``."""
    pointer = child(pointer, "x-suprsend-official-names")
    raw = operation.get("x-suprsend-official-names", {})
    if not isinstance(raw, Mapping):
        raise SpecError(pointer, "expected {argument: official name}")
    renamed: list[tuple[str, str]] = []
    for ours, official in raw.items():
        if ours not in positional:
            raise SpecError(child(pointer, str(ours)), f"{ours!r} is not a positional argument")
        renamed.append((str(ours), _name(official, child(pointer, str(ours)), "an official name")))
    return tuple(sorted(renamed, key=lambda pair: positional.index(pair[0])))
