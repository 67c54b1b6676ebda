"""The ``Suprsend`` client: configuration, one transport inside the middleware chain, and the call surfaces.

Chain order, outermost first: user middleware -> RetryMiddleware -> HeadersMiddleware -> auth (HMAC/Bearer)
-> LoggingMiddleware -> transport. Everything inside the retry layer runs once per attempt, so each attempt
is signed afresh and logged as actually sent.
"""

from __future__ import annotations

import copy
import functools
import os
import threading
import time
import warnings
import weakref
from collections.abc import Callable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, TypedDict

import attrs

from ._attachments import attach_to_body
from ._base_client import OpenFlag, RequestCore, checked_timeout
from ._config import resolve_base_url, resolve_max_response_bytes
from ._context import WireContext
from ._errors import SuprsendConfigError
from ._event import Event
from ._field_redaction import DEFAULT_REDACT_FIELDS, FieldRedactor
from ._generated import endpoints
from ._generated.namespaces import NAMESPACES, Namespaces
from ._generated.operations import TRIGGER_LEGACY_WORKFLOW
from ._headers import HeadersMiddleware, UserAgents
from ._http import Request, Response, Timeout, TimeoutLike, registered_credentials
from ._logging import LoggingMiddleware, configure_logging
from ._middleware import Handler, Middleware, compose
from ._raw_request import QueryArgument, send_raw
from ._response_limits import DEFAULT_MAX_RESPONSE_BYTES
from ._results import SeedResult
from ._retry import DEFAULT_MAX_RETRIES, RetryMiddleware, check_max_retries
from ._seed_calls import seed_call
from ._transport import Transport, close_transport, has_send
from ._urllib3_transport import DEFAULT_POOL_SIZE, Urllib3Transport
from ._workflow import Workflow

if TYPE_CHECKING:
    from ._background.sender import BackgroundSender, ErrorCallback, FullPolicy
    from ._bulk.bulk import BulkEventsFactory, BulkUsersFactory, BulkWorkflowsFactory
    from ._client_auth import ClientAuth
    from .resources.users import UserFactory

DEFAULT_TIMEOUT = Timeout()  # connect and read timeouts on by default: a stalled hub must not hang callers


class AppInfo(TypedDict, total=False):
    """``AppInfo(name=..., version=...)`` or the same dict: names the calling application in the user-agent
    headers. A TypedDict, as officially, so that the official ``AppInfo(name="shop")`` call works too."""

    name: str
    version: str | None


_UUID_HEX_DIGITS = 32
_UUID_BYTES = _UUID_HEX_DIGITS // 2
# The canonical text form: groups of 8-4-4-4-12 hex digits; each id of a batch is followed by a space.
_UUID_TEXT = 36
_UUID_SLOT = _UUID_TEXT + 1
_UUID_DASHES = (8, 13, 18, 23)
# Where each hex digit of an id goes in its text: every place but the dashes.
_UUID_TEXT_POSITIONS = tuple(at for at in range(_UUID_TEXT) if at not in _UUID_DASHES)
# RFC 4122 version 4, as uuid.UUID(bytes=..., version=4) writes it: the 13th hex digit is the version, 4;
# the 17th holds the variant bits 10 above two random bits, so it is one of 8, 9, a, b. The other 122 bits
# stay random.
_UUID4_VERSION_DIGIT = 12
_UUID4_VARIANT_DIGIT = 16
_VARIANT_DIGITS = bytes.maketrans(b"0123456789abcdef", b"89ab89ab89ab89ab")
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
            digits = os.urandom(_UUID_BYTES * _IDS_PER_BATCH).hex().encode("ascii")
            # Every id's text laid out at once, one digit position at a time over the whole batch (slices
            # run in C): the same text as formatting each id alone, at a fraction of the cost.
            text = bytearray(b"-" * _UUID_TEXT + b" ") * _IDS_PER_BATCH
            for digit, position in enumerate(_UUID_TEXT_POSITIONS):
                text[position::_UUID_SLOT] = digits[digit::_UUID_HEX_DIGITS]
            version_at = _UUID_TEXT_POSITIONS[_UUID4_VERSION_DIGIT]
            text[version_at::_UUID_SLOT] = b"4" * _IDS_PER_BATCH
            variant_at = _UUID_TEXT_POSITIONS[_UUID4_VARIANT_DIGIT]
            text[variant_at::_UUID_SLOT] = digits[_UUID4_VARIANT_DIGIT::_UUID_HEX_DIGITS].translate(
                _VARIANT_DIGITS
            )
            # Threads that ran out together each install a batch of their own: a few ids go unused, none
            # is given twice.
            self._ids = iter(text.decode("ascii").split())
            return next(self._ids)

    def forget_batch(self) -> None:
        """Run in a forked child: a new lock (the parent's may have been held) and no inherited ids."""
        self._lock = threading.Lock()
        self._ids = iter(())


