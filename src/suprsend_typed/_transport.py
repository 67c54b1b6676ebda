"""The transport protocol: the only place where I/O happens."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from ._http import Request, Response, Timeout


@runtime_checkable
class Transport(Protocol):
    """Sends one request and returns its response.

    Implementations raise ``APITimeoutError`` when a timeout expires and ``APIConnectionError`` for any
    other failure to get a response; an HTTP error status is a normal ``Response``, never an exception.
    """

    def send(self, request: Request, *, timeout: Timeout) -> Response: ...

    def close(self) -> None: ...
