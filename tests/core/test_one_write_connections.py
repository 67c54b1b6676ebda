"""The default transport's connections send the bytes urllib3's own send, with the head and a body in one
write: checked write by write against urllib3's ``HTTPConnection`` on a socket that records its writes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from urllib3.connection import HTTPConnection

from suprsend_typed._http import Request, Timeout
from suprsend_typed._one_write_connections import (
    ONE_WRITE_MAX_BODY_BYTES,
    ONE_WRITE_POOL_CLASSES,
    OneWriteHTTPConnection,
    OneWriteHTTPSConnection,
)
from suprsend_typed._urllib3_transport import Urllib3Transport

from .loopback import LoopbackServer

HEADERS = {"Content-Type": "application/json; charset=utf-8", "X-Suprsend-Retry-Count": "0"}


class RecordingSocket:
    """Stands in for a connected socket: keeps each ``sendall`` as one write."""

    def __init__(self) -> None:
        self.writes: list[bytes] = []

    def sendall(self, data: bytes) -> None:
        self.writes.append(bytes(data))

    def settimeout(self, _seconds: float | None) -> None:
        pass


def _writes(connection_class: type[HTTPConnection], method: str, body: Any, **options: Any) -> list[bytes]:
    connection = connection_class("hub.example", 80)
    sock = RecordingSocket()
    connection.sock = sock  # connected already: no connect() happens
    body = list(body) if isinstance(body, Iterator) else body
    connection.request(method, "/v1/event/", body=iter(body) if isinstance(body, list) else body, **options)
    return sock.writes


@pytest.mark.parametrize(
    ("method", "body", "options", "one_write"),
    [
        ("POST", b'{"event": "signup"}', {}, True),
        ("POST", "é".encode() * 100, {"headers": HEADERS}, True),
        ("POST", b"x" * ONE_WRITE_MAX_BODY_BYTES, {}, True),
        ("POST", b"x" * (ONE_WRITE_MAX_BODY_BYTES + 1), {}, False),  # copying it would cost more
        ("POST", b"", {"headers": HEADERS}, True),  # only the head is written
        ("GET", None, {"headers": HEADERS}, True),
        ("POST", iter([b"ab", b"cd"]), {}, False),  # not bytes: chunked, as urllib3 writes it
        ("POST", b'{"a": 1}', {"chunked": True}, False),
    ],
)
def test_same_bytes_as_urllib3_and_the_head_joins_a_bytes_body(
    method: str, body: Any, options: dict[str, Any], one_write: bool
) -> None:
    body = list(body) if isinstance(body, Iterator) else body
    theirs = _writes(HTTPConnection, method, body, **options)
    ours = _writes(OneWriteHTTPConnection, method, body, **options)
    assert b"".join(ours) == b"".join(theirs)
    assert ours == ([b"".join(theirs)] if one_write else theirs)


def test_nothing_is_held_once_a_request_is_written() -> None:
    connection = OneWriteHTTPConnection("hub.example", 80)
    connection.sock = RecordingSocket()
    connection.request("POST", "/", body=b"body")
    assert connection._held_head is None and connection._hold_head is False


def test_a_failed_write_leaves_nothing_held() -> None:
    class BrokenSocket(RecordingSocket):
        def sendall(self, data: bytes) -> None:
            raise ConnectionResetError("peer went away")

    connection = OneWriteHTTPConnection("hub.example", 80)
    connection.sock = BrokenSocket()
    with pytest.raises(ConnectionResetError):
        connection.request("POST", "/", body=b"body")
    assert connection._held_head is None and connection._hold_head is False


def test_the_transports_pools_make_one_write_connections(server: LoopbackServer) -> None:
    transport = Urllib3Transport()
    try:
        response = transport.send(
            Request(method="POST", url=server.base_url + "event/", content=b'{"a": 1}'), timeout=Timeout()
        )
        pools = list(transport._origin_pools.values())
    finally:
        transport.close()
    assert response.status_code == 202
    assert server.received[0].body == b'{"a": 1}'
    assert [pool.ConnectionCls for pool in pools] == [OneWriteHTTPConnection]
    assert ONE_WRITE_POOL_CLASSES["https"].ConnectionCls is OneWriteHTTPSConnection
