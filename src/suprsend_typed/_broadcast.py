"""``SubscriberListBroadcast``: the body of ``POST {workspace}/broadcast/``, as the official SDK builds it."""

from __future__ import annotations

from typing import Any

from . import _json
from ._context import WireContext, WireRecord, has_dedupe_key
from ._errors import InputValueError
from ._generated.limits import MAX_BODY_APPARENT_BYTES
from ._generated.models import Broadcast
from ._models import validate
from ._wire_keys import with_text_keys
from ._workflow import _WorkflowBody


class SubscriberListBroadcast(_WorkflowBody):
    """A broadcast to every user of one subscriber list, sent by ``client.subscriber_lists.broadcast``.

    As in the official SDK, sending adds ``$insert_id``, ``$time``, the ``idempotency_key``, ``tenant_id``
    and ``brand_id`` given here, and ``data: {}`` when the body has none; unlike it, the caller's dicts are
    never changed, and an ``$insert_id`` or ``$time`` already in the body is kept.
    """

    __slots__ = ("brand_id",)

    _model = Broadcast

    def __init__(
        self,
        body: dict[str, Any] | Broadcast,
        idempotency_key: str | None = None,
        tenant_id: str | None = None,
        brand_id: str | None = None,
    ) -> None:
        super().__init__(body, idempotency_key, tenant_id)
        self.brand_id = brand_id

    def _added_values(self) -> dict[str, str | None]:
        return {**super()._added_values(), "brand_id": self.brand_id}

    def _to_wire(self, ctx: WireContext) -> WireRecord:
        body = with_text_keys(self._merged_body())  # a fresh dict: the caller's are copied, not changed
        if not body.get("$insert_id"):
            body["$insert_id"] = ctx.new_id()
        if body.get("$time") is None:
            body["$time"] = ctx.now_ms()
        if body.get("data") is None:
            body["data"] = {}
        if not isinstance(body["data"], dict):
            raise InputValueError("data must be a dictionary")
        validate(body, Broadcast)
        text = _json.dumps(body)
        size = _json.checked_size(text, MAX_BODY_APPARENT_BYTES, "SubscriberListBroadcast body")
        return WireRecord(text, size, has_dedupe_key(body))
