"""The sandbox: the hub behind a real HTTP server on loopback, with control endpoints under ``/_sandbox/``."""

from __future__ import annotations

import itertools
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs, urlsplit

import attrs

from .._config import ENV_API_KEY, ENV_BASE_URL, ENV_WORKSPACE_KEY, ENV_WORKSPACE_SECRET, ENV_WORKSPACE_UID
from .._http import Headers
from .answers import HubAnswer, error_answer, error_body, json_answer
from .auth import Credentials
from .faults import Fault, FaultInjector, rule_from_json
from .guard import (
    WILDCARD_ADDRESSES,
    HostPolicy,
    Refusal,
    check_header_names,
    check_size,
    content_length,
)
from .hub import TOO_DEEP_MESSAGE, Hub
from .limits import MAX_CONTENT_LENGTH
from .seed import Seed, apply_seed, parse_seed
from .store import RequestRow, Store
from .validation import Validator, parse_json, validate_record

if TYPE_CHECKING:
    from .._client import Suprsend

DEFAULT_WORKSPACE_KEY: Final = "sandbox_workspace_key_0001"  # `env` must be >= 20 characters
DEFAULT_WORKSPACE_SECRET: Final = "sandbox-workspace-secret"
DEFAULT_API_KEY: Final = "sandbox-api-key"
CONTROL_PREFIX: Final = "/_sandbox/"
LOOPBACK: Final = "127.0.0.1"
_SHUTDOWN_POLL_SECONDS: Final = 0.02  # how often serve_forever looks for stop(): bounds how long stop() takes
REQUEST_TIMEOUT_SECONDS: Final = 10.0
"""How long a connection may stay silent, mid-request or idle between requests, before it is closed."""
MAX_CONNECTIONS: Final = 256
"""Connections served at once (one handler thread each); more are answered 503 and closed at once."""
_LINGER_SECONDS: Final = 1.0  # after refusing an unread body: how long to discard what the client still sends
_LINGER_CHUNK_BYTES: Final = 64 * 1024
_BUSY_RETRY_AFTER_SECONDS: Final = 1


_CONTROL_METHODS: Final = {
    "requests": ("GET",),
    "records": ("GET",),
    "counts": ("GET",),
    "reset": ("POST",),
    "seed": ("POST",),
    "faults": ("GET", "POST", "DELETE"),
}
"""The methods each control endpoint serves; another gets a 405 with ``Allow``."""


def _new_uuid() -> str:
    return str(uuid.uuid4())


