"""The one request path every operation takes: build (pure) -> middleware chain -> transport -> parse (pure).

``RequestCore`` is what generated resources, pages and the official-SDK layer hold instead of the client:
the base URL, the body context, the client's default call options and the composed middleware chain. The
client owns one; ``with_options`` makes a copy with other defaults that shares the chain.

Nothing here does I/O itself: ``send`` hands the request to the chain, whose innermost handler is the
transport. The async client's ``AsyncRequestCore`` (``_async_base_client``) shares the pure parts here
(``operation_options``, ``body_content``, ``check_open``): building and parsing are plain functions of values.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping, Sequence
from typing import TypeVar

import attrs

from . import _json
from ._context import WireContext, has_dedupe_key
from ._errors import ClientClosedError, SuprsendConfigError
from ._http import CallOptions, Request, Response, Timeout, TimeoutLike
from ._middleware import Handler
from ._operation import OperationInfo
from ._retry import check_max_retries

T = TypeVar("T")
Pairs = Sequence[tuple[str, str]]


# A generated ``build_<operation>(*, base_url, <path parameters>, content, query, options) -> Request``.
BuildRequest = Callable[..., Request]


class OpenFlag:
    """Whether one client is still open; a ``with_options`` copy checks its own flag and its origin's."""

    __slots__ = ("is_open",)

    def __init__(self) -> None:
        self.is_open = True


class OnceFlag:
    """Set by the first ``take()`` only: a client warns of refused credentials once, not on every call."""

    __slots__ = ("_taken", "_lock")

    def __init__(self) -> None:
        self._taken = False
        self._lock = threading.Lock()

    def take(self) -> bool:
        """True the first time, then False."""
        with self._lock:
            taken, self._taken = self._taken, True
        return not taken


@attrs.frozen(kw_only=True, slots=True)
class RequestCore:
    """What sending a request needs from the client; immutable, so it is shared freely across threads."""

    base_url: str
    context: WireContext
    handler: Handler
    timeout: Timeout
    max_retries: int
    # The flags of the client this core belongs to and of the clients it was copied from.
    open_flags: tuple[OpenFlag, ...] = ()
    # Set once a seed call (which reports failures as success=False) logged a 401/403; copies share it.
    credentials_warned: OnceFlag = attrs.field(factory=OnceFlag, eq=False)
    # (limit, what): a JSON body ``call`` sends is size-checked as a record (``_json.checked_size``) on
    # the text it dumps, so a limited call dumps its body once. Set on a copy (``with_body_limit``).
    body_limit: tuple[int, str] | None = None
    # The options of calls that override nothing, by (operation id, retryable): the same immutable value
    # for every such call. Not copied by ``attrs.evolve``: a copy may have other defaults.
    _default_options: dict[tuple[str, bool], CallOptions] = attrs.field(
        init=False, factory=dict, eq=False, repr=False
    )

    def with_body_limit(self, limit: int, what: str) -> RequestCore:
        """A copy whose ``call`` refuses a body over ``limit`` bytes with the official ``too big`` message."""
        return attrs.evolve(self, body_limit=(limit, what))

    def call_options(
        self,
        operation: OperationInfo,
        *,
        retryable: bool,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> CallOptions:
        """The options of one call: per-call values (checked here, before anything is sent) or defaults."""
        if timeout is None and max_retries is None:
            key = (operation.id, retryable)
            options = self._default_options.get(key)
            if options is None:
                options = operation_options(
                    operation,
                    default_timeout=self.timeout,
                    default_max_retries=self.max_retries,
                    retryable=retryable,
                    timeout=None,
                    max_retries=None,
                )
                self._default_options[key] = options
            return options
        return operation_options(
            operation,
            default_timeout=self.timeout,
            default_max_retries=self.max_retries,
            retryable=retryable,
            timeout=timeout,
            max_retries=max_retries,
        )

    def send(self, request: Request) -> Response:
        """Run the middleware chain and the transport; raises only connection errors (after retries), or
        ``ClientClosedError`` once the client (or the one it was copied from) is closed."""
        check_open(self.open_flags)
        return self.handler(request)

    def send_operation(
        self,
        operation: OperationInfo,
        build: BuildRequest,
        *,
        path: Mapping[str, str] | None = None,
        query: Pairs = (),
        content: bytes = b"",
        dedupe: bool = False,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> Response:
        """Build the operation's request and send it; the answer comes back whatever its status."""
        options = self.call_options(
            operation,
            retryable=operation.retryable(dedupe=dedupe),
            timeout=timeout,
            max_retries=max_retries,
        )
        request = build(base_url=self.base_url, content=content, query=query, options=options, **(path or {}))
        return self.send(request)

    def call(
        self,
        operation: OperationInfo,
        build: BuildRequest,
        parse: Callable[[Response], T],
        *,
        path: Mapping[str, str] | None = None,
        query: Pairs = (),
        body: object = None,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> T:
        """Send one operation and parse its answer (a typed model, or the error of its status).

        ``body`` is the wire value (a dict or list, already checked against its schema), dumped here once.
        """
        content = body_content(body, self.body_limit)
        response = self.send_operation(
            operation,
            build,
            path=path,
            query=query,
            content=content,
            dedupe=isinstance(body, Mapping) and has_dedupe_key(body),
            timeout=timeout,
            max_retries=max_retries,
        )
        return parse(response)


def operation_options(
    operation: OperationInfo,
    *,
    default_timeout: Timeout,
    default_max_retries: int,
    retryable: bool,
    timeout: TimeoutLike | None,
    max_retries: int | None,
) -> CallOptions:
    """The options of one call of ``operation``, for the sync and the async core alike.

    An operation whose policy is ``never`` refuses a per-call ``max_retries`` above 0: a second attempt
    could apply its change twice.
    """
    if max_retries is not None:
        max_retries = check_max_retries(max_retries, source="max_retries")
        if max_retries and operation.retry == "never":
            raise SuprsendConfigError(
                f"{operation.namespace}.{operation.method_name} is never retried (a second attempt "
                f"could apply twice); max_retries must be 0, got {max_retries!r}"
            )
    return CallOptions(
        timeout=checked_timeout(timeout) if timeout is not None else default_timeout,
        max_retries=default_max_retries if max_retries is None else max_retries,
        retryable=retryable,
        operation=operation.id,
    )


def check_open(flags: tuple[OpenFlag, ...]) -> None:
    """``ClientClosedError`` once the client (or one it was copied from) is closed."""
    for flag in flags:
        if not flag.is_open:
            raise ClientClosedError("this client is closed; create a new client to send")


def body_content(body: object, limit: tuple[int, str] | None = None) -> bytes:
    """The bytes of a call's wire body (a dict or list already checked against its schema), dumped once;
    with ``limit`` (bytes, what), the text is size-checked as a record (``_json.checked_size``) first."""
    if body is None:
        return b""
    text = _json.dumps(body)
    if limit is not None:
        _json.checked_size(text, *limit)
    return _json.encode(text)


def checked_timeout(timeout: object) -> Timeout:
    """A ``Timeout`` as given, or a number of seconds for both connect and read (as requests and httpx);
    any other value is refused before anything is sent."""
    return Timeout.of(timeout)  # type: ignore[arg-type]  # any other value is refused there
