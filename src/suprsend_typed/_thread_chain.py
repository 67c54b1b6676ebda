"""The sync request chain of an ``AsyncSuprsend``'s background senders, built from the async client's own
configuration (``_async_background`` has the sender).

A background sender sends from its own thread, so it needs a sync request path. It gets the async client's
base URL, auth layer (same credentials, same signing), user agents, wire context (clock, ids, strictness),
debug-log redaction, timeout and retries, in the sync client's chain order, over a ``Urllib3Transport`` of
its own (the client's ``pool_size`` and ``max_response_bytes``); its retries wait with ``time.sleep`` on
the sender's thread. So it puts on the wire exactly what ``Suprsend.background()`` puts. What cannot run on
a thread is refused: the client's async middleware and a transport passed as ``transport=``.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import attrs

from ._base_client import OpenFlag, RequestCore
from ._context import WireContext
from ._errors import SuprsendConfigError
from ._field_redaction import FieldRedactor
from ._headers import HeadersMiddleware, UserAgents
from ._http import Request, Response, Timeout
from ._logging import LoggingMiddleware
from ._middleware import Middleware, compose
from ._retry import RetryMiddleware
from ._urllib3_transport import Urllib3Transport


@attrs.frozen(kw_only=True, slots=True)
class ThreadChainSettings:
    """What an ``AsyncSuprsend`` keeps from its constructor to build its background senders' sync chain."""

    base_url: str
    context: WireContext
    agents: UserAgents
    redactor: FieldRedactor
    auth: Middleware  # the client's HmacAuth or BearerAuth: pure, so shared across threads
    clock: Callable[[], float]
    pool_size: int
    max_response_bytes: int
    # Why this client cannot have a background sender (names the constructor option), None when it can.
    refusal: str | None


def thread_chain_refusal(*, has_middleware: bool, has_transport: bool) -> str | None:
    """The reason ``background()`` is refused, given what the async client was built with."""
    if has_transport:
        what = "transport= (an async transport, which a thread cannot use)"
    elif has_middleware:
        what = "middleware= (async callables, which a thread cannot run)"
    else:
        return None
    return (
        f"AsyncSuprsend.background() sends from its own thread through a sync chain, and this client was "
        f"given {what}; build a Suprsend(...) with the same credentials and a sync transport or sync "
        "middleware, and use its background()"
    )


def thread_core(
    settings: ThreadChainSettings, *, timeout: Timeout, max_retries: int, open_flags: tuple[OpenFlag, ...]
) -> tuple[RequestCore, Urllib3Transport]:
    """A sync core over a new transport (the caller closes it), with the client's settings, ``timeout``
    and ``max_retries``; it sends nothing once a client of ``open_flags`` is closed."""
    if settings.refusal is not None:
        raise SuprsendConfigError(settings.refusal)
    transport = Urllib3Transport(pool_size=settings.pool_size, max_response_bytes=settings.max_response_bytes)

    def send(request: Request) -> Response:
        return transport.send(request, timeout=request.options.timeout or timeout)

    chain: list[Middleware] = [
        RetryMiddleware(max_retries=max_retries, clock=settings.clock, sleep=time.sleep),
        HeadersMiddleware(agents=settings.agents),
        settings.auth,
        LoggingMiddleware(redactor=settings.redactor),
    ]
    core = RequestCore(
        base_url=settings.base_url,
        context=settings.context,
        handler=compose(chain, send),
        timeout=timeout,
        max_retries=max_retries,
        open_flags=open_flags,
    )
    return core, transport