_new_uuid4 = _RandomUuid4s()
os.register_at_fork(after_in_child=_new_uuid4.forget_batch)


# The instance attribute that holds the background senders a client made (created on first use).
_BACKGROUND_SENDERS = "_background_senders"
# Of a ``with_options`` copy: the sender sets of the clients it was copied from, which its senders join
# too, so closing an origin (and with it the shared transport) first closes the senders of its copies.
_ORIGIN_SENDERS = "_origin_background_senders"


def copy_sender_registry(origin: object, derived: object) -> None:
    """Make ``derived`` (a fresh ``with_options`` copy of ``origin``) register its senders with
    ``origin`` and the clients ``origin`` came from; it starts with no senders of its own."""
    origin_senders = origin.__dict__.setdefault(_BACKGROUND_SENDERS, weakref.WeakSet())
    derived.__dict__.pop(_BACKGROUND_SENDERS, None)
    derived.__dict__[_ORIGIN_SENDERS] = (*origin.__dict__.get(_ORIGIN_SENDERS, ()), origin_senders)


def register_sender(client: object, sender: BackgroundSender) -> None:
    """Record ``sender`` with ``client`` (and the clients it was copied from), which close it first."""
    own: weakref.WeakSet[BackgroundSender] = client.__dict__.setdefault(
        _BACKGROUND_SENDERS, weakref.WeakSet()
    )
    own.add(sender)
    for origin_senders in client.__dict__.get(_ORIGIN_SENDERS, ()):
        origin_senders.add(sender)


class ClientIdentity:
    """What the sync and the async client tell about themselves: workspace, auth method and hub URL."""

    _base_url: str
    _auth_kind: str
    _workspace: str

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(workspace={self._workspace!r}, auth={self._auth_kind!r}, "
            f"base_url={self.base_url!r})"
        )

    @property
    def base_url(self) -> str:
        """The hub URL every request goes to, ending in "/"."""
        return self._base_url

    @property
    def auth_method(self) -> str:
        """``"ws_key_secret"`` (HMAC signing) or ``"api_key"`` (Bearer), the official SDK's names."""
        return "ws_key_secret" if self._auth_kind == "hmac" else "api_key"

    @property
    def workspace_key(self) -> str | None:
        """The workspace key of an HMAC client; None for a Bearer client. The secret is never exposed."""
        return self._workspace if self._auth_kind == "hmac" else None

    @property
    def workspace_uid(self) -> str | None:
        """The workspace UID of a Bearer client; None for an HMAC client. The API key is never exposed."""
        return self._workspace if self._auth_kind == "api_key" else None

    def workspace_identifier(self) -> str:
        """The workspace key (HMAC) or workspace UID (Bearer): ``env`` in bodies, ``{workspace}`` in paths."""
        return self._workspace


