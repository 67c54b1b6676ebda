"""BenchHub: a minimal, fast loopback hub (``python -m bench.fasthub``), used when the sandbox is unavailable.

It verifies every HMAC signature and answers the shapes the SDKs read (202 for single calls, 207 with one
``records`` entry per item for bulk calls, 202 for the legacy trigger), so that a benchmark measures the
client, not a general-purpose test server. It is single-threaded asyncio; added latency is a timer, so
concurrent requests wait in parallel as they would on the real hub.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import hashlib
import hmac
import json

from .settings import WORKSPACE_KEY, WORKSPACE_SECRET

_RECORD_OK = '{"status": "success", "status_code": 202, "message_id": "bench-message"}'
_SINGLE_OK = b'{"message_id": "bench-message", "status": "success"}'
_REASONS = {202: "Accepted", 207: "Multi-Status", 400: "Bad Request", 401: "Unauthorized", 404: "Not Found"}


class Answers:
    """Status and body for each request, after checking its signature."""

    def __init__(self, workspace_key: str, secret: str) -> None:
        self._key = workspace_key
        self._secret = secret.encode("utf-8")
        self._legacy_paths = (f"/{workspace_key}/trigger/", f"/{workspace_key}/broadcast/")

    def answer(self, method: str, target: str, headers: dict[str, str], body: bytes) -> tuple[int, bytes]:
        if not self._signed(method, target, headers, body):
            return 401, b'{"error": {"message": "invalid signature", "type": "unauthorized"}}'
        path = target.partition("?")[0]
        if path in self._legacy_paths:
            return 202, b'"Accepted - OK"'
        if path in ("/trigger/", "/v2/event/", "/v2/bulk/event/", "/event/"):
            try:
                payload = json.loads(body)
            except ValueError:
                return 400, b'{"status": "fail", "message": "BAD REQUEST"}'
            if isinstance(payload, list):
                return 207, ('{"records": [' + ", ".join([_RECORD_OK] * len(payload)) + "]}").encode()
            return 202, _SINGLE_OK
        return 404, b'{"status": "fail", "message": "not found"}'

    def _signed(self, method: str, target: str, headers: dict[str, str], body: bytes) -> bool:
        key, _, signature = headers.get("authorization", "").partition(":")
        if key != self._key:
            return False
        md5 = hashlib.md5(body).hexdigest() if body and method != "GET" else ""
        to_sign = "\n".join((method, md5, headers.get("content-type", ""), headers.get("date", ""), target))
        expected = base64.b64encode(hmac.new(self._secret, to_sign.encode(), hashlib.sha256).digest())
        return hmac.compare_digest(expected, signature.encode())


class HubProtocol(asyncio.Protocol):
    """HTTP/1.1 with keep-alive and Content-Length bodies: all that the SDKs under test send."""

    def __init__(self, answers: Answers, latency_s: float) -> None:
        self._answers = answers
        self._latency_s = latency_s
        self._buffer = bytearray()
        self._transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        assert isinstance(transport, asyncio.Transport)
        self._transport = transport

    def data_received(self, data: bytes) -> None:
        self._buffer += data
        while self._handle_one():
            pass

    def _handle_one(self) -> bool:
        head_end = self._buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return False
        lines = self._buffer[:head_end].decode("latin-1").split("\r\n")
        method, target, _ = lines[0].split(" ", 2)
        headers = {}
        for line in lines[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        end = head_end + 4 + int(headers.get("content-length", "0"))
        if len(self._buffer) < end:
            return False
        body = bytes(self._buffer[head_end + 4 : end])
        del self._buffer[:end]
        status, payload = self._answers.answer(method, target, headers, body)
        closing = headers.get("connection", "").lower() == "close"
        connection = "close" if closing else "keep-alive"
        response = (
            f"HTTP/1.1 {status} {_REASONS.get(status, 'OK')}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(payload)}\r\nConnection: {connection}\r\n\r\n"
        ).encode() + payload
        if self._latency_s:
            asyncio.get_running_loop().call_later(self._latency_s, self._send, response, closing)
        else:
            self._send(response, closing)
        return True

    def _send(self, response: bytes, closing: bool) -> None:
        if self._transport is None or self._transport.is_closing():
            return
        self._transport.write(response)
        if closing:
            self._transport.close()


async def serve(port: int, latency_ms: float, workspace_key: str, secret: str) -> None:
    answers = Answers(workspace_key, secret)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(
        lambda: HubProtocol(answers, latency_ms / 1000), "127.0.0.1", port, backlog=1024
    )
    bound_port = server.sockets[0].getsockname()[1]
    print(f"SANDBOX_URL=http://127.0.0.1:{bound_port}/", flush=True)
    async with server:
        await server.serve_forever()


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.fasthub", description=__doc__)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=0.0)
    parser.add_argument("--workspace-key", default=WORKSPACE_KEY)
    parser.add_argument("--workspace-secret", default=WORKSPACE_SECRET)
    args = parser.parse_args()
    asyncio.run(serve(args.port, args.latency_ms, args.workspace_key, args.workspace_secret))


if __name__ == "__main__":
    main()
