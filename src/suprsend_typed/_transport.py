"""The transport protocol: the only place where I/O happens."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ._http import Request, Response, Timeout


@runtime_checkable
class Transport(Protocol):
    """Sends one request and returns its response.

    Implementations raise ``APITimeoutError`` when a timeout expires and ``APIConnectionError`` for any
    other failure to get a response; an HTTP error status is a normal ``Response``, never an exception.

    ``send`` is the whole protocol. A transport that holds resources (pooled connections, files) may also
    have ``close()``: it is optional, and called through ``close_transport`` only where it exists.
    """

    def send(self, request: Request, *, timeout: Timeout) -> Response: ...


def has_send(transport: object) -> bool:
    """Whether ``transport`` can be used as a ``Transport``: it has a callable ``send``."""
    return callable(getattr(transport, "send", None))


def close_transport(transport: object) -> None:
    """Call ``transport.close()`` when it has one; a send-only transport has nothing to release."""
    close = getattr(transport, "close", None)
    if callable(close):
        close()
