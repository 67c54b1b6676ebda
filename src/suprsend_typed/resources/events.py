"""``client.events``: ``track`` (POST ``v2/event/``) on the seed ``Event`` or the generated model."""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

from .. import _json
from .._context import WireRecord, has_dedupe_key
from .._errors import InputValueError
from .._event import Event
from .._generated import endpoints
from .._generated.limits import MAX_BODY_APPARENT_BYTES
from .._generated.models import EventAccepted, EventPayload
from .._http import Request, TimeoutLike
from .._models import unstructure
from .._results import SeedResult

if TYPE_CHECKING:
    from .._client import Suprsend

OPERATION = "track_event"


def _model_record(event: EventPayload) -> WireRecord:
    """The wire record of a generated event model, size-checked like the seed ``Event``."""
    body = unstructure(event)
    text = _json.dumps(body)
    size = _json.apparent_size(text)
    if size > MAX_BODY_APPARENT_BYTES:
        raise InputValueError(
            f"Event size too big - {size} Bytes, must not cross {MAX_BODY_APPARENT_BYTES} Bytes"
        )
    return WireRecord(text, size, has_dedupe_key(body))


class EventsResource:
    """Seed calls return a ``SeedResult`` (T2); typed calls return ``EventAccepted`` or raise."""

    __slots__ = ("_client",)

    def __init__(self, client: Suprsend) -> None:
        self._client = client

    @overload
    def track(
        self, event: Event, *, timeout: TimeoutLike | None = None, max_retries: int | None = None
    ) -> SeedResult: ...

    @overload
    def track(
        self, event: EventPayload, *, timeout: TimeoutLike | None = None, max_retries: int | None = None
    ) -> EventAccepted: ...

    def track(
        self,
        event: Event | EventPayload,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> SeedResult | EventAccepted:
        """Track one event: failures are ``success=False`` results for ``Event``, typed errors for models.

        ``timeout`` and ``max_retries`` override the client's defaults for this call.
        """
        if isinstance(event, Event):
            request = self._request(event._to_wire(self._client._context), timeout, max_retries)
            return self._client._seed_call(request, with_raw_response=True)
        if isinstance(event, EventPayload):
            response = self._client._send(self._request(_model_record(event), timeout, max_retries))
            return endpoints.parse_track_event(response)
        raise TypeError(f"events.track expects an Event or EventPayload, got {type(event).__name__}")

    def _request(self, record: WireRecord, timeout: TimeoutLike | None, max_retries: int | None) -> Request:
        client = self._client
        return endpoints.build_track_event(
            base_url=client.base_url,
            content=_json.encode(record.text),
            options=client._call_options(
                OPERATION, retryable=record.dedupe, timeout=timeout, max_retries=max_retries
            ),
        )
