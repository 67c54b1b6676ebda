"""What one input line becomes: the wire record of an event, a workflow trigger or an identity event.

Each line is the wire JSON of one record, as the hub receives it. What the SDK would add is added when the
line lacks it (the dedupe key, ``$time``, ``env``, the SDK version property, an identity event's
``$schema``); nothing the line holds is dropped or replaced. The record is then checked as the library's
seed items check theirs (reserved event names, the generated model, the size limit) and dumped once.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import attrs

from .. import _json
from .._bulk.bulk import EVENTS, USERS, WORKFLOW_TRIGGERS, BulkKind
from .._context import WireContext, WireRecord, has_dedupe_key
from .._errors import InputValueError
from .._event import SDK_VERSION_PROPERTY, _checked_distinct_id, _checked_event_name
from .._models import validate

IDENTITY_EVENT_SCHEMA = "2"
INSERT_ID = "$insert_id"
IDEMPOTENCY_KEY = "$idempotency_key"


@attrs.frozen(kw_only=True, slots=True)
class RecordKind:
    """One ``send`` target: how a line's dict becomes a wire record, and whose records it holds. Its
    endpoint, limits and default concurrency are the bulk kind's, read from the operation table."""

    name: str
    what: str  # what one line holds, for ``--help``
    bulk: BulkKind[Any]
    dedupe_key: str  # the key a line gets from its identity unless it carries one
    distinct_id: Callable[[dict[str, Any]], str | None]  # for --shard
    build: Callable[[dict[str, Any], WireContext], WireRecord]  # raises ValidationError

    @property
    def description(self) -> str:
        operation = self.bulk.operation
        return f"{self.what} ({operation.http_method} {operation.path})"

    @property
    def default_concurrency(self) -> int:
        return self.bulk.trigger_concurrency


def _own_distinct_id(body: dict[str, Any]) -> str | None:
    value = body.get("distinct_id")
    return value if isinstance(value, str) else None


def _first_recipient_id(body: dict[str, Any]) -> str | None:
    recipients = body.get("recipients")
    if not isinstance(recipients, list) or not recipients:
        return None
    first = recipients[0]
    if isinstance(first, dict):
        first = first.get("distinct_id")
    return first if isinstance(first, str) else None


def _with_sdk_version(properties: object, ctx: WireContext) -> dict[str, Any]:
    if properties is None:
        properties = {}
    if not isinstance(properties, dict):
        raise InputValueError("properties must be a dictionary")
    properties.setdefault(SDK_VERSION_PROPERTY, ctx.user_agent)
    return properties


def _checked(body: dict[str, Any], bulk: BulkKind[Any], what: str) -> tuple[str, int]:
    """The wire text and size of a line's record, checked against the spec's record facts of ``bulk``."""
    validate(body, bulk.record_model)
    text = _json.dumps(body)
    facts = bulk.records
    return text, _json.checked_size(text, facts.max_record_bytes, what, allowance=facts.runtime_bytes)


def _checked_event_key(body: dict[str, Any]) -> str:
    """The line's ``event``, checked as the library checks an event name but named by its wire key (the
    library's messages name the ``Event`` argument, ``event_name``, which a line does not have)."""
    value = body.get("event")
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InputValueError('event missing: a line of `send events` names its event under "event"')
    if not isinstance(value, str):
        raise InputValueError(f"event must be a string, got {type(value).__name__}")
    return _checked_event_name(value)


def build_event(body: dict[str, Any], ctx: WireContext) -> WireRecord:
    """A line of ``send events``: the body of ``POST v2/event/``."""
    body["distinct_id"] = _checked_distinct_id(body.get("distinct_id"))
    body["event"] = _checked_event_key(body)
    body.setdefault("$time", ctx.now_ms())
    body.setdefault("env", ctx.workspace)
    body["properties"] = _with_sdk_version(body.get("properties"), ctx)
    text, size = _checked(body, EVENTS, "Event size")
    return WireRecord(text, size, dedupe=True)  # the model requires $insert_id


def build_workflow_trigger(body: dict[str, Any], ctx: WireContext) -> WireRecord:
    """A line of ``send workflows``: the body of ``POST trigger/``."""
    if body.get("data") is None:
        body["data"] = {}
    # Measured as the seed measures a trigger: with the allowance for what the hub adds at run time.
    text, size = _checked(body, WORKFLOW_TRIGGERS, "workflow body")
    return WireRecord(text, size, has_dedupe_key(body))


def build_identity_event(body: dict[str, Any], ctx: WireContext) -> WireRecord:
    """A line of ``send users``: an identity event (``$user_operations`` on one profile), ``POST event/``."""
    body["distinct_id"] = _checked_distinct_id(body.get("distinct_id"))
    body.setdefault("$schema", IDENTITY_EVENT_SCHEMA)
    body.setdefault("$time", ctx.now_ms())
    body.setdefault("env", ctx.workspace)
    body["properties"] = _with_sdk_version(body.get("properties"), ctx)
    text, size = _checked(body, USERS, "User Event size")
    return WireRecord(text, size, dedupe=True)  # the model requires $insert_id


KINDS: dict[str, RecordKind] = {
    kind.name: kind
    for kind in (
        RecordKind(
            name="events",
            what="events, one event object per line",
            bulk=EVENTS,
            dedupe_key=INSERT_ID,
            distinct_id=_own_distinct_id,
            build=build_event,
        ),
        RecordKind(
            name="workflows",
            what="workflow triggers, one trigger object per line",
            bulk=WORKFLOW_TRIGGERS,
            dedupe_key=IDEMPOTENCY_KEY,
            distinct_id=_first_recipient_id,
            build=build_workflow_trigger,
        ),
        RecordKind(
            name="users",
            what="profile edits, one identity event per line",
            bulk=USERS,
            dedupe_key=INSERT_ID,
            distinct_id=_own_distinct_id,
            build=build_identity_event,
        ),
    )
}
