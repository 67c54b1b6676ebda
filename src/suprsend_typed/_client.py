"""The ``Suprsend`` client: configuration, one transport inside the middleware chain, and the call surfaces.

Chain order, outermost first: user middleware -> RetryMiddleware -> HeadersMiddleware -> auth (HMAC/Bearer)
-> LoggingMiddleware -> transport. Everything inside the retry layer runs once per attempt, so each attempt
is signed afresh and logged as actually sent.
"""

from __future__ import annotations

import copy
import os
import threading
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

from . import _json
from ._config import resolve_api_key_credentials, resolve_base_url, resolve_hmac_credentials
from ._context import WireContext, WireItem
from ._errors import APIConnectionError, ClientClosedError, SuprsendConfigError
from ._event import Event
from ._generated import endpoints
from ._headers import HeadersMiddleware, UserAgents
from ._http import (
    BEARER_PREFIX,
    HMAC_SEPARATOR,
    CallOptions,
    Request,
    Response,
    Timeout,
    registered_credentials,
)
from ._logging import LoggingMiddleware, configure_logging, logger
from ._middleware import Handler, Middleware, compose
from ._results import SeedResult
from ._retry import DEFAULT_MAX_RETRIES, RetryMiddleware, check_max_retries
from ._signing import BearerAuth, HmacAuth
from ._transport import Transport, close_transport, has_send
from ._urllib3_transport import DEFAULT_POOL_SIZE, Urllib3Transport
from ._workflow import Workflow
from .resources.events import EventsResource
from .resources.messages import MessagesResource
from .resources.users import UserFactory, UsersResource
from .resources.workflows import WorkflowsResource

if TYPE_CHECKING:
    from ._bulk.bulk import BulkEventsFactory, BulkUsersFactory, BulkWorkflowsFactory

DEFAULT_TIMEOUT = Timeout()  # connect and read timeouts on by default: a stalled hub must not hang callers
AppInfo = Mapping[str, object]
"""``{"name": ..., "version": ...}``: names the calling application in the user-agent headers."""


_UUID_HEX_DIGITS = 32
_UUID_BYTES = _UUID_HEX_DIGITS // 2
# RFC 4122 version 4, as uuid.UUID(bytes=..., version=4) writes it: the 13th hex digit is the version, 4;
# the 17th holds the variant bits 10 above two random bits, so it is one of 8, 9, a, b. The other 122 bits
# stay random.
_UUID4_VERSION_DIGIT = "4"
_VARIANT_DIGIT = {digit: "89ab"[int(digit, 16) & 0b11] for digit in "0123456789abcdef"}
# Ids drawn from one os.urandom call (4 KiB of random bytes).
_IDS_PER_BATCH = 256


class _RandomUuid4s:
    """``str(uuid.uuid4())`` for each call, from random bytes read and formatted a batch at a time.

    ``os.urandom`` releases the GIL, so one call per record handed the GIL to the bulk sender threads once
    per record, which cost more than the id itself; a batch gives the same bytes with one call. The ids of a
    batch are formatted together and handed out by a list iterator, whose ``next`` is one C call and so
    atomic under the GIL: threads never share an id, and the lock is taken once per batch only. A forked
    child drops the batch it inherited, so parent and child never give out the same ids.
    """

    __slots__ = ("_lock", "_ids")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._ids: Iterator[str] = iter(())

    def __call__(self) -> str:
        try:
            return next(self._ids)
        except StopIteration:
            return self._next_batch()

    def _next_batch(self) -> str:
        with self._lock:
            digits = os.urandom(_UUID_BYTES * _IDS_PER_BATCH).hex()
            # The canonical text form: groups of 8-4-4-4-12 hex digits, version and variant digits set.
            ids = [
                f"{digits[at : at + 8]}-{digits[at + 8 : at + 12]}-{_UUID4_VERSION_DIGIT}"
                f"{digits[at + 13 : at + 16]}-{_VARIANT_DIGIT[digits[at + 16]]}{digits[at + 17 : at + 20]}-"
                f"{digits[at + 20 : at + _UUID_HEX_DIGITS]}"
                for at in range(0, len(digits), _UUID_HEX_DIGITS)
            ]
            # Threads that ran out together each install a batch of their own: a few ids go unused, none
            # is given twice.
            self._ids = iter(ids)
            return next(self._ids)

    def forget_batch(self) -> None:
        """Run in a forked child: a new lock (the parent's may have been held) and no inherited ids."""
        self._lock = threading.Lock()
        self._ids = iter(())


class _OpenFlag:
    """Whether one client is still open; a ``with_options`` copy checks its own flag and its origin's."""

    __slots__ = ("is_open",)

    def __init__(self) -> None:
        self.is_open = True