class Sandbox:
    """A local SuprSend-compatible hub on 127.0.0.1; use it as a context manager or ``start()``/``stop()``.

    ``record_bodies=False`` is the benchmark mode: signatures are still verified, bodies validated, records
    deduped and counted, but no body text is stored and no messages or profiles are kept.
    ``clock`` is the server's clock for ``Date`` checks and dedupe windows; ``id_factory`` makes message
    ids; ``latency_s`` is added to every hub request. ``host`` is the address to listen on (loopback by
    default; requests must name it or a loopback name in ``Host``). ``seed`` is the state the sandbox starts
    from and returns to on ``reset()`` (see ``seed.parse_seed``). Control endpoints (no auth; a loopback
    ``Host``, no foreign ``Origin``, and a JSON content type for the ones that change state):
    ``GET /_sandbox/requests[?outcome=]``, ``GET /_sandbox/records[?kind=&status=]``,
    ``GET /_sandbox/counts``, ``POST /_sandbox/reset``, ``POST /_sandbox/seed`` (body: a seed document),
    ``GET|POST|DELETE /_sandbox/faults`` (body: see ``faults.rule_from_json``).
    """

    def __init__(
        self,
        *,
        workspace_key: str = DEFAULT_WORKSPACE_KEY,
        workspace_secret: str = DEFAULT_WORKSPACE_SECRET,
        api_keys: Iterable[str] = (DEFAULT_API_KEY,),
        workspace_uid: str = "",
        host: str = LOOPBACK,
        port: int = 0,
        db_path: str | None = None,
        clock: Callable[[], float] = time.time,
        id_factory: Callable[[], str] = _new_uuid,
        latency_s: float = 0.0,
        record_bodies: bool = True,
        fault_seed: int = 0,
        validator: Validator | None = None,
        seed: Seed | Mapping[str, Any] | None = None,
        request_timeout_s: float = REQUEST_TIMEOUT_SECONDS,
        max_connections: int = MAX_CONNECTIONS,
    ) -> None:
        if request_timeout_s <= 0 or max_connections < 1:
            raise ValueError("request_timeout_s must be positive and max_connections at least 1")
        self.credentials = Credentials(
            workspace_key=workspace_key,
            workspace_secret=workspace_secret,
            api_keys=api_keys,
            workspace_uid=workspace_uid,
        )
        self.store = Store(db_path)
        self.faults = FaultInjector(fault_seed)
        self.latency_s = latency_s
        self.hub = Hub(
            credentials=self.credentials,
            store=self.store,
            clock=clock,
            new_id=id_factory,
            validator=validator if validator is not None else validate_record,
            record_bodies=record_bodies,
        )
        self._clock = clock
        self._host = host
        self._port = port
        self.request_timeout_s = request_timeout_s
        self.max_connections = max_connections
        self.host_policy = HostPolicy(bound_host=host, port=port)
        self._baseline = seed if isinstance(seed, Seed) or seed is None else parse_seed(seed)
        if self._baseline is not None:
            apply_seed(self.store, self._baseline, now=clock())
        self._positions = itertools.count()
        self._positions_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # Lifecycle

    def start(self) -> Sandbox:
        if self._server is not None:
            return self
        server_class = _Server6 if ":" in self._host else _Server
        server = server_class((self._host, self._port), _Handler)
        server.sandbox = self
        server.slots = threading.BoundedSemaphore(self.max_connections)
        self.host_policy = HostPolicy(bound_host=self._host, port=server.server_address[1])
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": _SHUTDOWN_POLL_SECONDS},
            name="suprsend-sandbox",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        server.shutdown()
        server.end_connections()
        server.server_close()
        if thread is not None:
            thread.join()
        self._server = self._thread = None

    def close(self) -> None:
        """Stop the server and close the store."""
        self.stop()
        self.store.close()

    def __enter__(self) -> Sandbox:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>/``, the base URL to give a client (127.0.0.1 for a wildcard host)."""
        if self._server is None:
            raise RuntimeError("the sandbox is not running; call start() or use it as a context manager")
        host = LOOPBACK if self._host in WILDCARD_ADDRESSES else self._host
        shown = f"[{host}]" if ":" in host else host
        return f"http://{shown}:{self._server.server_address[1]}/"

    def environment(self) -> dict[str, str]:
        """The ``SUPRSEND_*`` variables that point a client or the command line built from the environment
        at this sandbox: its URL, workspace key and secret, and, when it accepts API keys, one of them with
        the workspace UID that goes with it. Both sets are there, so ``Suprsend()``,
        ``Suprsend.with_workspace_api_key(None)`` and ``suprsend-typed`` all work; where both are set the
        key and secret win (``_config.chooses_api_key``)."""
        credentials = self.credentials
        values = {
            ENV_BASE_URL: self.url,
            ENV_WORKSPACE_KEY: credentials.workspace_key,
            ENV_WORKSPACE_SECRET: credentials.workspace_secret,
        }
        api_keys = sorted(credentials.api_keys)
        if api_keys:
            values[ENV_API_KEY] = api_keys[0]
            values[ENV_WORKSPACE_UID] = credentials.workspace_uid or credentials.workspace_key
        return values

    def client(self, **options: Any) -> Suprsend:
        """A client signed with this sandbox's workspace key and secret; ``options`` go to ``Suprsend``."""
        from .._client import Suprsend

        return Suprsend(
            self.credentials.workspace_key, self.credentials.workspace_secret, self.url, **options
        )

    # Inspection

    def requests(self, outcome: str | None = None) -> list[dict[str, Any]]:
        """Every request received, oldest first (``outcome``: accepted, rejected, fault, dropped)."""
        return self.store.requests(outcome)

    def records(self, kind: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
        """Records (array items or single objects) by kind (``workflow_trigger``, ``event``) and status."""
        return self.store.records(kind, status)

    def counts(self) -> dict[str, int]:
        return self.store.counts()

    def reset(self) -> None:
        """Forget everything received and every state change, remove fault rules, restart request numbering;
        the seed given to the constructor is applied again."""
        self.store.clear()
        if self._baseline is not None:
            apply_seed(self.store, self._baseline, now=self._clock())
        self.faults.clear()
        with self._positions_lock:
            self._positions = itertools.count()

    def seed(self, document: Mapping[str, Any]) -> Seed:
        """Add the users, tenants, preference categories and templates of ``document`` (shape:
        ``seed.parse_seed``) to the current state; raises ``SeedError`` naming what is wrong."""
        parsed = parse_seed(document)
        apply_seed(self.store, parsed, now=self._clock())
        return parsed

    def next_position(self) -> int:
        with self._positions_lock:
            return next(self._positions)

    def record_fault(self, position: int, method: str, path: str, fault: Fault, status: int | None) -> None:
        self.store.save_request(
            RequestRow(
                position=position,
                method=method,
                path=path,
                kind=None,
                status=status,
                outcome="fault" if status is not None else "dropped",
                auth=None,
                fault=fault.describe(),
                received_at=self._clock(),
            )
        )

    def control(self, method: str, raw_path: str, content: bytes) -> HubAnswer:
        """Answer a ``/_sandbox/`` request."""
        parts = urlsplit(raw_path)
        name = parts.path[len(CONTROL_PREFIX) :].strip("/")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        allowed = _CONTROL_METHODS.get(name)
        if allowed is not None and method not in allowed:
            message = f"method {method} not allowed on {parts.path}: use {', '.join(allowed)}"
            return error_answer(405, message, "method_not_allowed", (("Allow", ", ".join(allowed)),))
        if name == "requests" and method == "GET":
            return json_answer(200, self.requests(query.get("outcome")))
        if name == "records" and method == "GET":
            return json_answer(200, self.records(query.get("kind"), query.get("status")))
        if name == "counts" and method == "GET":
            return json_answer(200, self.counts())
        if name == "reset" and method == "POST":
            self.reset()
            return json_answer(200, {"reset": True})
        if name == "seed" and method == "POST":
            return self._control_seed(content)
        if name == "faults":
            return self._control_faults(method, content)
        return error_answer(404, f"no control endpoint {method} {parts.path}", "not_found")

    def _control_seed(self, content: bytes) -> HubAnswer:
        try:
            document = parse_json(content)
            if not isinstance(document, dict):
                raise ValueError("a seed is a JSON object")
            seeded = self.seed(document)
        except RecursionError:
            return error_answer(400, TOO_DEEP_MESSAGE, "validation_error")
        except ValueError as exc:
            return error_answer(400, str(exc), "validation_error")
        return json_answer(200, seeded.counts())

    def _control_faults(self, method: str, content: bytes) -> HubAnswer:
        """GET lists the rules, DELETE clears them, POST adds one (``_CONTROL_METHODS`` allows no other)."""
        if method == "GET":
            return json_answer(200, [rule.to_json() for rule in self.faults.rules()])
        if method == "DELETE":
            self.faults.clear()
            return json_answer(200, [])
        try:
            document = parse_json(content)
            if not isinstance(document, dict):
                raise ValueError("expected a JSON object")
            rule = self.faults.add(**rule_from_json(document))
        except RecursionError:
            return error_answer(400, TOO_DEEP_MESSAGE, "validation_error")
        except ValueError as exc:
            return error_answer(400, str(exc), "validation_error")
        return json_answer(201, rule.to_json())


class _Server(ThreadingHTTPServer):
    """Joins its handler threads on close, after ending idle keep-alive connections, so that ``stop()``
    returns only once every request in flight has been answered and stored.

    At most ``sandbox.max_connections`` connections are served at once, one thread each: a connection over
    the bound gets a 503 from the accepting thread and is closed, so a flood of half-open connections costs
    no more threads than that.
    """

    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True
    request_queue_size = 128
    sandbox: Sandbox
    slots: threading.BoundedSemaphore

    def process_request(self, request: Any, client_address: Any) -> None:
        if not self.slots.acquire(blocking=False):
            _refuse_busy(request)
            self.shutdown_request(request)
            return
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request: Any, client_address: Any) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def server_activate(self) -> None:
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().server_activate()

    def end_connections(self) -> None:
        """Make handlers waiting for a next request on a kept-alive connection see end of stream."""
        with self.connections_lock:
            for connection in self.connections:
                try:
                    connection.shutdown(socket.SHUT_RD)
                except OSError:
                    continue

    def handle_error(self, request: Any, client_address: Any) -> None:
        """A client going away is normal here (timeouts, dropped-connection faults); anything else is not."""
        if isinstance(sys.exc_info()[1], OSError):
            return
        super().handle_error(request, client_address)


