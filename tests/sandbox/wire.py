"""Sending hand-made, signed (or deliberately mis-signed) requests to a sandbox."""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass
from email.utils import formatdate
from typing import Any
from urllib.parse import urlsplit

from suprsend_typed._http import Headers, Request, Response, Timeout
from suprsend_typed._signing import request_signature
from suprsend_typed._urllib3_transport import Urllib3Transport
from suprsend_typed.sandbox import Credentials, Sandbox

CONTENT_TYPE = "application/json; charset=utf-8"
TIMEOUT = Timeout(connect=5.0, read=10.0)


class Wire:
    """Builds requests for a hub at ``url`` and sends them over a real socket."""

    def __init__(self, url: str, credentials: Credentials) -> None:
        self.url = url
        self.credentials = credentials
        self.transport = Urllib3Transport()

    @classmethod
    def to(cls, hub: Sandbox) -> Wire:
        return cls(hub.url, hub.credentials)

    def close(self) -> None:
        self.transport.close()

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        content: bytes | None = None,
        date: float | None = None,
        secret: str | None = None,
        key: str | None = None,
        bearer: str | None = None,
        extra_headers: dict[str, str] | None = None,
        tamper: bytes | None = None,
    ) -> Request:
        """A request signed with the hub's credentials unless told otherwise; ``tamper`` replaces the body
        after signing."""
        if content is None:
            content = b"" if body is None else json.dumps(body, ensure_ascii=False).encode("utf-8")
        headers = {"Content-Type": CONTENT_TYPE, **(extra_headers or {})}
        request = Request(
            method=method, url=self.url + path.lstrip("/"), headers=Headers(headers), content=content
        )
        if bearer is not None:
            return request.with_headers({"Authorization": f"Bearer {bearer}"})
        credentials = self.credentials
        dated = request.with_headers({"Date": formatdate(time.time() if date is None else date, usegmt=True)})
        signature = request_signature(secret or credentials.workspace_secret, dated)
        signed = dated.with_headers({"Authorization": f"{key or credentials.workspace_key}:{signature}"})
        if tamper is not None:
            return Request(method=method, url=signed.url, headers=signed.headers, content=tamper)
        return signed

    def send(self, method: str, path: str, body: Any = None, **options: Any) -> Response:
        return self.transport.send(self.request(method, path, body, **options), timeout=TIMEOUT)


@dataclass(frozen=True)
class RawAnswer:
    status: int
    headers: dict[str, str]  # lower-cased names
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


def raw_connection(url: str) -> socket.socket:
    """A plain socket to the sandbox at ``url``, for requests no well-behaved client would send."""
    parts = urlsplit(url)
    return socket.create_connection((parts.hostname or "", parts.port or 0), timeout=TIMEOUT.read)


def read_answer(connection: socket.socket) -> RawAnswer:
    """One HTTP answer read from ``connection``: its head, then as many body bytes as it declares."""
    received = b""
    while b"\r\n\r\n" not in received:
        chunk = connection.recv(65536)
        if not chunk:
            raise ConnectionError(f"closed before a whole answer head: {received!r}")
        received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    pairs = (line.partition(":") for line in lines)
    headers = {name.strip().lower(): value.strip() for name, _, value in pairs}
    length = int(headers.get("content-length", "0"))
    while len(body) < length:
        chunk = connection.recv(65536)
        if not chunk:
            break
        body += chunk
    return RawAnswer(status=int(status_line.split()[1]), headers=headers, body=body)


def raw_exchange(url: str, head: str, body: bytes = b"") -> RawAnswer:
    """Send ``head`` (request line and headers, ``\\r\\n``-separated, without the blank line) and ``body``
    as they are, and read the answer."""
    with raw_connection(url) as connection:
        connection.sendall(head.encode("latin-1") + b"\r\n\r\n" + body)
        return read_answer(connection)


def host_of(url: str) -> str:
    """``127.0.0.1:<port>``, the ``Host`` value of requests to ``url``."""
    return urlsplit(url).netloc
