"""AsyncReplayTransport: the async client's replay transport, reading and writing the same cassettes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .._async_transport import AsyncTransport, aclose_transport
from .._errors import APIConnectionError
from .._http import Request, Response, Timeout
from .cassette import Interaction, RecordedResponse
from .transport import CassettePlayer

if TYPE_CHECKING:
    from .._async_client import AsyncSuprsend


class AsyncReplayTransport(CassettePlayer[AsyncTransport]):
    """``ReplayTransport`` for ``AsyncSuprsend``: the same modes, matching, scrubbing and cassette format,
    so a cassette recorded by either client replays in the other. ``inner`` is an ``AsyncTransport`` (the
    aiohttp one by default, created on first use), owned by this transport and closed by ``aclose()``."""

    def client(
        self, workspace_key: str, workspace_secret: str, base_url: str | None = None, **options: Any
    ) -> AsyncSuprsend:
        """An ``AsyncSuprsend`` client (HMAC) that sends through this transport and takes its ids from it."""
        from .._async_client import AsyncSuprsend

        return AsyncSuprsend(
            workspace_key,
            workspace_secret,
            base_url,
            transport=self,
            id_factory=self.id_factory,
            **options,
        )

    async def send(self, request: Request, *, timeout: Timeout) -> Response:
        live, played = self._play(request)
        if played is not None:
            return played
        try:
            response = await self._inner_transport().send(request, timeout=timeout)
        except APIConnectionError as exc:
            self._not_recorded(request, exc)
            raise
        self._record(Interaction(request=live, response=RecordedResponse.from_response(response)))
        return response

    async def aclose(self) -> None:
        if self._inner is not None:
            await aclose_transport(self._inner)

    def _inner_transport(self) -> AsyncTransport:
        if self._inner is None:
            from .._aiohttp_transport import AiohttpTransport

            self._inner = AiohttpTransport()
        return self._inner