class Suprsend(ClientIdentity, Namespaces):
    """A SuprSend client. ``Suprsend(key, secret)`` signs with HMAC; ``with_workspace_api_key`` uses Bearer.

    Arguments not passed come from ``SUPRSEND_WORKSPACE_KEY``, ``SUPRSEND_WORKSPACE_SECRET``,
    ``SUPRSEND_API_KEY`` and ``SUPRSEND_BASE_URL``. Keyword-only options: ``transport`` (any object with
    ``send(request, *, timeout)``, closed by its owner), ``timeout``, ``max_retries``, ``middleware``
    (callables ``(request, call_next) -> response``, outermost first), ``strict`` (raise on invalid profile
    values), ``auto_idempotency_key``, ``allow_insecure`` (plain http to a non-loopback host), ``clock`` and
    ``id_factory`` (for reproducible bodies), ``pool_size`` (connections of the default transport, which
    caps bulk concurrency), ``max_response_bytes`` (the default transport's cap on an answer's decoded body,
    8 MiB), ``sleep`` (how retries wait; tests pass a recorder instead of ``time.sleep``), ``redact_fields``
    (body field names masked in debug logs, added to ``DEFAULT_REDACT_FIELDS``).
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
        timeout: TimeoutLike = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        middleware: Sequence[Middleware] = (),
        strict: bool = False,
        auto_idempotency_key: bool = True,
        allow_insecure: bool = False,
        clock: Callable[[], float] | None = None,
        id_factory: Callable[[], str] | None = None,
        pool_size: int = DEFAULT_POOL_SIZE,
        sleep: Callable[[float], None] = time.sleep,
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
        transport: Transport | None = None,
        timeout: TimeoutLike = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        middleware: Sequence[Middleware] = (),
        strict: bool = False,
        auto_idempotency_key: bool = True,
        allow_insecure: bool = False,
        clock: Callable[[], float] | None = None,
        id_factory: Callable[[], str] | None = None,
        pool_size: int = DEFAULT_POOL_SIZE,
        sleep: Callable[[float], None] = time.sleep,
        redact_fields: Sequence[str] = (),
        max_response_bytes: int = DEFAULT_MAX_RESPONSE_BYTES,
    ) -> Suprsend:
        """A client authenticated with a workspace UID and an API key (``Authorization: Bearer``)."""
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
        transport: Transport | None,
        timeout: TimeoutLike,
        max_retries: int,
        middleware: Sequence[Middleware],
        strict: bool,
        auto_idempotency_key: bool,
        allow_insecure: bool,
        clock: Callable[[], float],
        id_factory: Callable[[], str],
        pool_size: int,
        sleep: Callable[[float], None],
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
        _check_transport(transport, pool_size, max_response_bytes)
        self._base_url = settings.base_url
        self._workspace = client_auth.workspace
        self.user_agent = settings.agents.user_agent
        self._owns_transport = transport is None
        self._transport: Transport = (
            transport
            if transport is not None
            else Urllib3Transport(pool_size=pool_size, max_response_bytes=max_response_bytes)
        )
        self._auth_kind = client_auth.kind
        chain: list[Middleware] = [
            *middleware,
            RetryMiddleware(max_retries=max_retries, clock=clock, sleep=sleep),
            HeadersMiddleware(agents=settings.agents),
            client_auth.signer,
            LoggingMiddleware(redactor=settings.redactor),
        ]
        handler: Handler = compose(chain, self._transport_send)
        self._open = OpenFlag()
        self._core = RequestCore(
            base_url=self._base_url,
            context=settings.context,
            handler=handler,
            timeout=settings.timeout,
            max_retries=max_retries,
            open_flags=(self._open,),
        )
        configure_logging(debug=bool(debug))

    # Every namespace comes from the generated mixin; `user` is the official SDK's older entry point.
    @functools.cached_property
    def user(self) -> UserFactory:
        """The older profile factory: ``client.user.get_instance(distinct_id)``."""
        from .resources.users import UserFactory

        return UserFactory(self._core)

    def with_options(self, *, timeout: TimeoutLike | None = None, max_retries: int | None = None) -> Suprsend:
        """A copy of this client whose calls default to ``timeout`` and ``max_retries``.

        The copy is cheap: it shares this client's transport, connection pool, middleware chain, context and
        credentials, registers nothing anew, and its ``close()`` leaves the shared transport open (the
        client it came from owns it). Bulk factories, ``.stream`` and profile builders taken from the copy
        use its defaults too. Options left ``None`` keep this client's values.
        """
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
        # Namespaces created on this client are bound to its core; the copy makes its own on first use.
        for name in (*NAMESPACES, "user"):
            derived.__dict__.pop(name, None)
        copy_sender_registry(self, derived)
        return derived

    # ------------------------------------------------------------------ lifecycle

    def close(self) -> None:
        """Release pooled connections; a transport passed in by the caller is the caller's to close.

        A closed client sends nothing more (``ClientClosedError``), nor do the ``with_options`` copies made
        from it; closing a copy closes only that copy. Background senders made by this client are closed
        first (each sends what it holds, waiting up to its ``exit_timeout``).
        """
        for sender in list(self.__dict__.get(_BACKGROUND_SENDERS, ())):
            sender._close_for_client()
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

    def request(
        self,
        method: str,
        path: str,
        body: object = None,
        query: QueryArgument = None,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> Response:
        """A signed request to an endpoint this SDK does not wrap yet: ``path`` relative to ``base_url``
        (``"v1/user/u1/"``; ids percent-encoded by the caller), ``body`` any JSON value, ``query`` a dict
        (as the official ``options``) or ``(name, value)`` pairs. It goes through the same middleware
        chain as every call; retried only for GET or a body with ``$idempotency_key``. Returns the
        ``Response`` (``.status_code``, ``.headers``, ``.json()``, ``.text``); a status >= 400 raises its
        ``APIStatusError`` subclass. Absolute URLs and paths that could leave ``base_url`` are refused."""
        return send_raw(self._core, method, path, body, query, timeout=timeout, max_retries=max_retries)

    # ------------------------------------------------------------------ internals other modules use

    def _transport_send(self, request: Request) -> Response:
        return self._transport.send(request, timeout=request.options.timeout or self._core.timeout)

    # ------------------------------------------------------------------ seed surface

    def trigger_workflow(
        self,
        data: Workflow | dict[str, Any],
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> SeedResult:
        """Legacy trigger (``POST {workspace}/trigger/``); a dict is taken as a ``Workflow`` body.

        ``timeout`` and ``max_retries`` override the client's defaults for this call only.
        """
        workflow = Workflow(data) if isinstance(data, dict) else data
        if not isinstance(workflow, Workflow):
            raise TypeError(f"trigger_workflow expects a Workflow or a dict, got {type(workflow).__name__}")
        return seed_call(
            self._core,
            TRIGGER_LEGACY_WORKFLOW,
            endpoints.build_trigger_legacy_workflow,
            workflow._to_wire(self._core.context),
            with_raw_response=False,
            path={"workspace": self._core.context.workspace},
            timeout=timeout,
            max_retries=max_retries,
        )

    def track_event(
        self, event: Event, *, timeout: TimeoutLike | None = None, max_retries: int | None = None
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

    def add_attachment(
        self,
        body: dict[str, Any],
        file_path: str | os.PathLike[str],
        file_name: str | None = None,
        ignore_if_error: bool = False,
    ) -> dict[str, Any]:
        """Deprecated: attach a local file (base64) or an ``http(s)://`` URL to a workflow ``body`` dict
        under ``data.$attachments``, in place, and return it; ``WorkflowTriggerRequest.add_attachment`` is
        the current form."""
        warnings.warn(
            "Suprsend.add_attachment() is deprecated; use WorkflowTriggerRequest.add_attachment()",
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
        """A ``BackgroundSender``: ``track_event``/``track``/``trigger``/``edit`` return once the record is
        queued, and a thread sends the records in batches through the bulk endpoints.

        ``outbox=None`` queues in memory (at most ``max_queue`` records; ``when_full`` is ``"block"``, up
        to ``block_timeout`` seconds then ``QueueFullError``, or ``"drop"``, counted in ``stats()``).
        ``outbox="path.db"`` queues in a SQLite file: a call returns once its record is committed (crash
        safe; with ``fsync=True`` power-loss safe), and a later sender on the file sends what is left.
        A batch goes when ``max_batch`` records are queued or the oldest has waited ``flush_interval``
        seconds. ``on_error(failed_record)`` gets each record refused for good (they are also kept as
        dead letters). Options left ``None`` take the defaults the README lists.
        """
        from ._background.sender import BackgroundSender, SenderOptions

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
        sender = BackgroundSender(self._core, outbox, options)
        register_sender(self, sender)
        return sender

    @property
    def bulk_workflows(self) -> BulkWorkflowsFactory:
        from ._bulk.bulk import BulkWorkflowsFactory

        return BulkWorkflowsFactory(self._core)

    @property
    def bulk_events(self) -> BulkEventsFactory:
        from ._bulk.bulk import BulkEventsFactory

        return BulkEventsFactory(self._core)

    @property
    def bulk_users(self) -> BulkUsersFactory:
        from ._bulk.bulk import BulkUsersFactory

        return BulkUsersFactory(self._core)


@attrs.frozen(kw_only=True, slots=True)
class ClientSettings:
    """What the sync and the async client make alike from their constructor arguments."""

    base_url: str
    agents: UserAgents
    timeout: Timeout
    context: WireContext
    redactor: FieldRedactor


def client_settings(
    client_auth: ClientAuth,
    *,
    base_url: str | None,
    app_info: AppInfo | None,
    timeout: TimeoutLike,
    middleware: object,
    strict: bool,
    auto_idempotency_key: bool,
    allow_insecure: bool,
    clock: Callable[[], float],
    id_factory: Callable[[], str],
    sleep: object,
    redact_fields: Sequence[str],
) -> ClientSettings:
    """Register the credentials for masking and check and resolve the options both clients share."""
    # Masked from now on in logs, reprs, results and error messages, a server's echo of them included.
    registered_credentials.add_secret(client_auth.secret)
    registered_credentials.add_authorization_prefix(client_auth.authorization_prefix)
    _check_options(
        timeout,
        middleware,
        {"strict": strict, "auto_idempotency_key": auto_idempotency_key, "allow_insecure": allow_insecure},
    )
    # Each is first called inside the chain, where a non-callable would escape as a TypeError (after a send,
    # for sleep), even from the seed calls that never raise.
    for name, function in {"clock": clock, "id_factory": id_factory, "sleep": sleep}.items():
        if not callable(function):
            raise SuprsendConfigError(f"{name} must be callable, got {type(function).__name__}")
    agents = UserAgents.build(app_info)
    return ClientSettings(
        base_url=resolve_base_url(base_url, os.environ, allow_insecure=allow_insecure),
        agents=agents,
        timeout=checked_timeout(timeout),
        context=WireContext(
            workspace=client_auth.workspace,
            user_agent=agents.user_agent,
            clock=clock,
            new_id=id_factory,
            auto_idempotency_key=auto_idempotency_key,
            strict=strict,
        ),
        redactor=_field_redactor(redact_fields),
    )


def _field_redactor(extra_names: Sequence[str]) -> FieldRedactor:
    """The debug-log field masker: the default names plus the client's ``redact_fields``."""
    try:
        return FieldRedactor((*DEFAULT_REDACT_FIELDS, *_checked_names(extra_names)))
    except TypeError as exc:
        raise SuprsendConfigError(str(exc)) from None


