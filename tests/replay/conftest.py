"""Fixtures of the replay tests: a sandbox that accepts any body, signed senders, and a network guard."""

from __future__ import annotations

import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from suprsend_typed._http import Headers, Request, Response, Timeout
from suprsend_typed._middleware import compose
from suprsend_typed._signing import HmacAuth
from suprsend_typed._transport import Transport
from suprsend_typed.sandbox import Sandbox

TIMEOUT = Timeout(connect=5.0, read=10.0)
CONTENT_TYPE = "application/json; charset=utf-8"

Send = Callable[[str, str, bytes], Response]


def accept_all(kind: str, record: Any) -> None:
    """Validation is the sandbox tests' business; here any body goes."""


@pytest.fixture
def hub() -> Iterator[Sandbox]:
    with Sandbox(validator=accept_all) as running:
        yield running


def signed_sender(transport: Transport, base_url: str, hub: Sandbox) -> Send:
    """``send(method, path, content)``: signed with ``hub``'s credentials, sent by ``transport``."""
    auth = HmacAuth(
        workspace_key=hub.credentials.workspace_key, secret=hub.credentials.workspace_secret, clock=time.time
    )
    chain = compose([auth], lambda request: transport.send(request, timeout=TIMEOUT))

    def send(method: str, path: str, content: bytes) -> Response:
        headers = Headers({"Content-Type": CONTENT_TYPE, "User-Agent": f"test/{time.monotonic_ns()}"})
        return chain(Request(method=method, url=base_url + path, headers=headers, content=content))

    return send


@contextmanager
def network_blocked() -> Iterator[None]:
    """Inside the block, any attempt to open a connection fails the test."""

    def refuse(self: socket.socket, address: Any) -> None:
        raise AssertionError(f"network access attempted: {address!r}")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(socket.socket, "connect", refuse)
        patch.setattr(socket.socket, "connect_ex", refuse)
        yield
