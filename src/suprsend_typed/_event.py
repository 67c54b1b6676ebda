"""Event: one tracked user event for ``POST v2/event/`` (and the events bulk)."""

from __future__ import annotations

import os
from typing import Any

from . import _json
from ._attachments import attachment_for
from ._context import WireContext, WireRecord, make_wire_record
from ._errors import InputValueError
from ._generated import models
from ._generated.operations import TRACK_EVENT
from ._models import validate
from ._operation import record_facts
from ._wire_keys import with_text_keys

# System events that keep their reserved names; every other name starting with "$" or "ss_" is refused.
RESERVED_EVENT_NAMES = frozenset(
    {
        "$identify",
        "$notification_delivered",
        "$notification_dismiss",
        "$notification_clicked",
        "$app_launched",
        "$user_login",
        "$user_logout",
    }
)
_RESERVED_SIGIL = "$"
_RESERVED_PREFIX = "ss_"
# The property the SDK writes its own version into, as the official SDK does; a caller's value would be lost.
SDK_VERSION_PROPERTY = "$ss_sdk_version"
# One event's record model and size limit: the spec's record facts of ``POST v2/event/`` (the bulk endpoint
# ``v2/bulk/event/`` states the same record).
_FACTS = record_facts(TRACK_EVENT)
_MODEL_NAME = _FACTS.model
_MAX_BYTES = _FACTS.max_record_bytes


def _checked_distinct_id(distinct_id: object) -> str:
    if not isinstance(distinct_id, str):
        raise InputValueError(
            "distinct_id must be a string. an Id which uniquely identify a user in your app"
        )
    stripped = distinct_id.strip()
    if not stripped:
        raise InputValueError("distinct_id missing")
    return stripped


# Names already judged acceptable, to their stripped form: a bulk repeats a few names many times, and the
# judgement depends on the text alone. Bounded, so a stream of distinct names costs no more memory than this.
_ACCEPTED_NAMES: dict[str, str] = {}
_ACCEPTED_NAMES_KEPT = 1024


def _checked_event_name(event_name: object) -> str:
    if type(event_name) is str:
        accepted = _ACCEPTED_NAMES.get(event_name)
        if accepted is not None:
            return accepted
    if not isinstance(event_name, str):
        raise InputValueError("event_name must be a string")
    stripped = event_name.strip()
    if not stripped:
        raise InputValueError("event_name missing")
    # Judged on the lower-cased first characters, so "SS_x" and "$X" are refused too.
    head = stripped[: len(_RESERVED_PREFIX)].lower()
    if stripped not in RESERVED_EVENT_NAMES and (
        head.startswith(_RESERVED_SIGIL) or head == _RESERVED_PREFIX
    ):
        raise InputValueError("event_names starting with [$,ss_] are reserved by SuprSend")
    if type(event_name) is str and len(_ACCEPTED_NAMES) < _ACCEPTED_NAMES_KEPT:
        _ACCEPTED_NAMES[event_name] = stripped
    return stripped


