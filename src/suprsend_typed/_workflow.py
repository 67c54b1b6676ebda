"""Workflow bodies: legacy ``{ws}/trigger/`` (Workflow) and ``trigger/`` (WorkflowTriggerRequest)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, ClassVar

from . import _json
from ._attachments import attachment_for
from ._context import WireContext, WireRecord, has_dedupe_key
from ._dollar_keys import check_recipient_keys
from ._errors import InputValueError
from ._generated import models
from ._generated.operations import TRIGGER_LEGACY_WORKFLOW, TRIGGER_WORKFLOW
from ._models import unstructure, validate
from ._operation import Records, record_facts
from ._wire_keys import with_text_keys

if TYPE_CHECKING:
    from ._generated.models import LegacyWorkflow, WorkflowTrigger

# json's default separators: between an object's entries, and between a key and its value.
_ITEM_SEPARATOR = ", "
_KEY_SEPARATOR = ": "


def _body_dict(body: object, model: type, owner: str) -> dict[str, Any]:
    """The caller's dict itself (never written to), or a fresh dict unstructured from the generated model."""
    if isinstance(body, dict):
        return body
    if isinstance(body, model):
        wire = unstructure(body)
        if isinstance(wire, dict):
            return wire
    raise InputValueError(
        f"{owner} body must be a json/dictionary or a {model.__name__}, got {type(body).__name__}"
    )


# The bytes the automatic key's entry adds to the wire text of a body (which has other entries too),
# besides its value's JSON text: measured once, not on every call.
_AUTO_KEY_ENTRY_BYTES = _json.apparent_size(
    _json.dumps("$idempotency_key") + _KEY_SEPARATOR + _ITEM_SEPARATOR
)


class _WorkflowBody:
    """Shared build steps: copy what changes, add the given keys, validate, dump once, check the size."""

    __slots__ = ("body", "idempotency_key", "tenant_id", "_attachments")

    # The generated model of the body, by name: ``models`` loads it at first use, not at import.
    _model_name: ClassVar[str]
    # A workflow's: the spec's record facts of its endpoint (its model, size limit, and the allowance for
    # keys the hub adds), read by ``_to_wire``. A body for another endpoint has its own ``_to_wire``.
    _facts: ClassVar[Records]

    def __init__(self, body: object, idempotency_key: str | None, tenant_id: str | None) -> None:
        self.body = _body_dict(body, self._model(), type(self).__name__)
        self.idempotency_key = idempotency_key
        self.tenant_id = tenant_id
        # A tuple, so an item without attachments (nearly all) holds no list of its own: bulk keeps
        # many items alive, and every container they hold is work for the garbage collector.
        self._attachments: tuple[dict[str, object], ...] = ()

    @classmethod
    def _model(cls) -> type:
        model: type = getattr(models, cls._model_name)
        return model

    def _added_values(self) -> dict[str, str | None]:
        """Keys the constructor arguments add, in the order the official SDK writes them."""
        return {"$idempotency_key": self.idempotency_key, "tenant_id": self.tenant_id}

    def add_attachment(
        self, file_path: str | os.PathLike[str], file_name: str | None = None, ignore_if_error: bool = False
    ) -> None:
        """Attach a local file (base64) or an ``http(s)://`` URL under ``data.$attachments``."""
        data = self.body.get("data")
        if data is not None and not isinstance(data, dict):
            raise InputValueError("data must be a dictionary (attachments go into data.$attachments)")
        attachment = attachment_for(file_path, file_name, ignore_if_error)
        if attachment is not None:
            self._attachments = (*self._attachments, attachment)

    def _merged_body(self, auto_idempotency_key: str | None = None) -> dict[str, Any]:
        """The body with attachments and the given keys added; the caller's dicts are copied, not changed."""
        body = dict(self.body)
        if self._attachments:
            data = body.get("data")
            if data is None:
                data = {}
            if not isinstance(data, dict):
                raise InputValueError("data must be a dictionary")
            data = dict(data)
            present = data.get("$attachments")
            if present is None:
                present = []
            if not isinstance(present, list):
                raise InputValueError("data.$attachments must be a list")
            data["$attachments"] = [*present, *self._attachments]
            body["data"] = data
        added = self._added_values()
        if auto_idempotency_key and not added["$idempotency_key"]:
            added["$idempotency_key"] = auto_idempotency_key
        for key, value in added.items():
            if not value:
                continue
            present = body.get(key)
            if present and present != value:
                # Two different values for one key: keeping either would silently drop the other.
                raise InputValueError(
                    f"{key} given twice: {present!r} in the body and {value!r} as an argument"
                )
            body[key] = value
        return body

    def _to_wire(self, ctx: WireContext) -> WireRecord:
        # The automatic key is fixed here, once per logical call, so every retry carries the same key.
        wants_auto_key = ctx.auto_idempotency_key and not self.idempotency_key
        wants_auto_key = wants_auto_key and not self.body.get("$idempotency_key")
        auto_key = ctx.new_id() if wants_auto_key else None
        body = with_text_keys(self._merged_body(auto_key))
        if body.get("data") is None:
            body["data"] = {}
        if not isinstance(body["data"], dict):
            raise InputValueError("data must be a dictionary")
        validate(body, self._model())
        check_recipient_keys(body, strict=ctx.strict)
        text = _json.dumps(body)
        facts = self._facts
        allowance = facts.runtime_bytes
        if auto_key is not None:
            # Measured as the official SDK measures the body it sends, which has no automatic key: the
            # runtime bytes above are the allowance for exactly such keys.
            allowance -= _AUTO_KEY_ENTRY_BYTES + _json.apparent_size(_json.dumps(auto_key))
        size = _json.checked_size(text, facts.max_record_bytes, "workflow body", allowance=allowance)
        return WireRecord(text, size, has_dedupe_key(body))

    def _record(self) -> dict[str, object]:
        """The official ``as_json()`` shape: the body with the given keys, for ``failed_records``."""
        try:
            return self._merged_body()
        except InputValueError:
            record = dict(self.body)
            record.update({key: value for key, value in self._added_values().items() if value})
            return record

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._record()!r})"


class Workflow(_WorkflowBody):
    """A legacy ("dynamic") workflow body for ``POST {workspace}/trigger/``; extra top-level keys are kept."""

    __slots__ = ("brand_id",)

    _facts = record_facts(TRIGGER_LEGACY_WORKFLOW)
    _model_name = _facts.model

    def __init__(
        self,
        body: dict[str, Any] | LegacyWorkflow,
        idempotency_key: str | None = None,
        tenant_id: str | None = None,
        brand_id: str | None = None,
    ) -> None:
        super().__init__(body, idempotency_key, tenant_id)
        self.brand_id = brand_id

    def _added_values(self) -> dict[str, str | None]:
        return {**super()._added_values(), "brand_id": self.brand_id}


class WorkflowTriggerRequest(_WorkflowBody):
    """A body for ``POST trigger/``; unknown top-level keys are refused, as the official schema does."""

    __slots__ = ("cancellation_key",)

    _facts = record_facts(TRIGGER_WORKFLOW)
    _model_name = _facts.model

    def __init__(
        self,
        body: dict[str, Any] | WorkflowTrigger,
        idempotency_key: str | None = None,
        tenant_id: str | None = None,
        cancellation_key: str | None = None,
    ) -> None:
        super().__init__(body, idempotency_key, tenant_id)
        self.cancellation_key = cancellation_key

    def _added_values(self) -> dict[str, str | None]:
        return {**super()._added_values(), "cancellation_key": self.cancellation_key}
