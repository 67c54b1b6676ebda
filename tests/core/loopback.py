"""A loopback HTTP server that records what it receives and answers with scripted responses."""

from __future__ import annotations

import http.server
import ssl
import sys
import threading
import time
from typing import Any

import attrs

SHUTDOWN_POLL_SECONDS = 0.01  # how often serve_forever checks for shutdown: keeps teardown quick


class _Server(http.server.ThreadingHTTPServer):
    request_queue_size = 64  # many client threads connect at once; the default backlog of 5 drops SYNs
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Tests hang up on purpose (deadlines, size caps): a reset connection is expected, not a traceback.
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


@attrs.frozen(kw_only=True)
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    client_port: int


@attrs.frozen(kw_only=True)
class Reply:
    status: int = 202
    body: bytes = b'{"message_id": "m-1", "status": "success"}'
    headers: tuple[tuple[str, str], ...] = (("Content-Type", "application/json"),)
    # Seconds between the bytes of the body: a hub that drips its answer (0: the body is sent at once).
    drip_seconds: float = 0.0


def _write_body(out: Any, reply: Reply) -> None:
    if not reply.drip_seconds:
        out.write(reply.body)
        return
    for index in range(len(reply.body)):
        out.write(reply.body[index : index + 1])
        out.flush()
        time.sleep(reply.drip_seconds)


class LoopbackServer:
    """Answers each request with the next scripted ``Reply`` (the default one when none is left)."""

    def __init__(self, *, tls: ssl.SSLContext | None = None) -> None:
        self.received: list[Received] = []
        self.replies: list[Reply] = []
        # How many replies were written to the end (a dripped one the client gave up on is not).
        self.finished_replies = 0
        self._lock = threading.Lock()
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, so connection reuse is visible

            def _serve(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                with owner._lock:
                    owner.received.append(
                        Received(
                            method=self.command,
                            path=self.path,
                            headers=dict(self.headers.items()),
                            body=body,
                            client_port=self.client_address[1],
                        )
                    )
                    reply = owner.replies.pop(0) if owner.replies else Reply()
                self.send_response(reply.status)
                for name, value in reply.headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                try:
                    _write_body(self.wfile, reply)
                except OSError:  # the client hung up before the end: this reply never finished
                    self.close_connection = True
                    return
                with owner._lock:
                    owner.finished_replies += 1

            do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = _serve

            def log_message(self, format: str, *args: Any) -> None:
                """Keep test output quiet."""

        self._server = _Server(("127.0.0.1", 0), Handler)
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
        self.port = self._server.server_address[1]
        scheme = "https" if tls is not None else "http"
        self.base_url = f"{scheme}://127.0.0.1:{self.port}/"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS}, daemon=True
        )
        self._thread.start()

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
