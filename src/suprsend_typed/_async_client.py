"""``AsyncSuprsend``: the client for asyncio, with the same constructor, namespaces, results and errors.

Its namespaces are the async rendering of the same operation table and templates as the sync client's
(``_generated/async_resources``); builders, models, request building and parsing are shared. The chain has
the same order, outermost first: user middleware (async callables) -> retries -> headers -> auth (HMAC or
Bearer) -> logging -> the async transport; headers, signing, logging and the retry decisions are the sync
layers' own pure code, so each attempt is re-signed and carries the same headers as from the sync client.
"""

from __future__ import annotations

import asyncio
import copy
import functools
import os
import time
import warnings
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any

import attrs

from ._aiohttp_transport import DEFAULT_ASYNC_POOL_SIZE, AiohttpTransport
from ._async_base_client import AsyncRequestCore
from ._async_middleware import AsyncHandler, AsyncLogging, AsyncMiddleware, AsyncPrepared, compose_async
from ._async_retry import AsyncRetryMiddleware
from ._async_transport import AsyncTransport, aclose_transport, has_async_send
from ._attachments import attach_to_body
from ._base_client import OpenFlag, checked_timeout
from ._client import (
    _BACKGROUND_SENDERS,
    DEFAULT_TIMEOUT,
    AppInfo,
    ClientIdentity,
    _new_uuid4,
    check_pool_size,
    check_unused_with_transport,
    client_settings,
    copy_sender_registry,
    register_sender,
)
from ._config import resolve_max_response_bytes
from ._errors import SuprsendConfigError
from ._event import Event
from ._generated import endpoints
from ._generated.async_namespaces import AsyncNamespaces
from ._generated.namespaces import NAMESPACES
from ._generated.operations import TRIGGER_LEGACY_WORKFLOW
from ._headers import HeadersMiddleware
from ._http import Request, Response, TimeoutLike
from ._logging import LoggingMiddleware, configure_logging
from ._raw_request import QueryArgument, raw_answer, raw_request
from ._response_limits import DEFAULT_MAX_RESPONSE_BYTES
from ._results import SeedResult
from ._retry import DEFAULT_MAX_RETRIES, check_max_retries
from ._seed_calls import async_seed_call
from ._thread_chain import ThreadChainSettings, thread_chain_refusal
from ._workflow import Workflow

if TYPE_CHECKING:
    from ._background.sender import BackgroundSender, ErrorCallback, FullPolicy
    from ._bulk.async_bulk import AsyncBulkEventsFactory, AsyncBulkUsersFactory, AsyncBulkWorkflowsFactory
    from ._client_auth import ClientAuth
    from .async_resources.users import AsyncUserFactory

AsyncSleep = Callable[[float], Awaitable[None]]


