"""The default async transport: one aiohttp connection pool per client, no redirects, no retries of its own.

aiohttp is the optional ``[async]`` extra (``pip install 'suprsend-typed[async]'``); it was chosen over httpx
on the bench (see README, "Async client"). The request target sent is ``request_target(url)``, the one the
HMAC signature covers, passed to aiohttp as already encoded so that it is not normalised again.
"""

from __future__ import annotations

import asyncio
import functools
import ssl
from typing import TYPE_CHECKING, Any
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

    At most ``pool_size`` connections are open at once; a task finding them all busy waits for one. The
    session is made on the first request, inside the running loop; ``aclose()`` releases it. As the sync
    transport, it bounds the whole attempt by ``Timeout.total`` and the decoded body by
    ``max_response_bytes`` (``ResponseTooLargeError``), with the same ``BodyCollector``.
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
        self._session: aiohttp.ClientSession | None = None

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def _open_session(self) -> aiohttp.ClientSession:
        session = self._session
        if session is None or session.closed:
            connector = self._aiohttp.TCPConnector(limit=self._pool_size, ssl=self._tls)
            session = self._aiohttp.ClientSession(
                connector=connector,
                skip_auto_headers=_SKIPPED_AUTO_HEADERS,
                auto_decompress=False,  # decoded by BodyCollector, under the size cap
                cookie_jar=self._aiohttp.DummyCookieJar(),
            )
            self._session = session
        return session

    async def send(self, request: Request, *, timeout: Timeout) -> Response:
        aiohttp = self._aiohttp
        method = request.method.upper()
        body = None if method in _BODILESS_METHODS else request.content
        sent_headers = _checked_headers(request.headers)
        session = self._open_session()
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
                headers = Headers(list(raw.headers.items()))
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
        session, self._session = self._session, None
        if session is not None and not session.closed:
            await session.close()
