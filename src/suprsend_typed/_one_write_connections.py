"""urllib3 connections that write a request's head and its body with one ``send``.

urllib3 writes the head (request line and headers) and then the body in two ``send`` calls: two system calls
(each after a ``poll`` when the socket has a timeout, as ours always does), two TCP segments or TLS records,
and a server woken twice. A connection here holds the head back until the body's first write and sends
both together: the same bytes in the same order, in one write. Only a body given as ``bytes`` (what every
request of this SDK sends) up to ``ONE_WRITE_MAX_BODY_BYTES`` is joined; past that, copying the body to join
it costs more than the write it saves. Any other body is written exactly as urllib3 writes it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

from ._plain_head_response import PlainHeadResponse

# Bodies up to this size are joined to the head (bulk chunks are tens of kilobytes; copying 256 KiB once
# costs about as much as the write and poll saved).
ONE_WRITE_MAX_BODY_BYTES = 256 * 1024


class OneWriteHTTPConnection(HTTPConnection):
    """An urllib3 ``HTTPConnection`` whose request head goes out in the same write as a ``bytes`` body, and
    whose answer head is read by ``PlainHeadResponse``."""

    response_class = PlainHeadResponse

    # The next write is the head, to hold back (set for the duration of one ``request``).
    _hold_head = False
    _held_head: bytes | None = None

    def request(  # type: ignore[override]  # urllib3's own signature, which differs from http.client's
        self,
        method: str,
        url: str,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        *,
        chunked: bool = False,
        preload_content: bool = True,
        decode_content: bool = True,
        enforce_content_length: bool = True,
    ) -> None:
        self._hold_head = (
            not chunked and isinstance(body, bytes) and 0 < len(body) <= ONE_WRITE_MAX_BODY_BYTES
        )
        self._held_head = None
        try:
            super().request(
                method,
                url,
                body,
                headers,
                chunked=chunked,
                preload_content=preload_content,
                decode_content=decode_content,
                enforce_content_length=enforce_content_length,
            )
            held, self._held_head = self._held_head, None
            if held is not None:  # no body write followed the head (never for a non-empty body)
                super().send(held)
        finally:
            self._hold_head = False
            self._held_head = None

    def send(self, data: Any) -> None:
        if self._hold_head and isinstance(data, bytes):
            self._hold_head = False
            self._held_head = data
            return
        held, self._held_head = self._held_head, None
        if held is not None:
            if isinstance(data, bytes):
                data = held + data
            else:
                super().send(held)
        super().send(data)


class OneWriteHTTPSConnection(OneWriteHTTPConnection, HTTPSConnection):
    """The same over TLS: one TLS record instead of two."""


class _OneWriteHTTPPool(HTTPConnectionPool):
    ConnectionCls = OneWriteHTTPConnection


class _OneWriteHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = OneWriteHTTPSConnection


# What a ``PoolManager``'s ``pool_classes_by_scheme`` is set to, so its pools make these connections.
ONE_WRITE_POOL_CLASSES: dict[str, type[HTTPConnectionPool]] = {
    "http": _OneWriteHTTPPool,
    "https": _OneWriteHTTPSPool,
}