class AsyncSuprsend(ClientIdentity, AsyncNamespaces):
    """A SuprSend client for asyncio: ``AsyncSuprsend(key, secret)`` signs with HMAC,
    ``with_workspace_api_key`` uses Bearer; every call is ``await``-ed.

    The arguments are those of ``Suprsend``; ``transport`` is an ``AsyncTransport`` (default: aiohttp, the
    ``[async]`` extra), ``middleware`` async callables ``(request, call_next) -> response``, ``sleep`` a
    coroutine function (default ``asyncio.sleep``), and ``pool_size`` and ``max_response_bytes`` configure
    the default transport (its open connections and its cap on an answer's decoded body). ``pool_size`` is
    100 by default, not the sync client's 10: concurrent calls on one loop all wait for a connection of this
    pool, where the sync pool only caps bulk sender threads. Use
    ``async with AsyncSuprsend(...) as client`` or ``await client.aclose()``.
    """

    def __init__(
        self,
        workspace_key: str | None = None,
        workspace_secret: str | None = None,
        base_url: str | None = None,
        debug: bool = False,
        app_info: AppInfo | None = None,
        *,
        transport: AsyncTransport | None = None,
        timeout: TimeoutLike = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        middleware: Sequence[AsyncMiddleware] = (),
        strict: bool = False,
        auto_idempotency_key: bool = True,
        allow_insecure: bool = False,
        clock: Callable[[], float] | None = None,
        id_factory: Callable[[], str] | None = None,
        pool_size: int = DEFAULT_ASYNC_POOL_SIZE,
        sleep: AsyncSleep = asyncio.sleep,
        redact_fields: Sequence[str] = (),
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> None:
        from ._client_auth import hmac_client_auth

        chosen_clock = clock or time.time
        self._setup(
            hmac_client_auth(workspace_key, workspace_secret, clock=chosen_clock),
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
            redact_fields=redact_fields,
            max_response_bytes=max_response_bytes,
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
        transport: AsyncTransport | None = None,
        timeout: TimeoutLike = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        middleware: Sequence[AsyncMiddleware] = (),
        strict: bool = False,
        auto_idempotency_key: bool = True,
        allow_insecure: bool = False,
        clock: Callable[[], float] | None = None,
        id_factory: Callable[[], str] | None = None,
        pool_size: int = DEFAULT_ASYNC_POOL_SIZE,
        sleep: AsyncSleep = asyncio.sleep,
        redact_fields: Sequence[str] = (),
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> AsyncSuprsend:
        """An async client authenticated with a workspace UID and an API key (``Authorization: Bearer``)."""
        from ._client_auth import api_key_client_auth

        client = cls.__new__(cls)
        client._setup(
            api_key_client_auth(workspace_uid, api_key),
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
            redact_fields=redact_fields,
            max_response_bytes=max_response_bytes,
        )
        return client

    def _setup(
        self,
        client_auth: ClientAuth,
        *,
        base_url: str | None,
        debug: bool,
        app_info: AppInfo | None,
        transport: AsyncTransport | None,
        timeout: TimeoutLike,
        max_retries: int,
        middleware: Sequence[AsyncMiddleware],
        strict: bool,
        auto_idempotency_key: bool,
        allow_insecure: bool,
        clock: Callable[[], float],
        id_factory: Callable[[], str],
        pool_size: int,
        sleep: AsyncSleep,
        redact_fields: Sequence[str],
        max_response_bytes: int,
    ) -> None:
        settings = client_settings(
            client_auth,
            base_url=base_url,
            app_info=app_info,
            timeout=timeout,
            middleware=middleware,
            strict=strict,
            auto_idempotency_key=auto_idempotency_key,
            allow_insecure=allow_insecure,
            clock=clock,
            id_factory=id_factory,
            sleep=sleep,
            redact_fields=redact_fields,
        )
        max_response_bytes = resolve_max_response_bytes(max_response_bytes)
        if transport is not None:
            if not has_async_send(transport):
                raise SuprsendConfigError(
                    "transport must have an async send(request, *, timeout) (an AsyncTransport), got "
                    f"{type(transport).__name__}"
                )
            check_unused_with_transport("pool_size", pool_size, DEFAULT_ASYNC_POOL_SIZE)
            check_unused_with_transport("max_response_bytes", max_response_bytes, DEFAULT_MAX_RESPONSE_BYTES)
        else:
            check_pool_size(pool_size)
        self._base_url = settings.base_url
        self._workspace = client_auth.workspace
        self._auth_kind = client_auth.kind
        self.user_agent = settings.agents.user_agent
        self._owns_transport = transport is None
        self._transport: AsyncTransport = (
            transport
            if transport is not None
            else AiohttpTransport(pool_size=pool_size, max_response_bytes=max_response_bytes)
        )
        chain: list[AsyncMiddleware] = [
            *middleware,
            AsyncRetryMiddleware(max_retries=max_retries, clock=clock, sleep=sleep),
            AsyncPrepared(HeadersMiddleware(agents=settings.agents), client_auth.signer),
            AsyncLogging(LoggingMiddleware(redactor=settings.redactor)),
        ]
        handler: AsyncHandler = compose_async(chain, self._transport_send)
        self._open = OpenFlag()
        self._core = AsyncRequestCore(
            base_url=self._base_url,
            context=settings.context,
            handler=handler,
            timeout=settings.timeout,
            max_retries=max_retries,
            open_flags=(self._open,),
        )
        self._thread_chain = ThreadChainSettings(
            base_url=self._base_url,
            context=settings.context,
            agents=settings.agents,
            redactor=settings.redactor,
            auth=client_auth.signer,
            clock=clock,
            pool_size=pool_size,
            max_response_bytes=max_response_bytes,
            refusal=thread_chain_refusal(
                has_middleware=bool(middleware), has_transport=transport is not None
            ),
        )
        configure_logging(debug=bool(debug))

    # Every namespace comes from the generated mixin; `user` is the official SDK's older entry point.
    @functools.cached_property
    def user(self) -> AsyncUserFactory:
        """The older profile factory: ``client.user.get_instance(distinct_id)``, saved with ``await``."""
        from .async_resources.users import AsyncUserFactory

        return AsyncUserFactory(self._core)

    async def _transport_send(self, request: Request) -> Response:
        return await self._transport.send(request, timeout=request.options.timeout or self._core.timeout)

    def with_options(
        self, *, timeout: TimeoutLike | None = None, max_retries: int | None = None
    ) -> AsyncSuprsend:
        """A copy whose calls default to ``timeout`` and ``max_retries``, sharing this client's transport
        and chain (see ``Suprsend.with_options``); its ``aclose()`` leaves the shared transport open."""
        new_timeout = checked_timeout(timeout) if timeout is not None else self._core.timeout
        if max_retries is None:
            checked_retries = self._core.max_retries
        else:
            checked_retries = check_max_retries(max_retries, source="max_retries")
        derived = copy.copy(self)
        derived._owns_transport = False
        derived._open = OpenFlag()
        derived._core = attrs.evolve(
            self._core,
            timeout=new_timeout,
            max_retries=checked_retries,
            open_flags=(*self._core.open_flags, derived._open),
        )
        for name in (*NAMESPACES, "user"):
            derived.__dict__.pop(name, None)
        copy_sender_registry(self, derived)
        return derived

    # ------------------------------------------------------------------ lifecycle

    async def aclose(self) -> None:
        """Release pooled connections; a transport passed in by the caller is the caller's to close.
        A closed client (and every ``with_options`` copy of it) sends nothing more (``ClientClosedError``).
        Background senders made by this client are closed first, on a worker thread (each sends what it
        holds, waiting up to its ``exit_timeout``), so the event loop is not blocked meanwhile."""
        for sender in list(self.__dict__.get(_BACKGROUND_SENDERS, ())):
            await asyncio.to_thread(sender._close_for_client)
        self._open.is_open = False
        if self._owns_transport:
            await aclose_transport(self._transport)

    async def __aenter__(self) -> AsyncSuprsend:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def request(
        self,
        method: str,
        path: str,
        body: object = None,
        query: QueryArgument = None,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> Response:
        """A signed request to an endpoint this SDK does not wrap yet, as ``Suprsend.request``."""
        request = raw_request(self._core, method, path, body, query, timeout=timeout, max_retries=max_retries)
        return raw_answer(await self._core.send(request))

    # ------------------------------------------------------------------ seed surface

    async def trigger_workflow(
        self,
        data: Workflow | dict[str, Any],
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> SeedResult:
        """Legacy trigger (``POST {workspace}/trigger/``), as ``Suprsend.trigger_workflow``."""
        workflow = Workflow(data) if isinstance(data, dict) else data
        if not isinstance(workflow, Workflow):
            raise TypeError(f"trigger_workflow expects a Workflow or a dict, got {type(workflow).__name__}")
        return await async_seed_call(
            self._core,
            TRIGGER_LEGACY_WORKFLOW,
            endpoints.build_trigger_legacy_workflow,
            workflow._to_wire(self._core.context),
            with_raw_response=False,
            path={"workspace": self._core.context.workspace},
            timeout=timeout,
            max_retries=max_retries,
        )

    async def track_event(
        self, event: Event, *, timeout: TimeoutLike | None = None, max_retries: int | None = None
    ) -> SeedResult:
        """Track one event (``POST v2/event/``), as ``Suprsend.track_event``."""
        if not isinstance(event, Event):
            raise TypeError(f"track_event expects an Event, got {type(event).__name__}")
        return await self.events.track(event, timeout=timeout, max_retries=max_retries)

    async def track(
        self,
        distinct_id: str,
        event_name: str,
        properties: dict[str, Any] | None = None,
        idempotency_key: str | None = None,
        tenant_id: str | None = None,
        brand_id: str | None = None,
    ) -> SeedResult:
        """Deprecated form of ``track_event``, as ``Suprsend.track``."""
        warnings.warn(
            "AsyncSuprsend.track() is deprecated; use track_event(Event(...))", DeprecationWarning, 2
        )
        event = Event(
            distinct_id,
            event_name,
            properties,
            idempotency_key=idempotency_key,
            tenant_id=tenant_id or brand_id,
        )
        return await self.track_event(event)

    def add_attachment(
        self,
        body: dict[str, Any],
        file_path: str | os.PathLike[str],
        file_name: str | None = None,
        ignore_if_error: bool = False,
    ) -> dict[str, Any]:
        """Deprecated, as ``Suprsend.add_attachment``: attach a local file or an ``http(s)://`` URL to a
        workflow ``body`` dict in place and return it. A plain call: it sends nothing (a local file is read
        as ``WorkflowTriggerRequest.add_attachment`` reads it, the current form)."""
        warnings.warn(
            "AsyncSuprsend.add_attachment() is deprecated; use WorkflowTriggerRequest.add_attachment()",
            DeprecationWarning,
            2,
        )
        return attach_to_body(body, file_path, file_name, ignore_if_error)

    # ------------------------------------------------------------------ background sending

    def background(
        self,
        outbox: str | os.PathLike[str] | None = None,
        *,
        flush_interval: float | None = None,
        max_batch: int | None = None,
        max_queue: int | None = None,
        on_error: ErrorCallback | None = None,
        when_full: FullPolicy = "block",
        block_timeout: float | None = None,
        fsync: bool = False,
        exit_timeout: float | None = None,
    ) -> BackgroundSender:
        """A ``BackgroundSender``, as ``Suprsend.background()``: its calls only queue the record (plain
        calls, not awaited: microseconds in memory), and its thread sends the queue in batches through a
        sync chain with this client's credentials, base URL, headers, timeout and retries
        (``_thread_chain``), closed with the sender or by ``aclose()``. ``flush()`` and ``close()``
        wait, so await them off the loop: ``await asyncio.to_thread(sender.flush)``. A client built with
        ``middleware=`` or ``transport=`` has no background sender (``SuprsendConfigError``: those are
        async and cannot run on the sender's thread)."""
        from ._async_background import background_sender
        from ._background.sender import SenderOptions

        options = SenderOptions.of(
            flush_interval=flush_interval,
            max_batch=max_batch,
            max_queue=max_queue,
            on_error=on_error,
            when_full=when_full,
            block_timeout=block_timeout,
            fsync=fsync,
            exit_timeout=exit_timeout,
        )
        sender = background_sender(
            self._thread_chain,
            timeout=self._core.timeout,
            max_retries=self._core.max_retries,
            open_flags=self._core.open_flags,
            outbox=outbox,
            options=options,
        )
        register_sender(self, sender)
        return sender

    @property
    def bulk_workflows(self) -> AsyncBulkWorkflowsFactory:
        from ._bulk.async_bulk import AsyncBulkWorkflowsFactory

        return AsyncBulkWorkflowsFactory(self._core)

    @property
    def bulk_events(self) -> AsyncBulkEventsFactory:
        from ._bulk.async_bulk import AsyncBulkEventsFactory

        return AsyncBulkEventsFactory(self._core)

    @property
    def bulk_users(self) -> AsyncBulkUsersFactory:
        from ._bulk.async_bulk import AsyncBulkUsersFactory

        return AsyncBulkUsersFactory(self._core)
