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
      kind: event                              # what the hub calls one record (the sandbox's log)
      dedupe: event                            # endpoints of one family share $idempotency_key dedupe
      accepted: message-id                     # the answer to one record sent alone (see below)
      effect: workflow-run                     # optional: or profile-edit
      recipients: recipients                   # with workflow-run: the record's field of recipients
      event_api_kind: event                    # optional: also takes Event API items, of this kind

Whether the body is one record, an array of them or either is read from the body schema. ``accepted`` is
``message-id`` (``{"message_id": ..., "status": "success"}``), ``message`` (``{"message": "OK"}``) or
``text`` (a plain text body), and must agree with the first success response; an array-only endpoint has
none. The sandbox serves every operation with these facts as a records endpoint, with no line of its own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any, get_args

from .errors import SpecError, child
from .ir import (
    ArrayOf,
    Limit,
    Model,
    ModelRef,
    Operation,
    PathParam,
    RecordAccepted,
    RecordAnswer,
    RecordBody,
    RecordEffect,
    Records,
    SuccessResponse,
    TypeExpr,
    UnionOf,
)

RECORDS_KEY = "x-suprsend-records"
_ANSWERS: tuple[str, ...] = get_args(RecordAnswer)
_ACCEPTED: tuple[str, ...] = get_args(RecordAccepted)
_EFFECTS: tuple[str, ...] = get_args(RecordEffect)
_LIMIT_KEYS = ("max_records", "max_record_bytes", "max_total_bytes")
_OPTIONAL_LIMIT_KEYS = ("runtime_bytes",)
_NAME_KEYS = ("kind", "dedupe")
_KEYS = frozenset(
    {
        "model",
        "answer",
        "accepted",
        "effect",
        "recipients",
        "event_api_kind",
        *_NAME_KEYS,
        *_LIMIT_KEYS,
        *_OPTIONAL_LIMIT_KEYS,
    }
)
_NAME = re.compile(r"[a-z][a-z0-9_]*")
# The field of the first success response's model each JSON ``accepted`` shape fills.
_ACCEPTED_FIELD = {"message-id": "message_id", "message": "message"}


def records(
    operation: Mapping[str, Any],
    pointer: str,
    body: TypeExpr | None,
    limits: tuple[Limit, ...],
    *,
    models: Mapping[str, Model],
    responses: tuple[SuccessResponse, ...],
    path_params: tuple[PathParam, ...],
) -> Records | None:
    """The record facts of one operation, or None when it has no ``x-suprsend-records``."""
    raw = operation.get(RECORDS_KEY)
    if raw is None:
        return None
    pointer = child(pointer, RECORDS_KEY)
    if not isinstance(raw, Mapping):
        raise SpecError(pointer, f"{RECORDS_KEY} must be a mapping")
    for param in path_params:
        if not param.from_client:  # records are sent in bulk: a path value per record cannot be given
            raise SpecError(
                pointer, f"path parameter {param.name!r} of a records endpoint must be from-client"
            )
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
    names = {key: _name(raw, key, pointer) for key in _NAME_KEYS}
    effect = raw.get("effect")
    if effect is not None and effect not in _EFFECTS:
        choices = ", ".join(_EFFECTS)
        raise SpecError(child(pointer, "effect"), f"effect must be one of {choices}; got {effect!r}")
    event_api_kind = None if raw.get("event_api_kind") is None else _name(raw, "event_api_kind", pointer)
    if event_api_kind == names["kind"]:
        raise SpecError(child(pointer, "event_api_kind"), "event_api_kind must differ from kind")
    return Records(
        model=model,
        max_records=sizes["max_records"],
        max_record_bytes=sizes["max_record_bytes"],
        max_total_bytes=sizes["max_total_bytes"],
        runtime_bytes=sizes["runtime_bytes"],
        answer=answer,
        body=shape,
        kind=names["kind"],
        dedupe=names["dedupe"],
        accepted=_accepted(raw, pointer, shape, models, responses),
        effect=effect,
        recipients=_recipients(raw, pointer, effect, models.get(model)),
        event_api_kind=event_api_kind,
    )


def _name(raw: Mapping[str, Any], key: str, pointer: str) -> str:
    value = raw.get(key)
    if not isinstance(value, str) or not _NAME.fullmatch(value):
        raise SpecError(child(pointer, key), f"{key} must be a lower_case name; got {value!r}")
    return value


def _accepted(
    raw: Mapping[str, Any],
    pointer: str,
    shape: RecordBody,
    models: Mapping[str, Model],
    responses: tuple[SuccessResponse, ...],
) -> RecordAccepted | None:
    """The answer to one record sent alone, checked against the first documented success response."""
    accepted = raw.get("accepted")
    pointer = child(pointer, "accepted")
    if shape == "array":
        if accepted is not None:
            raise SpecError(pointer, "an array-only body is never one record: leave accepted out")
        return None
    if accepted not in _ACCEPTED:
        raise SpecError(pointer, f"accepted must be one of {', '.join(_ACCEPTED)}; got {accepted!r}")
    first = responses[0] if responses else None
    if accepted == "text":
        if first is None or first.kind != "text":
            raise SpecError(pointer, "accepted: text needs a text/plain first success response")
        return "text"
    wanted = _ACCEPTED_FIELD[accepted]
    model = models.get(first.type.name) if first and isinstance(first.type, ModelRef) else None
    if model is None or wanted not in {field.wire_name for field in model.fields}:
        raise SpecError(pointer, f"accepted: {accepted} needs a first success response model with {wanted}")
    return "message-id" if accepted == "message-id" else "message"


def _recipients(
    raw: Mapping[str, Any], pointer: str, effect: RecordEffect | None, model: Model | None
) -> str | None:
    """The record field listing a workflow run's recipients; only a ``workflow-run`` effect has one."""
    recipients = raw.get("recipients")
    pointer = child(pointer, "recipients")
    if effect != "workflow-run":
        if recipients is not None:
            raise SpecError(pointer, "recipients belongs to effect: workflow-run")
        return None
    fields = {field.wire_name for field in model.fields} if model is not None else set()
    if not isinstance(recipients, str) or recipients not in fields:
        raise SpecError(pointer, f"recipients must name a field of the record model; got {recipients!r}")
    return recipients


def check_kinds(operations: Iterable[Operation]) -> None:
    """One record kind is one record shape in one dedupe family, whichever endpoints take it."""
    seen: dict[str, tuple[str, str, str]] = {}
    for operation in operations:
        facts = operation.records
        if facts is None:
            continue
        first = seen.setdefault(facts.kind, (facts.model, facts.dedupe, operation.operation_id))
        if first[:2] != (facts.model, facts.dedupe):
            raise SpecError(
                child("#/paths", operation.path, operation.method.lower(), RECORDS_KEY, "kind"),
                f"{RECORDS_KEY} kind {facts.kind!r} of {operation.operation_id} has model {facts.model} "
                f"and dedupe {facts.dedupe}, but {first[2]} gives it {first[0]} and {first[1]}",
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
