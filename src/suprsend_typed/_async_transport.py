"""The async transport protocol, beside the sync one in ``_transport``: the only place async I/O happens."""

from __future__ import annotations

import inspect
from typing import Protocol, runtime_checkable

from ._http import Request, Response, Timeout


@runtime_checkable
class AsyncTransport(Protocol):
    """Sends one request and returns its response, as ``Transport.send`` does but awaited.

    The same error contract: ``APITimeoutError`` when a timeout expires, ``APIConnectionError`` for any other
    failure to get a response; an HTTP error status is a normal ``Response``. ``aclose()`` is optional and
    called through ``aclose_transport`` only where it exists. Cancelling the awaiting task must leave no
    connection checked out.
    """

    async def send(self, request: Request, *, timeout: Timeout) -> Response: ...


def has_async_send(transport: object) -> bool:
    """Whether ``transport`` can be used as an ``AsyncTransport``: its ``send`` is a coroutine function."""
    return inspect.iscoroutinefunction(getattr(transport, "send", None))


async def aclose_transport(transport: object) -> None:
    """Await ``transport.aclose()`` when it has one (or call a plain ``close()``)."""
    aclose = getattr(transport, "aclose", None)
    if callable(aclose):
        await aclose()
        return
    close = getattr(transport, "close", None)
    if callable(close):
        close()