class _Server6(_Server):
    address_family = socket.AF_INET6


_BUSY_BODY: Final = error_body(
    int(HTTPStatus.SERVICE_UNAVAILABLE),
    "the sandbox is serving as many connections as it allows",
    "overloaded",
)
_BUSY_ANSWER: Final = (
    f"HTTP/1.1 {int(HTTPStatus.SERVICE_UNAVAILABLE)} {HTTPStatus.SERVICE_UNAVAILABLE.phrase}\r\n"
    f"Content-Type: application/json; charset=utf-8\r\nContent-Length: {len(_BUSY_BODY)}\r\n"
    f"Retry-After: {_BUSY_RETRY_AFTER_SECONDS}\r\nConnection: close\r\n\r\n"
).encode("ascii") + _BUSY_BODY


def _refuse_busy(connection: socket.socket) -> None:
    """Answer 503 without waiting: a client that does not read it only loses the answer."""
    try:
        connection.setblocking(False)
        connection.send(_BUSY_ANSWER)
    except OSError:
        return


class _Handler(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1; every method goes through ``_serve``. A connection silent for longer than
    ``sandbox.request_timeout_s`` (mid-request or between requests) is closed."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes: never wait for an ACK
    server: _Server

    def setup(self) -> None:
        super().setup()
        self.connection.settimeout(self.server.sandbox.request_timeout_s)
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        super().finish()

    def __getattr__(self, name: str) -> Any:
        """Every method (``do_GET``, ``do_TRACE``, ``do_FOO`` ...) is served by ``_serve``, so that a method
        no operation has gets the hub's JSON 405 with ``Allow``, never the server's HTML 501."""
        if name.startswith("do_"):
            return self._serve
        raise AttributeError(name)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the store is the log."""

    def _serve(self) -> None:
        """Check the head, then read the body, then answer: a request refused on its head is never read."""
        sandbox = self.server.sandbox
        malformed = check_header_names(self.headers)
        refusal = malformed or sandbox.host_policy.check_host(self.headers.get("Host"))
        declared = self.headers.get_all("Content-Length") or []
        length = content_length(declared, self.headers.get("Transfer-Encoding"))
        if malformed is not None:
            length = Refusal(status=400, message=malformed.message, error_type=malformed.error_type)
        if isinstance(length, Refusal):
            # Where this request ends is unknown, so the connection closes after the answer.
            self.close_connection = True
            refusal, length = refusal or length, 0
        if self.path.startswith(CONTROL_PREFIX):
            self._serve_control(refusal, length)
            return
        position = sandbox.next_position()
        if refusal is not None:
            answer = sandbox.hub.refuse_head(
                position=position, method=self.command, raw_path=self.path, refusal=refusal
            )
            self._refuse_unread(answer, length)
            return
        headers = Headers(self.headers.items())
        screened = sandbox.hub.screen(
            position=position, method=self.command, raw_path=self.path, headers=headers, length=length
        )
        if isinstance(screened, HubAnswer):
            self._refuse_unread(screened, length)
            return
        content = self._read_body(length)
        if content is None:
            return
        fault = sandbox.faults.pick(position, urlsplit(self.path).path)
        if sandbox.latency_s:
            time.sleep(sandbox.latency_s)
        if fault is not None and fault.kind == "latency":
            time.sleep(fault.latency_s)
        elif fault is not None and fault.kind == "drop_before":
            sandbox.record_fault(position, self.command, self.path, fault, None)
            self._drop()
            return
        elif fault is not None and fault.kind in ("status", "rate_limit"):
            status = 429 if fault.kind == "rate_limit" else fault.status
            sandbox.record_fault(position, self.command, self.path, fault, status)
            headers_out = (("Retry-After", f"{fault.retry_after:g}"),) if fault.kind == "rate_limit" else ()
            message = f"injected fault: {fault.describe()}"
            self._answer(error_answer(status, message, "sandbox_fault", headers_out))
            return
        answer = sandbox.hub.handle(
            position=position,
            method=self.command,
            raw_path=self.path,
            headers=headers,
            content=content,
            fault=fault,
            checked_head=screened,
        )
        if fault is not None and fault.kind == "drop_after":
            self._drop()
            return
        self._answer(answer)

    def _serve_control(self, refusal: Refusal | None, length: int) -> None:
        sandbox = self.server.sandbox
        if refusal is None:
            refusal = check_size(length) or sandbox.host_policy.check_control(
                self.command, self.headers.get("Content-Type"), self.headers.get("Origin")
            )
        if refusal is not None:
            answer = error_answer(refusal.status, refusal.message, refusal.error_type)
            self._refuse_unread(answer, length)
            return
        content = self._read_body(length)
        if content is not None:
            self._answer(sandbox.control(self.command, self.path, content))

    def _read_body(self, length: int) -> bytes | None:
        """The body, or None when the client closed the connection before sending all of it."""
        content = self.rfile.read(length)
        if len(content) < length:
            self.close_connection = True
            return None
        return content

    def _refuse_unread(self, answer: HubAnswer, unread: int) -> None:
        """Answer without reading the ``unread`` bytes of body. With a body left unread (or an unknown
        length), close the connection after the answer, then discard (within a bound) what the client still
        sends, so that it reads the answer instead of a connection reset."""
        if not unread and not self.close_connection:
            self._answer(answer)
            return
        self.close_connection = True
        self._answer(attrs.evolve(answer, headers=(*answer.headers, ("Connection", "close"))))
        try:
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(_LINGER_SECONDS)
            deadline = time.monotonic() + _LINGER_SECONDS
            budget = MAX_CONTENT_LENGTH
            buffer = bytearray(_LINGER_CHUNK_BYTES)
            while budget > 0 and time.monotonic() < deadline:
                received = self.connection.recv_into(buffer)
                if not received:
                    return
                budget -= received
        except OSError:
            return

    def _answer(self, answer: HubAnswer) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers:
            self.send_header(name, value)
        self.end_headers()
        if self.command != "HEAD":  # a HEAD answer has the GET answer's head and no body
            self.wfile.write(answer.body)

    def _drop(self) -> None:
        """Close the connection without a byte of answer, as a crashed or restarted server would."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            return
