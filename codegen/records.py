"""``x-suprsend-records``: the facts of an endpoint that takes records (bulk events, triggers, profiles).

The bulk chunker, the sandbox and the command line read them from the operation table, so the model of one
record, how many records and bytes one request may hold, and whether the hub answers per record or for the
whole request are stated once, here in the spec::

    x-suprsend-records:
      model: EventPayload                      # the schema of one record
      max_records: max_events_per_bulk         # names of x-suprsend-limits
      max_record_bytes: max_body_apparent_bytes
      max_total_bytes: max_chunk_apparent_bytes
      runtime_bytes: workflow_runtime_bytes    # optional: allowance for keys the hub adds to each record
      answer: per-record                       # or whole

Whether the body is one record, an array of them or either is read from the body schema.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, get_args

from .errors import SpecError, child
from .ir import ArrayOf, Limit, ModelRef, RecordAnswer, RecordBody, Records, TypeExpr, UnionOf

RECORDS_KEY = "x-suprsend-records"
_ANSWERS: tuple[str, ...] = get_args(RecordAnswer)
_LIMIT_KEYS = ("max_records", "max_record_bytes", "max_total_bytes")
_OPTIONAL_LIMIT_KEYS = ("runtime_bytes",)
_KEYS = frozenset({"model", "answer", *_LIMIT_KEYS, *_OPTIONAL_LIMIT_KEYS})


def records(
    operation: Mapping[str, Any], pointer: str, body: TypeExpr | None, limits: tuple[Limit, ...]
) -> Records | None:
    """The record facts of one operation, or None when it has no ``x-suprsend-records``."""
    raw = operation.get(RECORDS_KEY)
    if raw is None:
        return None
    pointer = child(pointer, RECORDS_KEY)
    if not isinstance(raw, Mapping):
        raise SpecError(pointer, f"{RECORDS_KEY} must be a mapping")
    for key in raw:
        if key not in _KEYS:
            raise SpecError(child(pointer, str(key)), f"unknown {RECORDS_KEY} key {key!r}")
    model = raw.get("model")
    if not isinstance(model, str):
        raise SpecError(child(pointer, "model"), "model must name the schema of one record")
    shape = _body_shape(body, model)
    if shape is None:
        raise SpecError(
            child(pointer, "model"),
            f"the request body must be {model}, an array of {model}, or a oneOf of both",
        )
    answer = raw.get("answer")
    if answer not in _ANSWERS:
        choices = ", ".join(_ANSWERS)
        raise SpecError(child(pointer, "answer"), f"answer must be one of {choices}; got {answer!r}")
    values = {limit.name.lower(): limit.value for limit in limits}
    sizes: dict[str, int] = {}
    for key in (*_LIMIT_KEYS, *_OPTIONAL_LIMIT_KEYS):
        name = raw.get(key)
        if name is None and key in _OPTIONAL_LIMIT_KEYS:
            sizes[key] = 0
            continue
        if name not in values:
            raise SpecError(child(pointer, key), f"{key} must name an x-suprsend-limits entry; got {name!r}")
        sizes[key] = values[name]
    return Records(
        model=model,
        max_records=sizes["max_records"],
        max_record_bytes=sizes["max_record_bytes"],
        max_total_bytes=sizes["max_total_bytes"],
        runtime_bytes=sizes["runtime_bytes"],
        answer=answer,
        body=shape,
    )


def _body_shape(body: TypeExpr | None, model: str) -> RecordBody | None:
    record = ModelRef(name=model)
    if body == record:
        return "object"
    if isinstance(body, ArrayOf) and body.items == record:
        return "array"
    if isinstance(body, UnionOf) and len(body.branches) == 2:
        one, many = body.branches
        if one == record and isinstance(many, ArrayOf) and many.items == record:
            return "either"
    return None
