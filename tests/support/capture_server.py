"""A loopback HTTP server that records every request and answers like the hub (202 + JSON)."""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import attrs

LOOPBACK = "127.0.0.1"
ACCEPTED = 202


@attrs.frozen(kw_only=True)
class CapturedRequest:
    """One request as the server received it."""

    method: str
    path: str  # request-URI: path plus "?query" when present
    headers: dict[str, str]  # names lower-cased
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@attrs.frozen(kw_only=True)
class CannedResponse:
    status: int
    body: bytes
    content_type: str = "application/json"


def hub_like_response(request: CapturedRequest) -> CannedResponse:
    """202 with a JSON body carrying a fresh ``message_id``, as ``trigger/`` and ``v2/event/`` answer."""
    body = {"status": "success", "message_id": str(uuid.uuid4())}
    return CannedResponse(status=ACCEPTED, body=json.dumps(body).encode())


Responder = Callable[[CapturedRequest], CannedResponse]


class CaptureServer:
    """Records requests in arrival order; ``responder`` decides each answer (hub-like by default)."""

    def __init__(self, responder: Responder = hub_like_response) -> None:
        self.responder = responder
        self._lock = threading.Lock()
        self._requests: list[CapturedRequest] = []
        self._server = ThreadingHTTPServer((LOOPBACK, 0), self._handler_class())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        """Base URL with a trailing slash, as both SDKs expect."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/"

    @property
    def requests(self) -> list[CapturedRequest]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        with self._lock:
            self._requests.clear()

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def _record(self, request: CapturedRequest) -> CannedResponse:
        with self._lock:
            self._requests.append(request)
        return self.responder(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, so pooled clients reuse connections

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                captured = CapturedRequest(
                    method=self.command,
                    path=self.path,
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=body,
                )
                answer = owner._record(captured)
                self.send_response(answer.status)
                self.send_header("Content-Type", answer.content_type)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            do_GET = do_POST = do_PATCH = do_PUT = do_DELETE = _handle

            def log_message(self, format: str, *args: Any) -> None:
                """Silence the default stderr access log."""

        return Handler


@contextmanager
def capture_server(responder: Responder = hub_like_response) -> Iterator[CaptureServer]:
    server = CaptureServer(responder)
    server.start()
    try:
        yield server
    finally:
        server.stop()
