"""The sandbox: the hub behind a real HTTP server on loopback, with control endpoints under ``/_sandbox/``."""

from __future__ import annotations

import itertools
import json
import socket
import sys
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import parse_qs, urlsplit

from .._http import Headers
from .._json import dumps
from .auth import Credentials
from .faults import Fault, FaultInjector, rule_from_json
from .hub import Hub, HubAnswer, error_body
from .store import RequestRow, Store
from .validation import Validator, validate_record

if TYPE_CHECKING:
    from .._client import Suprsend

DEFAULT_WORKSPACE_KEY: Final = "sandbox_workspace_key_0001"  # `env` must be >= 20 characters
DEFAULT_WORKSPACE_SECRET: Final = "sandbox-workspace-secret"
DEFAULT_API_KEY: Final = "sandbox-api-key"
CONTROL_PREFIX: Final = "/_sandbox/"
LOOPBACK: Final = "127.0.0.1"
_SHUTDOWN_POLL_SECONDS: Final = 0.02  # how often serve_forever looks for stop(): bounds how long stop() takes


def _new_uuid() -> str:
    return str(uuid.uuid4())


class Sandbox:
    """A local SuprSend-compatible hub on 127.0.0.1; use it as a context manager or ``start()``/``stop()``.

    ``record_bodies=False`` is the benchmark mode: signatures are still verified, bodies validated, records
    deduped and counted, but no body text is stored and no messages or profiles are kept.
    ``clock`` is the server's clock for ``Date`` checks and dedupe windows; ``id_factory`` makes message
    ids; ``latency_s`` is added to every hub request. Control endpoints (no auth, loopback only):
    ``GET /_sandbox/requests[?outcome=]``, ``GET /_sandbox/records[?kind=&status=]``,
    ``GET /_sandbox/counts``, ``POST /_sandbox/reset``, ``GET|POST|DELETE /_sandbox/faults`` (body: see
    ``faults.rule_from_json``).
    """

    def __init__(
        self,
        *,
        workspace_key: str = DEFAULT_WORKSPACE_KEY,
        workspace_secret: str = DEFAULT_WORKSPACE_SECRET,
        api_keys: Iterable[str] = (DEFAULT_API_KEY,),
        workspace_uid: str = "",
        port: int = 0,
        db_path: str | None = None,
        clock: Callable[[], float] = time.time,
        id_factory: Callable[[], str] = _new_uuid,
        latency_s: float = 0.0,
        record_bodies: bool = True,
        fault_seed: int = 0,
        validator: Validator | None = None,
    ) -> None:
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
        self._port = port
        self._positions = itertools.count()
        self._positions_lock = threading.Lock()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    # Lifecycle

    def start(self) -> Sandbox:
        if self._server is not None:
            return self
        server = _Server((LOOPBACK, self._port), _Handler)
        server.sandbox = self
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
        """``http://127.0.0.1:<port>/``, the base URL to give a client."""
        if self._server is None:
            raise RuntimeError("the sandbox is not running; call start() or use it as a context manager")
        return f"http://{LOOPBACK}:{self._server.server_address[1]}/"

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
        """Forget everything received, remove fault rules and restart request numbering."""
        self.store.clear()
        self.faults.clear()
        with self._positions_lock:
            self._positions = itertools.count()

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
        if name == "requests" and method == "GET":
            return _json(200, self.requests(query.get("outcome")))
        if name == "records" and method == "GET":
            return _json(200, self.records(query.get("kind"), query.get("status")))
        if name == "counts" and method == "GET":
            return _json(200, self.counts())
        if name == "reset" and method == "POST":
            self.reset()
            return _json(200, {"reset": True})
        if name == "faults":
            return self._control_faults(method, content)
        return HubAnswer(
            status=404, body=error_body(f"no control endpoint {method} {parts.path}", "not_found")
        )

    def _control_faults(self, method: str, content: bytes) -> HubAnswer:
        if method == "GET":
            return _json(200, [rule.to_json() for rule in self.faults.rules()])
        if method == "DELETE":
            self.faults.clear()
            return _json(200, [])
        if method == "POST":
            try:
                document = json.loads(content)
                if not isinstance(document, dict):
                    raise ValueError("expected a JSON object")
                rule = self.faults.add(**rule_from_json(document))
            except ValueError as exc:
                return HubAnswer(status=400, body=error_body(str(exc), "validation_error"))
            return _json(201, rule.to_json())
        return HubAnswer(status=405, body=error_body(f"{method} not allowed on faults", "method_not_allowed"))


def _json(status: int, document: Any) -> HubAnswer:
    return HubAnswer(status=status, body=dumps(document).encode("utf-8"))


class _Server(ThreadingHTTPServer):
    """Joins its handler threads on close, after ending idle keep-alive connections, so that ``stop()``
    returns only once every request in flight has been answered and stored."""

    daemon_threads = False
    block_on_close = True
    allow_reuse_address = True
    request_queue_size = 128
    sandbox: Sandbox

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


class _Handler(BaseHTTPRequestHandler):
    """Keep-alive HTTP/1.1; every method goes through ``_serve``."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out as separate writes: never wait for an ACK
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        with self.server.connections_lock:
            self.server.connections.discard(self.connection)
        super().finish()

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def do_PATCH(self) -> None:
        self._serve()

    def do_PUT(self) -> None:
        self._serve()

    def do_DELETE(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the store is the log."""

    def _serve(self) -> None:
        sandbox = self.server.sandbox
        content = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if self.path.startswith(CONTROL_PREFIX):
            self._answer(sandbox.control(self.command, self.path, content))
            return
        position = sandbox.next_position()
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
            headers = (("Retry-After", f"{fault.retry_after:g}"),) if fault.kind == "rate_limit" else ()
            message = f"injected fault: {fault.describe()}"
            self._answer(HubAnswer(status=status, body=error_body(message, "sandbox_fault"), headers=headers))
            return
        answer = sandbox.hub.handle(
            position=position,
            method=self.command,
            raw_path=self.path,
            headers=Headers(self.headers.items()),
            content=content,
        )
        if fault is not None and fault.kind == "drop_after":
            self._drop()
            return
        self._answer(answer)

    def _answer(self, answer: HubAnswer) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.content_type)
        self.send_header("Content-Length", str(len(answer.body)))
        for name, value in answer.headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(answer.body)

    def _drop(self) -> None:
        """Close the connection without a byte of answer, as a crashed or restarted server would."""
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            return