_new_uuid4 = _RandomUuid4s()
os.register_at_fork(after_in_child=_new_uuid4.forget_batch)


class Suprsend:
    """A SuprSend client. ``Suprsend(key, secret)`` signs with HMAC; ``with_workspace_api_key`` uses Bearer.

    Arguments not passed come from ``SUPRSEND_WORKSPACE_KEY``, ``SUPRSEND_WORKSPACE_SECRET``,
    ``SUPRSEND_API_KEY`` and ``SUPRSEND_BASE_URL``. Keyword-only options: ``transport`` (any object with
    ``send(request, *, timeout)``, closed by its owner), ``timeout``, ``max_retries``, ``middleware``
    (callables ``(request, call_next) -> response``, outermost first), ``strict`` (raise on invalid profile
    values), ``auto_idempotency_key``, ``allow_insecure`` (plain http to a non-loopback host), ``clock`` and
    ``id_factory`` (for reproducible bodies), ``pool_size`` (connections of the default transport, which
    caps bulk concurrency), ``sleep`` (how retries wait; tests pass a recorder instead of ``time.sleep``).
    """

    def __init__(
        self,
        workspace_key: str | None = None,
        workspace_secret: str | None = None,
        base_url: str | None = None,
        debug: bool = False,
        app_info: AppInfo | None = None,
        *,
        transport: Transport | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        middleware: Sequence[Middleware] = (),
        strict: bool = False,
        auto_idempotency_key: bool = True,
        allow_insecure: bool = False,
        clock: Callable[[], float] | None = None,
        id_factory: Callable[[], str] | None = None,
        pool_size: int = DEFAULT_POOL_SIZE,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        credentials = resolve_hmac_credentials(workspace_key, workspace_secret, os.environ)
        chosen_clock = clock or time.time
        self._setup(
            workspace=credentials.workspace_key,
            secret=credentials.workspace_secret,
            authorization_prefix=credentials.workspace_key + HMAC_SEPARATOR,
            auth=HmacAuth(
                workspace_key=credentials.workspace_key,
                secret=credentials.workspace_secret,
                clock=chosen_clock,
            ),
            base_url=base_url,
            debug=debug,
            app_info=app_info,
            transport=transport,
            timeout=timeout,
            max_retries=max_retries,
            middleware=middleware,
            strict=strict,
            auto_idempotency_key=auto_idempotency_key,
            allow_insecure=allow_insecure,
            clock=chosen_clock,
            id_factory=id_factory or _new_uuid4,
            pool_size=pool_size,
            sleep=sleep,
        )

    @classmethod
    def with_workspace_api_key(
        cls,
        workspace_uid: str | None,
        api_key: str | None = None,
        base_url: str | None = None,
        debug: bool = False,
        app_info: AppInfo | None = None,
        *,
        transport: Transport | None = None,
        timeout: Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        middleware: Sequence[Middleware] = (),
        strict: bool = False,
        auto_idempotency_key: bool = True,
        allow_insecure: bool = False,
        clock: Callable[[], float] | None = None,
        id_factory: Callable[[], str] | None = None,
        pool_size: int = DEFAULT_POOL_SIZE,
        sleep: Callable[[float], None] = time.sleep,
    ) -> Suprsend:
        """A client authenticated with a workspace UID and an API key (``Authorization: Bearer``)."""
        credentials = resolve_api_key_credentials(workspace_uid, api_key, os.environ)
        client = cls.__new__(cls)
        client._setup(
            workspace=credentials.workspace_uid,
            secret=credentials.api_key,
            authorization_prefix=BEARER_PREFIX,
            auth=BearerAuth(api_key=credentials.api_key),
            base_url=base_url,
            debug=debug,
            app_info=app_info,
            transport=transport,
            timeout=timeout,
            max_retries=max_retries,
            middleware=middleware,
            strict=strict,
            auto_idempotency_key=auto_idempotency_key,
            allow_insecure=allow_insecure,
            clock=clock or time.time,
            id_factory=id_factory or _new_uuid4,
            pool_size=pool_size,
            sleep=sleep,
        )
        return client

    def _setup(
        self,
        *,
        workspace: str,
        secret: str,
        authorization_prefix: str,
        auth: Middleware,
        base_url: str | None,
        debug: bool,
        app_info: AppInfo | None,
        transport: Transport | None,
        timeout: Timeout,
        max_retries: int,
        middleware: Sequence[Middleware],
        strict: bool,
        auto_idempotency_key: bool,
        allow_insecure: bool,
        clock: Callable[[], float],
        id_factory: Callable[[], str],
        pool_size: int,
        sleep: Callable[[float], None],
    ) -> None:
        # Masked from now on in logs, reprs, results and error messages, a server's echo of them included.
        registered_credentials.add_secret(secret)
        registered_credentials.add_authorization_prefix(authorization_prefix)
        _check_options(
            timeout,
            middleware,
            transport,
            pool_size,
            {
                "strict": strict,
                "auto_idempotency_key": auto_idempotency_key,
                "allow_insecure": allow_insecure,
            },
        )
        self.base_url = resolve_base_url(base_url, os.environ, allow_insecure=allow_insecure)
        agents = UserAgents.build(app_info)
        self.user_agent = agents.user_agent
        self._strict = strict
        self._logger = logger
        self._timeout = timeout
        self._max_retries = max_retries
        self._context = WireContext(
            workspace=workspace,
            user_agent=agents.user_agent,
            clock=clock,
            new_id=id_factory,
            auto_idempotency_key=auto_idempotency_key,
            strict=strict,
        )
        self._owns_transport = transport is None
        self._open = _OpenFlag()
        self._open_flags: tuple[_OpenFlag, ...] = (self._open,)
        self._transport: Transport = (
            transport if transport is not None else Urllib3Transport(pool_size=pool_size)
        )
        self._auth_kind = "hmac" if isinstance(auth, HmacAuth) else "api_key"
        chain: list[Middleware] = [
            *middleware,
            RetryMiddleware(max_retries=max_retries, clock=clock, sleep=sleep),
            HeadersMiddleware(agents=agents),
            auth,
            LoggingMiddleware(),
        ]
        self._handler: Handler = compose(chain, self._transport_send)
        configure_logging(debug=bool(debug))
        self._attach_resources()

    def _attach_resources(self) -> None:
        """The resource namespaces, bound to this client (and so to its default call options)."""
        self.workflows = WorkflowsResource(self)
        self.events = EventsResource(self)
        self.users = UsersResource(self)
        self.user = UserFactory(self)
        self.messages = MessagesResource(self)

    def with_options(self, *, timeout: Timeout | None = None, max_retries: int | None = None) -> Suprsend:
        """A copy of this client whose calls default to ``timeout`` and ``max_retries``.

        The copy is cheap: it shares this client's transport, connection pool, middleware chain, context and
        credentials, registers nothing anew, and its ``close()`` leaves the shared transport open (the
        client it came from owns it). Bulk factories, ``.stream`` and profile builders taken from the copy
        use its defaults too. Options left ``None`` keep this client's values.
        """
        checked_timeout = _checked_timeout(timeout) if timeout is not None else self._timeout
        if max_retries is None:
            checked_retries = self._max_retries
        else:
            checked_retries = check_max_retries(max_retries, source="max_retries")
        derived = copy.copy(self)
        derived._timeout = checked_timeout
        derived._max_retries = checked_retries
        derived._owns_transport = False
        derived._open = _OpenFlag()
        derived._open_flags = (*self._open_flags, derived._open)
        derived._attach_resources()
        return derived

    # ------------------------------------------------------------------ lifecycle

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(workspace={self._context.workspace!r}, auth={self._auth_kind!r}, "
            f"base_url={self.base_url!r})"
        )

    def close(self) -> None:
        """Release pooled connections; a transport passed in by the caller is the caller's to close.

        A closed client sends nothing more (``ClientClosedError``), nor do the ``with_options`` copies made
        from it; closing a copy closes only that copy.
        """
        self._open.is_open = False
        if self._owns_transport:
            close_transport(self._transport)

    def __enter__(self) -> Suprsend:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def workspace_identifier(self) -> str:
        """The workspace key (HMAC) or workspace UID (Bearer): ``env`` in bodies, ``{workspace}`` in paths."""
        return self._context.workspace

    # ------------------------------------------------------------------ internals other modules use

    def _transport_send(self, request: Request) -> Response:
        return self._transport.send(request, timeout=request.options.timeout or self._timeout)

    def _send(self, request: Request) -> Response:
        """Run the middleware chain and the transport; raises only connection errors (after retries), or
        ``ClientClosedError`` once this client (or the one it was copied from) is closed."""
        for flag in self._open_flags:
            if not flag.is_open:
                raise ClientClosedError("this client is closed; create a new Suprsend client to send")
        return self._handler(request)

    def _call_options(
        self,
        operation: str,
        *,
        retryable: bool,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> CallOptions:
        """The options of one call: per-call values (checked here, before anything is sent) or defaults."""
        return CallOptions(
            timeout=_checked_timeout(timeout) if timeout is not None else self._timeout,
            max_retries=(
                check_max_retries(max_retries, source="max_retries")
                if max_retries is not None
                else self._max_retries
            ),
            retryable=retryable,
            operation=operation,
        )

    def _seed_call(self, request: Request, *, with_raw_response: bool) -> SeedResult:
        """Send a seed-surface request: HTTP and transport failures become ``success=False`` results."""
        try:
            response = self._send(request)
        except APIConnectionError as exc:
            return SeedResult.from_transport_error(exc, with_raw_response=with_raw_response)
        if with_raw_response:
            return SeedResult.from_json_response(response)
        return SeedResult.from_text_response(response)

    def _save_profile(self, profile: WireItem) -> SeedResult:
        """``profile.save()``: one identity event to ``POST event/``, reported as the official T1 result."""
        record = profile._to_wire(self._context)
        request = endpoints.build_send_identity_events(
            base_url=self.base_url,
            content=_json.encode(record.text),
            options=self._call_options("send_identity_events", retryable=record.dedupe),
        )
        return self._seed_call(request, with_raw_response=False)

    # ------------------------------------------------------------------ seed surface

    def trigger_workflow(
        self,
        workflow: Workflow | dict[str, Any],
        *,
        timeout: Timeout | None = None,
        max_retries: int | None = None,
    ) -> SeedResult:
        """Legacy trigger (``POST {workspace}/trigger/``); a dict is taken as a ``Workflow`` body.

        ``timeout`` and ``max_retries`` override the client's defaults for this call only.
        """
        if isinstance(workflow, dict):
            workflow = Workflow(workflow)
        if not isinstance(workflow, Workflow):
            raise TypeError(f"trigger_workflow expects a Workflow or a dict, got {type(workflow).__name__}")
        record = workflow._to_wire(self._context)
        request = endpoints.build_trigger_legacy_workflow(
            base_url=self.base_url,
            workspace=self._context.workspace,
            content=_json.encode(record.text),
            options=self._call_options(
                "trigger_legacy_workflow",
                retryable=record.dedupe,
                timeout=timeout,
                max_retries=max_retries,
            ),
        )
        return self._seed_call(request, with_raw_response=False)

    def track_event(
        self, event: Event, *, timeout: Timeout | None = None, max_retries: int | None = None
    ) -> SeedResult:
        """Track one event (``POST v2/event/``); ``timeout``/``max_retries`` override this call's defaults."""
        if not isinstance(event, Event):
            raise TypeError(f"track_event expects an Event, got {type(event).__name__}")
        return self.events.track(event, timeout=timeout, max_retries=max_retries)

    def track(
        self,
        distinct_id: str,
        event_name: str,
        properties: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        tenant_id: str | None = None,
        brand_id: str | None = None,
    ) -> SeedResult:
        """Deprecated form of ``track_event``; ``brand_id`` stands in for a missing tenant, as officially."""
        warnings.warn("Suprsend.track() is deprecated; use track_event(Event(...))", DeprecationWarning, 2)
        event = Event(
            distinct_id,
            event_name,
            properties,
            idempotency_key=idempotency_key,
            tenant_id=tenant_id or brand_id,
        )
        return self.track_event(event)

    @property
    def bulk_workflows(self) -> BulkWorkflowsFactory:
        from ._bulk.bulk import BulkWorkflowsFactory

        return BulkWorkflowsFactory(self)

    @property
    def bulk_events(self) -> BulkEventsFactory:
        from ._bulk.bulk import BulkEventsFactory

        return BulkEventsFactory(self)

    @property
    def bulk_users(self) -> BulkUsersFactory:
        from ._bulk.bulk import BulkUsersFactory

        return BulkUsersFactory(self)


def _checked_timeout(timeout: object) -> Timeout:
    if not isinstance(timeout, Timeout):
        raise SuprsendConfigError(f"timeout must be a suprsend_typed.Timeout, got {type(timeout).__name__}")
    return timeout


def _check_options(
    timeout: object, middleware: object, transport: object, pool_size: object, flags: Mapping[str, object]
) -> None:
    """Refuse option values of the wrong kind at construction, not at the first request."""
    _checked_timeout(timeout)
    if isinstance(middleware, (str, bytes)) or not isinstance(middleware, Sequence):
        raise SuprsendConfigError(
            "middleware must be a sequence of callables (request, call_next) -> response"
        )
    for layer in middleware:
        if not callable(layer):
            raise SuprsendConfigError(f"middleware items must be callable, got {type(layer).__name__}")
    if transport is not None:
        if not has_send(transport):
            raise SuprsendConfigError(
                f"transport must have a callable send(request, *, timeout), got {type(transport).__name__}"
            )
        if pool_size != DEFAULT_POOL_SIZE:
            raise SuprsendConfigError(
                "pool_size configures the default transport; it has no effect with transport="
            )
    for name, flag in flags.items():
        if not isinstance(flag, bool):
            raise SuprsendConfigError(f"{name} must be a bool, got {flag!r}")
