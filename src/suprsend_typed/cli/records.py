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
from .._context import WireContext, WireRecord, has_dedupe_key, make_wire_record
from .._errors import InputValueError
from .._event import _ACCEPTED_NAMES, SDK_VERSION_PROPERTY, _checked_distinct_id, _checked_event_name
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
    """The distinct id as the record is sent (stripped, as ``build_event`` and ``build_identity_event``
    send it), so that one user's lines land in one shard; ``None`` when it cannot be sent."""
    value = body.get("distinct_id")
    return (value.strip() or None) if isinstance(value, str) else None


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


class _RecordCheck:
    """``check(body)``: the wire text and size of a line's record, checked against the spec's record facts
    of one bulk kind. The facts and the model are read at the first line, not per line nor at import."""

    __slots__ = ("_bulk", "_what", "_model", "_limit", "_allowance")

    def __init__(self, bulk: BulkKind[Any], what: str) -> None:
        self._bulk = bulk
        self._what = what
        self._model: type[Any] | None = None
        self._limit = 0
        self._allowance = 0

    def check(self, body: dict[str, Any]) -> tuple[str, int]:
        model = self._model
        if model is None:
            facts = self._bulk.records
            self._limit, self._allowance = facts.max_record_bytes, facts.runtime_bytes
            model = self._model = self._bulk.record_model
        # The shape's own check first: ``validate`` looks the shape up and collects every problem.
        if not model._shape.valid(body):
            validate(body, model)  # raises, naming every problem
        text = _json.dumps(body)
        # The UTF-8 size of ASCII text; any other text, or a record too big, is measured and checked in full.
        size = len(text) + self._allowance
        if size > self._limit or not text.isascii():
            size = _json.checked_size(text, self._limit, self._what, allowance=self._allowance)
        return text, size


_check_event = _RecordCheck(EVENTS, "Event size").check
# Measured as the seed measures a trigger: with the allowance for what the hub adds at run time.
_check_workflow_trigger = _RecordCheck(WORKFLOW_TRIGGERS, "workflow body").check
_check_identity_event = _RecordCheck(USERS, "User Event size").check


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
    # This runs once per line: the common cases (a plain str id, a name accepted before, a dict of
    # properties) take the short way, the rest the general checks, which raise the precise error.
    distinct_id = body.get("distinct_id")
    if type(distinct_id) is not str or not (distinct_id := distinct_id.strip()):
        distinct_id = _checked_distinct_id(body.get("distinct_id"))
    body["distinct_id"] = distinct_id
    name = body.get("event")
    event_name = _ACCEPTED_NAMES.get(name) if type(name) is str else None
    body["event"] = event_name if event_name is not None else _checked_event_key(body)
    body.setdefault("$time", int(ctx.clock() * 1000))  # ctx.now_ms(), without the call
    body.setdefault("env", ctx.workspace)
    properties = body.get("properties")
    if type(properties) is dict:
        properties.setdefault(SDK_VERSION_PROPERTY, ctx.user_agent)
    else:
        body["properties"] = _with_sdk_version(properties, ctx)
    return make_wire_record((*_check_event(body), True))  # dedupe: the model requires $insert_id


def build_workflow_trigger(body: dict[str, Any], ctx: WireContext) -> WireRecord:
    """A line of ``send workflows``: the body of ``POST trigger/``."""
    if body.get("data") is None:
        body["data"] = {}
    text, size = _check_workflow_trigger(body)
    return make_wire_record((text, size, has_dedupe_key(body)))


def build_identity_event(body: dict[str, Any], ctx: WireContext) -> WireRecord:
    """A line of ``send users``: an identity event (``$user_operations`` on one profile), ``POST event/``."""
    body["distinct_id"] = _checked_distinct_id(body.get("distinct_id"))
    body.setdefault("$schema", IDENTITY_EVENT_SCHEMA)
    body.setdefault("$time", ctx.now_ms())
    body.setdefault("env", ctx.workspace)
    body["properties"] = _with_sdk_version(body.get("properties"), ctx)
    return make_wire_record((*_check_identity_event(body), True))  # the model requires $insert_id


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
