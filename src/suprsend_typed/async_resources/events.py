"""``client.events`` of the async client: the generated methods plus ``track(Event)``, which never raises."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, overload

from .._event import Event
from .._generated import endpoints_events as endpoints
from .._generated.async_resources import events as generated
from .._generated.limits import MAX_BODY_APPARENT_BYTES
from .._generated.models import EventAccepted, EventPayload
from .._generated.operations import TRACK_EVENT
from .._http import TimeoutLike
from .._results import SeedResult
from .._seed_calls import async_seed_call


class AsyncEventsResource(generated.AsyncEventsResource):
    """``track(Event)`` returns a ``SeedResult``; ``track(EventPayload or dict)`` returns ``EventAccepted``
    or raises, as the sync ``events.track`` does."""

    __slots__ = ()

    @overload
    async def track(
        self, event: Event, /, *, timeout: TimeoutLike | None = None, max_retries: int | None = None
    ) -> SeedResult: ...

    @overload
    async def track(
        self,
        event: EventPayload | Mapping[str, Any] | None = None,
        /,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
        **fields: Any,
    ) -> EventAccepted: ...

    async def track(
        self,
        event: Event | EventPayload | Mapping[str, Any] | None = None,
        /,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
        **fields: Any,
    ) -> SeedResult | EventAccepted:
        """Track one event, as the sync ``events.track`` does (same body, errors and results)."""
        if isinstance(event, Event):
            if fields:
                raise TypeError(f"events.track(Event) takes no fields; got {', '.join(sorted(fields))}")
            return await async_seed_call(
                self._core,
                TRACK_EVENT,
                endpoints.build_track_event,
                event._to_wire(self._core.context),
                with_raw_response=True,
                timeout=timeout,
                max_retries=max_retries,
            )
        if event is not None and not isinstance(event, EventPayload | Mapping):
            raise TypeError(f"events.track expects an Event or EventPayload, got {type(event).__name__}")
        # The seed ``Event``'s size limit, checked on the one text the request core dumps (as the sync path).
        limited = generated.AsyncEventsResource(
            self._core.with_body_limit(MAX_BODY_APPARENT_BYTES, "Event size")
        )
        return await limited.track(event, timeout=timeout, max_retries=max_retries, **fields)
