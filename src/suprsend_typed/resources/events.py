"""``client.events``: the generated resource, plus the official ``track(Event)`` that never raises."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

from .._event import Event
from .._generated import endpoints_events as endpoints
from .._generated.limits import MAX_BODY_APPARENT_BYTES
from .._generated.models import EventAccepted, EventPayload
from .._generated.operations import TRACK_EVENT
from .._generated.resources import events as generated
from .._http import TimeoutLike
from .._results import SeedResult
from .._seed_calls import seed_call


class EventsResource(generated.EventsResource):
    """``track(Event)`` returns a ``SeedResult`` (T2); ``track(EventPayload or dict)`` returns
    ``EventAccepted`` or raises, as every generated method does."""

    __slots__ = ()

    @overload
    def track(
        self, payload: Event, *, timeout: TimeoutLike | None = None, max_retries: int | None = None
    ) -> SeedResult: ...

    @overload
    def track(
        self,
        payload: EventPayload | Mapping[str, Any] | None = None,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
        **fields: Any,
    ) -> EventAccepted: ...

    def track(
        self,
        payload: Event | EventPayload | Mapping[str, Any] | None = None,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
        **fields: Any,
    ) -> SeedResult | EventAccepted:
        """Track one event; ``timeout`` and ``max_retries`` override the client's for this call.

        With an ``Event`` HTTP and transport failures come back as ``success=False`` results, as in the
        official SDK; with a model, a dict or keyword fields they raise typed errors.
        """
        if isinstance(payload, Event):
            if fields:
                raise TypeError(f"events.track(Event) takes no fields; got {', '.join(sorted(fields))}")
            return seed_call(
                self._core,
                TRACK_EVENT,
                endpoints.build_track_event,
                payload._to_wire(self._core.context),
                with_raw_response=True,
                timeout=timeout,
                max_retries=max_retries,
            )
        if payload is not None and not isinstance(payload, EventPayload | Mapping):
            raise TypeError(f"events.track expects an Event or EventPayload, got {type(payload).__name__}")
        # The seed ``Event``'s size limit, for models and dicts too: checked on the body as sent, on the
        # one text the request core dumps.
        limited = generated.EventsResource(self._core.with_body_limit(MAX_BODY_APPARENT_BYTES, "Event size"))
        return limited.track(payload, timeout=timeout, max_retries=max_retries, **fields)
