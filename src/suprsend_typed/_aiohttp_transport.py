"""The default async transport: one aiohttp connection pool per client, no redirects, no retries of its own.

aiohttp is the optional ``[async]`` extra (``pip install 'suprsend-typed[async]'``); it was chosen over httpx
on the bench (see README, "Async client"). The request target sent is ``request_target(url)``, the one the
HMAC signature covers, passed to aiohttp as already encoded so that it is not normalised again.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from collections.abc import AsyncGenerator, Iterable
from typing import TYPE_CHECKING, Any, NamedTuple
from urllib.parse import urlsplit

from ._errors import APIConnectionError, APITimeoutError, SuprsendConfigError
from ._http import Headers, Request, Response, Timeout, request_target
from ._response_limits import (
    DEFAULT_MAX_RESPONSE_BYTES,
    READ_CHUNK_BYTES,
    BodyCollector,
    check_max_response_bytes,
)
from ._urllib3_transport import _checked_headers, _origin, _reason, _tls_context

if TYPE_CHECKING:
    import aiohttp

# Connections open at once per client: aiohttp's own default, enough for a thousand concurrent calls to
# wait on a latency-bound hub without one socket per call.
DEFAULT_ASYNC_POOL_SIZE = 100
_BODILESS_METHODS = frozenset({"GET", "HEAD"})
# Headers aiohttp would add on its own; ours go out alone, as they do from the sync transport.
_SKIPPED_AUTO_HEADERS = ("User-Agent", "Accept", "Accept-Encoding", "Content-Type")
_PARSED_URLS = 256
INSTALL_HINT = "pip install 'suprsend-typed[async]'"


def _aiohttp() -> Any:
    try:
        import aiohttp
    except ImportError:  # pragma: no cover - the extra is a dev dependency, so tests always have it
        raise SuprsendConfigError(
            f"the async client's default transport needs aiohttp: {INSTALL_HINT}, or pass transport="
        ) from None
    return aiohttp


@functools.lru_cache(maxsize=_PARSED_URLS)
def _wire_url(url: str) -> Any:
    """``url`` as an already encoded ``yarl.URL`` whose target is the signed ``request_target(url)``."""
    import yarl

    parts = urlsplit(url)
    return yarl.URL(f"{parts.scheme}://{parts.netloc}{request_target(url)}", encoded=True)


@functools.lru_cache(maxsize=64)
def _client_timeout(timeout: Timeout) -> Any:
    aiohttp = _aiohttp()
    return aiohttp.ClientTimeout(total=timeout.total, sock_connect=timeout.connect, sock_read=timeout.read)


class AiohttpTransport:
    """Keep-alive connections (``TCP_NODELAY``, TLS verified) shared by every task of one event loop.

    At most ``pool_size`` connections are open at once; a task finding them all busy waits for one. An
    aiohttp session belongs to the loop it was made in, so the transport keeps one per event loop, made on
    the loop's first request: a client made at import time works under every ``asyncio.run`` and every
    pytest-asyncio test loop. A loop's session is closed when that loop shuts down (``asyncio.run``,
    ``asyncio.Runner``), and by ``aclose()``. As the sync transport, it bounds the whole attempt by
    ``Timeout.total`` and the decoded body by ``max_response_bytes`` (``ResponseTooLargeError``), with the
    same ``BodyCollector``.
    """

    def __init__(
        self,
        *,
        pool_size: int = DEFAULT_ASYNC_POOL_SIZE,
        verify: bool = True,
        ca_certs: str | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 1:
            raise ValueError(f"pool_size must be a positive int, got {pool_size!r}")
        self._aiohttp = _aiohttp()
        self._pool_size = pool_size
        self._max_response_bytes = check_max_response_bytes(max_response_bytes)
        self._tls: ssl.SSLContext = _tls_context(verify, ca_certs)
        # The last loop served and its session, read as one value (the fast path of every send), and the
        # session of every loop served and not yet closed.
        self._current: tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession] | None = None
        self._sessions: dict[asyncio.AbstractEventLoop, _LoopSession] = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def _new_session(self) -> aiohttp.ClientSession:
        connector = self._aiohttp.TCPConnector(limit=self._pool_size, ssl=self._tls)
        session: aiohttp.ClientSession = self._aiohttp.ClientSession(
            connector=connector,
            skip_auto_headers=_SKIPPED_AUTO_HEADERS,
            auto_decompress=False,  # decoded by BodyCollector, under the size cap
            cookie_jar=self._aiohttp.DummyCookieJar(),
        )
        return session

    async def _session_of_running_loop(self) -> aiohttp.ClientSession:
        """The running loop's open session, made (and tied to the loop's shutdown) when it has none; the
        sessions of loops closed since are released."""
        loop = asyncio.get_running_loop()
        held = self._sessions.get(loop)
        if held is None or held.session.closed:
            session = self._new_session()
            closer = _close_at_loop_shutdown(session)
            # Its first step runs inside ``loop``, which from then on closes it when it shuts down; it
            # never suspends, so no other task sees the loop without a session.
            await closer.asend(None)
            self._sessions[loop] = held = _LoopSession(session, closer)
        self._current = (loop, held.session)
        for old_loop in [other for other in self._sessions if other.is_closed()]:
            # Closed without shutting its async generators down (a bare ``loop.close()``): aiohttp then
            # marks the session closed without touching that loop, so no "Unclosed client session".
            # Another thread's loop may release it at the same time: whoever pops it closes it.
            old = self._sessions.pop(old_loop, None)
            if old is not None:
                await old.closer.aclose()
        return held.session

    async def send(self, request: Request, *, timeout: Timeout) -> Response:
        aiohttp = self._aiohttp
        method = request.method.upper()
        body = None if method in _BODILESS_METHODS else request.content
        sent_headers = _checked_headers(request.headers)
        current = self._current
        if current is not None and current[0] is asyncio.get_running_loop() and not current[1].closed:
            session = current[1]
        else:
            session = await self._session_of_running_loop()
        try:
            async with session.request(
                method,
                _wire_url(request.url),
                data=body,
                headers=sent_headers,
                allow_redirects=False,
                timeout=_client_timeout(timeout),
            ) as raw:
                collector = BodyCollector(
                    content_encoding=raw.headers.get("content-encoding", ""),
                    max_bytes=self._max_response_bytes,
                    what=f"{method} {_origin(request.url)}",
                )
                collector.check_declared_length(raw.headers.get("content-length"))
                async for chunk in raw.content.iter_chunked(READ_CHUNK_BYTES):
                    collector.feed(chunk)
                content = collector.finish()
                headers = _merged_headers(raw.headers.items())
                status = raw.status
        except aiohttp.ClientConnectorError as exc:
            raise APIConnectionError(
                f"{method} {_origin(request.url)}: could not connect: {_reason(exc)}", outcome_unknown=False
            ) from exc
        except (aiohttp.ServerTimeoutError, asyncio.TimeoutError) as exc:
            raise APITimeoutError(
                f"{method} {_origin(request.url)}: timed out "
                f"(connect={timeout.connect}s, read={timeout.read}s): {type(exc).__name__}",
                # Only a connect timeout is certain to have sent nothing.
                outcome_unknown=not isinstance(exc, aiohttp.ConnectionTimeoutError),
            ) from exc
        except (aiohttp.ClientError, OSError) as exc:
            raise APIConnectionError(f"{method} {_origin(request.url)}: {_reason(exc)}") from exc
        return Response(status_code=status, headers=headers, content=content)

    async def aclose(self) -> None:
        """Close the session of the running loop and of every closed or running loop; a loop stopped but
        not closed keeps its session until it shuts down (only it may close its connections)."""
        self._current = None
        running = asyncio.get_running_loop()
        for loop, held in list(self._sessions.items()):
            if loop is running or loop.is_closed():
                await held.closer.aclose()
            elif loop.is_running():  # another thread's loop: close there
                await asyncio.wrap_future(asyncio.run_coroutine_threadsafe(held.closer.aclose(), loop))
            else:
                continue
            self._sessions.pop(loop, None)


def _merged_headers(items: Iterable[tuple[str, str]]) -> Headers:
    """One entry per name, the values of a repeated header joined by ", " under its first spelling: the
    answer headers as the sync transport reads them (urllib3's ``itermerged``)."""
    merged: dict[str, tuple[str, str]] = {}
    for name, value in items:
        key = name.lower()
        seen = merged.get(key)
        merged[key] = (name, value) if seen is None else (seen[0], f"{seen[1]}, {value}")
    return Headers.of_distinct(merged.values())


class _LoopSession(NamedTuple):
    session: aiohttp.ClientSession
    closer: AsyncGenerator[None, None]  # suspended until its loop shuts down or ``aclose()``


async def _close_at_loop_shutdown(session: aiohttp.ClientSession) -> AsyncGenerator[None, None]:
    """Waits at its ``yield`` as long as ``session`` is in use. A loop closes the async generators first
    stepped in it when it shuts down (``asyncio.run``, ``asyncio.Runner``, pytest-asyncio and anyio loops),
    so the session's connections are closed while their loop still runs."""
    try:
        yield
    finally:
        if not session.closed:
            await session.close()
