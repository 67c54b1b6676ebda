"""The default transport: one urllib3 connection pool per client, no urllib3 retries or redirects.

Requests go straight to the connection pool of their origin, kept per transport, rather than through
``PoolManager.urlopen``, which parses the URL and rebuilds a pool key on every request. The pools still come
from the manager, so they have its settings; the request target is the one the manager would send.
"""

from __future__ import annotations

import functools
import os
import re
import socket
import ssl
import weakref
from typing import Any
from urllib.parse import urlsplit

import urllib3
from urllib3.connectionpool import HTTPConnectionPool
from urllib3.exceptions import (
    ConnectTimeoutError,
    HTTPError,
    NewConnectionError,
    PoolError,
    TimeoutError,
)
from urllib3.util import Retry, parse_url

from ._errors import APIConnectionError, APITimeoutError, ValidationError
from ._http import Headers, Request, Response, Timeout, request_target
from ._one_write_connections import ONE_WRITE_POOL_CLASSES
from ._plain_head_response import ATTEMPT_DEADLINE
from ._response_limits import (
    DEFAULT_MAX_RESPONSE_BYTES,
    READ_CHUNK_BYTES,
    BodyCollector,
    Deadline,
    check_max_response_bytes,
)

# Methods sent without a body, as the official SDK does; every other method sends its bytes, even empty ones.
_BODILESS_METHODS = frozenset({"GET", "HEAD"})
_SOCKET_OPTIONS = [
    (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1),  # small JSON requests: do not wait for Nagle's algorithm
    (socket.SOL_SOCKET, socket.SO_KEEPALIVE, 1),  # notice dead idle connections kept in the pool
]
DEFAULT_POOL_SIZE = 10
# Distinct URLs whose parse is kept: about one per endpoint, but query strings can make them unbounded.
_PARSED_URLS = 256
# Origins whose pool a transport remembers before it forgets them all (the manager still holds the pools).
_ORIGINS = 32

# No urllib3 retries or redirects (the retry middleware decides). One shared value: ``retries=False`` made
# urllib3 build a new Retry on every request and log the conversion at DEBUG each time. A Retry is immutable
# (``increment`` returns a new one), so threads can share it.
_NO_RETRIES = Retry(total=False, redirect=False)

_Origin = tuple[str | None, str | None, int | None]  # scheme, host, port as urllib3 parses them


# Every transport alive in this process, so that a forked child can give each one fresh connections.
_live_transports: weakref.WeakSet[Urllib3Transport] = weakref.WeakSet()


def _after_fork_in_child() -> None:
    for transport in list(_live_transports):
        transport._forget_parent_connections()


os.register_at_fork(after_in_child=_after_fork_in_child)


@functools.lru_cache(maxsize=64)
def _urllib3_timeout(timeout: Timeout) -> urllib3.Timeout:
    """urllib3's value for one of ours, made once: urllib3 clones it per request, so sharing it is safe.

    urllib3's ``total`` bounds connecting; every read of the answer (head, chunk lines, body) is bounded
    by our deadline, through the answer's reader (``_plain_head_response``).
    """
    return urllib3.Timeout(connect=timeout.connect, read=timeout.read, total=timeout.total)


@functools.lru_cache(maxsize=_PARSED_URLS)
def _route(url: str) -> tuple[_Origin, str]:
    """The origin of ``url`` and the request target to send: ``request_target(url)``, the one the HMAC
    signature covers (urllib3's own target would have its dot segments removed)."""
    parts = parse_url(url)
    return (parts.scheme, parts.host, parts.port), request_target(url)


def _tls_context(verify: bool, ca_certs: str | None) -> ssl.SSLContext:
    """The system trust store (or ``ca_certs``); certifi is not a dependency."""
    context = ssl.create_default_context(cafile=ca_certs)
    if not verify:
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
    return context


@functools.lru_cache(maxsize=_PARSED_URLS)
def _origin(url: str) -> str:
    """Host and port only: error messages never carry the path, query or headers. Cached like ``_route``:
    every request names its origin for the errors its answer may raise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return "<invalid URL>"
    return f"{parts.hostname}:{port}" if port else str(parts.hostname)


def _one_write_manager(**settings: Any) -> urllib3.PoolManager:
    """A manager whose pools write each request's head and body at once (``_one_write_connections``)."""
    manager = urllib3.PoolManager(**settings)
    manager.pool_classes_by_scheme = ONE_WRITE_POOL_CLASSES
    return manager


