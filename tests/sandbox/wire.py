"""Sending hand-made, signed (or deliberately mis-signed) requests to a sandbox."""

from __future__ import annotations

import json
import time
from email.utils import formatdate
from typing import Any

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