class Event:
    """A user event; ``$insert_id`` and ``$time`` are fixed once per call, when it becomes wire JSON."""

    __slots__ = (
        "distinct_id",
        "event_name",
        "properties",
        "idempotency_key",
        "tenant_id",
        "brand_id",
        "_attachments",
    )

    def __init__(
        self,
        distinct_id: str,
        event_name: str,
        properties: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        tenant_id: str | None = None,
        brand_id: str | None = None,
    ) -> None:
        self.distinct_id = distinct_id
        self.event_name = event_name
        self.properties = properties
        self.idempotency_key = idempotency_key
        self.tenant_id = tenant_id
        self.brand_id = brand_id
        # A tuple, so an item without attachments (nearly all) holds no list of its own: bulk keeps
        # many items alive, and every container they hold is work for the garbage collector.
        self._attachments: tuple[dict[str, object], ...] = ()

    def add_attachment(
        self, file_path: str | os.PathLike[str], file_name: str | None = None, ignore_if_error: bool = False
    ) -> None:
        """Attach a local file (base64) or an ``http(s)://`` URL under ``properties.$attachments``."""
        if self.properties is not None and not isinstance(self.properties, dict):
            raise InputValueError("properties must be a dictionary (attachments go into it)")
        attachment = attachment_for(file_path, file_name, ignore_if_error)
        if attachment is not None:
            self._attachments = (*self._attachments, attachment)

    def _user_properties(self) -> dict[str, Any]:
        """A copy of the caller's properties with the attachments added."""
        if self.properties is None:
            properties: dict[str, Any] = {}
        elif isinstance(self.properties, dict):
            properties = dict(self.properties)
        else:
            raise InputValueError("properties must be a dictionary")
        if self._attachments:
            present = properties.get("$attachments")
            if present is None:
                present = []
            if not isinstance(present, list):
                raise InputValueError("properties.$attachments must be a list")
            properties["$attachments"] = [*present, *self._attachments]
        return properties

    def _optional_keys(self) -> dict[str, str]:
        """The optional keys that were given, in the official order."""
        optional: dict[str, str] = {}
        if self.idempotency_key:
            optional["$idempotency_key"] = self.idempotency_key
        if self.tenant_id:
            optional["tenant_id"] = self.tenant_id
        if self.brand_id:
            optional["brand_id"] = self.brand_id
        return optional

    def _to_wire(self, ctx: WireContext) -> WireRecord:
        # This runs once per bulk record: the common cases (a plain str id, a dict of properties and no
        # attachments) take the short way, the rest the general helpers.
        distinct_id = self.distinct_id
        if type(distinct_id) is not str or not (distinct_id := distinct_id.strip()):
            distinct_id = _checked_distinct_id(self.distinct_id)
        # A name accepted before (the same few names recur in a bulk) is looked up without a call.
        name = self.event_name
        event_name = _ACCEPTED_NAMES.get(name) if type(name) is str else None
        if event_name is None:
            event_name = _checked_event_name(name)
        given = self.properties
        properties = dict(given) if type(given) is dict and not self._attachments else self._user_properties()
        if SDK_VERSION_PROPERTY in properties:
            raise InputValueError(
                f"properties.{SDK_VERSION_PROPERTY} is reserved for the SDK version; use another key"
            )
        properties[SDK_VERSION_PROPERTY] = ctx.user_agent
        # Only the caller's properties can hold keys json.dumps would convert: the other keys are ours.
        body: dict[str, object] = {
            "$insert_id": ctx.new_id(),
            "$time": int(ctx.clock() * 1000),  # ctx.now_ms(), without the call
            "event": event_name,
            "env": ctx.workspace,
            "distinct_id": distinct_id,
            "properties": with_text_keys(properties, at="properties"),
        }
        if self.idempotency_key or self.tenant_id or self.brand_id:
            body.update(self._optional_keys())
        # The shape's own check first: ``validate`` looks the shape up and collects every problem.
        model = getattr(models, _MODEL_NAME)  # loaded at the first event, not at import
        if not model._shape.valid(body):
            validate(body, model)  # raises, naming every problem
        text = _json.dumps(body)
        size = len(text)  # the UTF-8 size of ASCII text; any other text is measured and checked in full
        if size > _MAX_BYTES or not text.isascii():
            size = _json.checked_size(text, _MAX_BYTES, "Event size")
        return make_wire_record((text, size, True))  # dedupe: it has an $insert_id

    def _record(self) -> dict[str, object]:
        """The official ``as_json()`` shape, for ``failed_records``."""
        try:
            properties: object = self._user_properties()
        except InputValueError:
            properties = self.properties
        return {
            "event": self.event_name,
            "distinct_id": self.distinct_id,
            "properties": properties,
            **self._optional_keys(),
        }

    def __repr__(self) -> str:
        return f"Event({self._record()!r})"