def _reason(error: BaseException) -> str:
    """An OS-level reason (``[Errno 111] Connection refused``) if one is found, else exception type names."""
    nested = [arg for arg in error.args if isinstance(arg, BaseException)]
    for candidate in (error, error.__cause__, error.__context__, *nested):
        if isinstance(candidate, OSError) and candidate.strerror:
            return f"[Errno {candidate.errno}] {candidate.strerror}"
    inner = nested[0] if nested else error.__cause__
    return type(error).__name__ + (f" ({type(inner).__name__})" if inner is not None else "")


# A header name is an RFC 9110 token; a value must not hold CR, LF or NUL, which would end the header early
# and inject another (http.client raises a bare ValueError for those, and lets a space in a name through,
# which garbles the header block).
_HEADER_NAME = re.compile(r"[!#$%&'*+\-.^_`|~0-9A-Za-z]+")
_BAD_VALUE_CHARACTER = re.compile(r"[\r\n\x00]")


# Header names already found valid: the same dozen names are sent on every request. Emptied when full.
_VALID_NAMES: set[str] = set()
_VALID_NAMES_KEPT = 256


def _checked_headers(headers: Headers) -> dict[str, str]:
    """The headers to send, or a ``ValidationError`` naming the bad one (a middleware's, usually)."""
    sent = dict(headers.items_list())
    # The common case in two cheap passes: every name seen valid before, and no bad character in any value.
    if _VALID_NAMES.issuperset(sent) and not _BAD_VALUE_CHARACTER.search("".join(sent.values())):
        return sent
    for name, value in sent.items():
        if not _HEADER_NAME.fullmatch(name):
            raise ValidationError(f"invalid header name {name!r}", path="headers")
        if _BAD_VALUE_CHARACTER.search(value):
            raise ValidationError(
                f"the value of header {name!r} contains CR, LF or NUL", path=f"headers.{name}"
            )
        if len(_VALID_NAMES) >= _VALID_NAMES_KEPT:
            _VALID_NAMES.clear()
        _VALID_NAMES.add(name)
    return sent


