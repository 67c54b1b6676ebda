"""Body validation with the generated models, so the sandbox refuses exactly what the spec refuses."""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from typing import Any, Final

from .. import _json
from .._errors import ValidationError
from .._generated import models
from .._generated.operations import OPERATIONS
from .._models import validate
from .._operation import OperationInfo

Validator = Callable[[str, Any], None]
"""``(kind, record)``: raises ``ValidationError`` (with a field path) when ``record`` is not valid."""


def record_model(operation: OperationInfo) -> type[Any]:
    """The generated model of one record of ``operation`` (its record facts), else of its whole body."""
    name = operation.records.model if operation.records is not None else operation.body_model
    if name is None:
        raise ValueError(f"operation {operation.id!r} has no body model in the spec")
    model: type[Any] = getattr(models, name)
    return model


MODELS: Final[dict[str, type[Any]]] = {
    op.records.kind: record_model(op) for op in OPERATIONS.values() if op.records is not None
}
"""Record kind (``x-suprsend-records`` ``kind``, as the request log names it) -> the generated model its
body must satisfy, for every records endpoint of the operation table (the spec gives one kind one model)."""


PUBLIC_EVENT: Final = "public_event"
"""The Event API shape a records endpoint with an ``event_api_kind`` also takes (``POST /event/``, the
description's): ``distinct_id``, ``event``, and optional ``properties``, ``tenant_id``,
``$idempotency_key``. No generated model describes it: the SDKs send identity events there."""
_PUBLIC_EVENT_TEXTS: Final = ("distinct_id", "event")
_PUBLIC_EVENT_OPTIONAL_TEXTS: Final = ("tenant_id", "$idempotency_key")


_MAYBE_SURROGATE: Final = re.compile(rb"\\u[dD][89a-fA-F]|\xed[\xa0-\xbf]")
"""Where a body may hold a surrogate code point: a ``\\uD800``-``\\uDFFF`` escape, or its UTF-8 form
(which ``json.loads`` decodes with ``surrogatepass``)."""


def _not_json_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a JSON value")


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"number {text[:40]} is out of range")
    return value


def parse_json(content: bytes) -> Any:
    """``content`` parsed as JSON, as the hub takes it: ``ValueError`` for what is not JSON text, including
    what Python's parser lets through but JSON and UTF-8 do not (``NaN``, ``Infinity``, a number too large
    for a double, an unpaired surrogate), which could be neither stored nor answered with. ``RecursionError``
    for a value nested too deeply."""
    value = json.loads(content, parse_constant=_not_json_constant, parse_float=_finite_float)
    if _MAYBE_SURROGATE.search(content):
        _json.encode(_json.dumps(value))  # ValidationError (a ValueError) for a lone surrogate
    return value


def validate_record(kind: str, record: Any) -> None:
    """The default ``Validator``: checks ``record`` against the model of ``kind`` without building it.

    ``kind`` is a record kind of the spec (``MODELS``) or ``PUBLIC_EVENT``; another raises ``ValueError``.
    """
    if kind == PUBLIC_EVENT:
        _validate_public_event(record)
        return
    model = MODELS.get(kind)
    if model is None:
        known = ", ".join(sorted((*MODELS, PUBLIC_EVENT)))
        raise ValueError(f"unknown record kind {kind!r}: expected one of {known}")
    validate(record, model)


def _validate_public_event(record: Any) -> None:
    if not isinstance(record, dict):
        raise ValidationError("expected an object")
    for key in _PUBLIC_EVENT_TEXTS:
        if not isinstance(record.get(key), str) or not record[key]:
            raise ValidationError("required, a non-empty string", path=key)
    for key in _PUBLIC_EVENT_OPTIONAL_TEXTS:
        if record.get(key) is not None and not isinstance(record[key], str):
            raise ValidationError("expected a string", path=key)
    if record.get("properties") is not None and not isinstance(record["properties"], dict):
        raise ValidationError("expected an object", path="properties")


def is_public_event(record: Any) -> bool:
    """Whether a ``POST /event/`` item is the Event API shape rather than an identity event."""
    return isinstance(record, dict) and "$schema" not in record and "event" in record


def join_path(prefix: str, path: str) -> str:
    """``prefix`` then ``path`` (``[0]`` + ``users[1]`` -> ``[0].users[1]``)."""
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


def error_text(error: ValidationError) -> str:
    """``<field path>: <reason>`` of the first problem, the message the sandbox answers with."""
    return f"{error.path}: {error.reason}" if error.path else error.reason
