"""Sample arguments for any operation of the table: small valid bodies, query values and the generated
method's positional arguments in the official order. Shared by the command-line test and the sync/async
wire-identity test, so both call every operation the same way."""

from __future__ import annotations

from typing import Any

from suprsend_typed import _models as _rt
from suprsend_typed._generated import models
from suprsend_typed._operation import OperationInfo
from suprsend_typed.cli.operation_calls import OPTIONS, PAYLOAD, OperationCall

# The schema of the bodies that are not one model (arrays, unions), as their generated methods check them.
BODY_KINDS: dict[str, _rt.Kind] = {
    "trigger_legacy_workflow": _rt.Model(models.LegacyWorkflow),
    "trigger_workflow": _rt.Model(models.WorkflowTrigger),
    "track_events_bulk": _rt.ListOf(_rt.Model(models.EventPayload)),
    "send_identity_events": _rt.ListOf(_rt.Model(models.IdentityEvent)),
}
# Bodies the spec leaves open (passed through as given).
OPEN_BODIES: dict[str, object] = {
    "upsert_brand": {"brand_name": "Acme"},
    "start_subscriber_list_sync": {},
    "finish_subscriber_list_sync": {},
}


def sample(kind: _rt.Kind, name: str) -> Any:
    """A small valid value of ``kind``: required fields only, the first enum value, the minimum size."""
    if isinstance(kind, _rt.Model):
        return {f.key: sample(f.kind, f.key) for f in kind.cls._shape.fields if f.required}
    if isinstance(kind, _rt.OneOf):
        return sample(kind.branches[0], name)
    if isinstance(kind, _rt.ListOf):
        return [sample(kind.items, name) for _ in range(max(kind.min_items or 1, 1))]
    if isinstance(kind, _rt.MapOf):
        return {"k": sample(kind.values, name) if kind.values is not None else "v"}
    if isinstance(kind, _rt.Bool):
        return True
    if isinstance(kind, _rt.Int | _rt.Number):
        return max(getattr(kind, "minimum", None) or 1, 1)
    if isinstance(kind, _rt.Str):
        enum = getattr(kind, "enum", None)
        text = f"{name}-v".ljust(kind.min_length or 0, "0")
        return enum[0] if enum else text[: kind.max_length]
    return f"{name}-v"


def sample_body(op: OperationInfo) -> object:
    if op.id in OPEN_BODIES:
        return OPEN_BODIES[op.id]
    if op.id in BODY_KINDS:
        return sample(BODY_KINDS[op.id], "body")
    assert op.body_model is not None, op.id
    body = sample(_rt.Model(getattr(models, op.body_model)), "body")
    _rt.validate(body, getattr(models, op.body_model))
    return body


def query_values(call: OperationCall) -> dict[str, Any]:
    """A sample value of every query parameter, by Python name."""
    values: dict[str, Any] = {}
    for field in call.query_fields:
        item = sample(field.item_kind, field.name)
        values[field.name] = [item, item + "-2"] if field.repeated else item
    return values


def direct_arguments(op: OperationInfo, call: OperationCall, ids: list[str], body: Any) -> list[object]:
    """The generated method's arguments in the official positional order, query as the ``options`` dict
    (a positional the spec does not list, a customisation's route, at its default)."""
    path = dict(zip(call.path_ids, ids, strict=True))
    query = query_values(call)
    wire = {f.name: f.key for f in call.query_fields}
    args: list[object] = []
    for parameter in call.positional:
        name = parameter.name
        if name not in op.positional:  # a customisation's route (users.edit's tenant_id): its default
            args.append(parameter.default)
        elif name in path:
            args.append(path[name])
        elif name == PAYLOAD:
            args.append(body)
        elif name == OPTIONS:
            args.append({wire[key]: value for key, value in query.items() if key not in op.positional})
        elif name in query:
            args.append(query[name])
        else:
            args.append(body[name])
    return args