def _checked_names(names: object) -> Sequence[str]:
    if isinstance(names, (str, bytes)) or not isinstance(names, Sequence):
        raise SuprsendConfigError("redact_fields must be a list of field names, such as ['ssn', 'iban']")
    return names


def _check_options(timeout: object, middleware: object, flags: Mapping[str, object]) -> None:
    """Refuse option values of the wrong kind at construction, not at the first request."""
    checked_timeout(timeout)
    if isinstance(middleware, (str, bytes)) or not isinstance(middleware, Sequence):
        raise SuprsendConfigError(
            "middleware must be a sequence of callables (request, call_next) -> response"
        )
    for layer in middleware:
        if not callable(layer):
            raise SuprsendConfigError(f"middleware items must be callable, got {type(layer).__name__}")
    for name, flag in flags.items():
        if not isinstance(flag, bool):
            raise SuprsendConfigError(f"{name} must be a bool, got {flag!r}")


def _check_transport(transport: object, pool_size: object, max_response_bytes: int) -> None:
    if transport is not None:
        if not has_send(transport):
            raise SuprsendConfigError(
                f"transport must have a callable send(request, *, timeout), got {type(transport).__name__}"
            )
        check_unused_with_transport("pool_size", pool_size, DEFAULT_POOL_SIZE)
        check_unused_with_transport("max_response_bytes", max_response_bytes, DEFAULT_MAX_RESPONSE_BYTES)
    else:
        check_pool_size(pool_size)


def check_pool_size(pool_size: object) -> None:
    """The default transport's ``pool_size``, refused as a config error (the transport's own check raises a
    plain ``ValueError``)."""
    if isinstance(pool_size, bool) or not isinstance(pool_size, int) or pool_size < 1:
        raise SuprsendConfigError(f"pool_size must be a positive int, got {pool_size!r}")


def check_unused_with_transport(name: str, value: object, default: object) -> None:
    """An option of the default transport (``pool_size``, ``max_response_bytes``) is refused beside a
    transport of the caller's, which it would not reach."""
    if value != default:
        raise SuprsendConfigError(
            f"{name} configures the default transport; it has no effect with transport= "
            "(give it to your transport instead)"
        )