class Urllib3Transport:
    """Keep-alive connections with ``TCP_NODELAY`` and TLS verification; safe to share between threads.

    At most ``pool_size`` connections per host are open at once; a thread that finds them all busy waits
    for one to be released, so bulk concurrency above the pool size never opens and discards sockets.
    An answer whose body, decoded, passes ``max_response_bytes`` raises ``ResponseTooLargeError``, and
    one still arriving after ``Timeout.total`` raises ``APITimeoutError`` (see ``_response_limits``).
    """

    def __init__(
        self,
        *,
        pool_size: int = DEFAULT_POOL_SIZE,
        verify: bool = True,
        ca_certs: str | None = None,
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ):
        if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 1:
            raise ValueError(f"pool_size must be a positive int, got {pool_size!r}")
        self._max_response_bytes = check_max_response_bytes(max_response_bytes)
        self._make_manager = functools.partial(
            _one_write_manager,
            maxsize=pool_size,
            block=True,  # pool_size caps open connections: extra senders wait rather than churn sockets
            retries=_NO_RETRIES,
            socket_options=_SOCKET_OPTIONS,
            ssl_context=_tls_context(verify, ca_certs),
            cert_reqs=ssl.CERT_REQUIRED if verify else ssl.CERT_NONE,
        )
        self._pool = self._make_manager()
        # The manager's pool for each origin seen; plain dict reads and writes, so safe between threads.
        self._origin_pools: dict[_Origin, HTTPConnectionPool] = {}
        _live_transports.add(self)

    def _forget_parent_connections(self) -> None:
        """Run in a forked child: a pool of its own. The inherited sockets are the parent's connections
        (a request sent on one by both processes mixes their answers), and the inherited pool's locks may
        have been held by a parent thread at the fork. The parent's objects are dropped, not closed: closing
        them would shut down connections the parent still uses."""
        self._pool = self._make_manager()
        self._origin_pools = {}

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"

    def send(self, request: Request, *, timeout: Timeout) -> Response:
        method = request.method.upper()
        body = None if method in _BODILESS_METHODS else request.content
        sent_headers = _checked_headers(request.headers)
        deadline = Deadline(timeout.total)
        # The answer's own reads (its head, chunk-size lines) are bounded by the deadline too.
        deadline_token = ATTEMPT_DEADLINE.set(deadline)
        try:
            origin, target = _route(request.url)
            opener: HTTPConnectionPool | urllib3.PoolManager
            if origin[0] is None:  # no scheme: the manager's way, with its warning that urllib3 3 refuses it
                opener, target = self._pool, request.url
            else:
                opener = self._pool_for(origin)
            raw = opener.urlopen(
                method,
                target,
                body=body,
                headers=sent_headers,
                retries=_NO_RETRIES,
                redirect=False,
                assert_same_host=False,
                timeout=_urllib3_timeout(timeout),
                preload_content=False,
                decode_content=False,
            )
            headers, content = self._read_answer(raw, f"{method} {_origin(request.url)}", deadline)
        except NewConnectionError as exc:
            raise APIConnectionError(
                f"{method} {_origin(request.url)}: could not connect: {_reason(exc)}", outcome_unknown=False
            ) from exc
        except TimeoutError as exc:
            raise APITimeoutError(
                f"{method} {_origin(request.url)}: timed out "
                f"(connect={timeout.connect}s, read={timeout.read}s, total={timeout.total}s): "
                f"{type(exc).__name__}",
                # Only a connect timeout is certain to have sent nothing.
                outcome_unknown=not isinstance(exc, ConnectTimeoutError),
            ) from exc
        except (HTTPError, OSError) as exc:
            raise APIConnectionError(
                f"{method} {_origin(request.url)}: {_reason(exc)}",
                # No connection was taken from the pool, so nothing was sent.
                outcome_unknown=not isinstance(exc, PoolError),
            ) from exc
        finally:
            ATTEMPT_DEADLINE.reset(deadline_token)
        return Response(status_code=raw.status, headers=headers, content=content)

    def _read_answer(
        self, raw: urllib3.BaseHTTPResponse, what: str, deadline: Deadline
    ) -> tuple[Headers, bytes]:
        """The answer's headers and whole body, read as it arrives under the deadline and the size cap.

        On any failure the connection is closed before it goes back to the pool: the rest of the answer is
        still on it.
        """
        try:
            # One entry per name, repeated headers joined by ", " (what ``raw.headers[name]`` gives), in one
            # pass; read below with one lookup each (urllib3's ``get`` raises and catches KeyError if absent).
            headers = Headers.of_distinct(raw.headers.itermerged())
            body = BodyCollector(
                content_encoding=headers.get("content-encoding", ""),
                max_bytes=self._max_response_bytes,
                what=what,
            )
            body.check_declared_length(headers.get("content-length"))
            while True:
                if deadline.expired():
                    raise APITimeoutError(
                        f"{what}: timed out: the answer was still arriving after total={deadline.total}s"
                    )
                # Each recv below waits at most the time left: the answer's reader is bounded by the same
                # deadline (``_plain_head_response.ATTEMPT_DEADLINE``).
                chunk = raw.read1(READ_CHUNK_BYTES, decode_content=False)
                if not chunk:
                    return headers, body.finish()
                body.feed(chunk)
                if raw.length_remaining == 0:  # all the Content-Length said: no read for the empty end
                    return headers, body.finish()
        except BaseException:
            raw.close()
            raise
        finally:
            raw.release_conn()

    def _pool_for(self, origin: _Origin) -> HTTPConnectionPool:
        """The manager's pool for ``origin``: asked of the manager the first time, and again once closed."""
        pool = self._origin_pools.get(origin)
        if pool is None or pool.pool is None:  # new origin, or its pool closed since (never reopened)
            scheme, host, port = origin
            pool = self._pool.connection_from_host(host, port=port, scheme=scheme)
            if len(self._origin_pools) >= _ORIGINS:
                self._origin_pools.clear()
            self._origin_pools[origin] = pool
        return pool

    def close(self) -> None:
        self._origin_pools.clear()
        self._pool.clear()
