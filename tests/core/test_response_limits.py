"""An answer cannot hold a call past its deadline or fill memory: the whole-attempt deadline and the size cap.

The transport is tested against the shared loopback server (a hub that drips its body, sends too much, or
sends a gzip bomb); the pure pieces every transport shares (``Deadline``, ``BodyCollector``) are tested
with a scripted clock and hand-made bodies.
"""

from __future__ import annotations

import gzip
import inspect
import socket
import threading
import tracemalloc
import zlib
from collections.abc import Iterator
from typing import Any

import pytest

from suprsend_typed import ResponseTooLargeError, Suprsend, Timeout
from suprsend_typed._errors import APIConnectionError, APITimeoutError, SuprsendConfigError
from suprsend_typed._http import Request
from suprsend_typed._response_limits import (
    DEFAULT_MAX_RESPONSE_BYTES,
    MAX_CONTENT_ENCODINGS,
    BodyCollector,
    Deadline,
)
from suprsend_typed._urllib3_transport import Urllib3Transport

from .loopback import LoopbackServer, Reply

CAP = 64 * 1024
WHAT = "GET 127.0.0.1:1"
# A body dripped one byte every DRIP seconds takes far longer than the deadline to arrive.
DRIP = 0.2
DRIPPED_BODY = b'{"message_id": "m-1", "status": "success", "padding": "' + b"x" * 40 + b'"}'
DEADLINE = 1.0
HANG_GUARD_SECONDS = 60.0
# A byte every fraction of a millisecond: always data to read, yet the whole body takes many seconds.
STEADY_DRIP = 0.0002
STEADY_BODY = b'"' + b"y" * 20_000 + b'"'


@pytest.fixture
def transport() -> Iterator[Urllib3Transport]:
    made = Urllib3Transport(max_response_bytes=CAP)
    yield made
    made.close()


def _get(server: LoopbackServer) -> Request:
    return Request(method="GET", url=server.base_url + "v1/message/")


# ---------------------------------------------------------------- deadline of the whole attempt


@pytest.mark.parametrize("timeout", [DEADLINE, Timeout(connect=5.0, read=5.0, total=DEADLINE)])
@pytest.mark.parametrize(
    ("drip", "body"),
    [
        (DRIP, DRIPPED_BODY),  # slow bytes: no single wait may outlast the time left
        (STEADY_DRIP, STEADY_BODY),  # a steady stream: bytes are always there, the clock must still stop it
    ],
    ids=["slow", "steady"],
)
def test_a_dripping_body_fails_at_the_deadline_although_each_byte_is_in_time(
    server: LoopbackServer, transport: Urllib3Transport, timeout: float | Timeout, drip: float, body: bytes
) -> None:
    server.replies.append(Reply(status=200, body=body, drip_seconds=drip))
    with pytest.raises(APITimeoutError) as raised:
        transport.send(_get(server), timeout=Timeout.of(timeout))
    assert server.finished_replies == 0  # the call gave up while the hub was still sending
    assert raised.value.outcome_unknown  # the request was sent: the hub may have acted on it
    assert f"total={DEADLINE}s" in str(raised.value)


# Answers whose head, or a chunk-size line, is dripped: (sent at once, dripped a byte every DRIP seconds,
# sent after the mark), so a client that waits for the last bytes waits far past the deadline.
_DRIPPED_HEADS = {
    "head": (b"HTTP/1.1 200 OK\r\n", b"X-Padding: " + b"p" * 30, b"\r\nContent-Length: 2\r\n\r\n{}"),
    "chunk size line": (
        b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n2;ext=",
        b"e" * 30,
        b"\r\n{}\r\n0\r\n\r\n",
    ),
}


@pytest.mark.parametrize("part", sorted(_DRIPPED_HEADS))
def test_a_dripping_head_or_chunk_line_fails_at_the_deadline(part: str) -> None:
    """Reads inside urllib3 (the head, a chunk's size line) are bounded by the deadline too: a line read
    byte by byte, each byte in time for the read timeout, must not hold the attempt past ``total``."""
    at_once, dripped, rest = _DRIPPED_HEADS[part]
    listener = socket.create_server(("127.0.0.1", 0))
    mark = threading.Event()  # set just before the last bytes: a client still reading then waited for them
    stop = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            try:
                connection.sendall(at_once)
                for index in range(len(dripped)):
                    if stop.wait(DRIP):
                        return
                    connection.sendall(dripped[index : index + 1])
                mark.set()
                connection.sendall(rest)
            except OSError:  # the client hung up
                return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    transport = Urllib3Transport()
    url = f"http://127.0.0.1:{listener.getsockname()[1]}/v1/message/"
    try:
        with pytest.raises(APITimeoutError) as raised:
            transport.send(Request(method="GET", url=url), timeout=Timeout(connect=5, read=5, total=DEADLINE))
        assert not mark.is_set()  # given up while the hub was still dripping
        assert raised.value.outcome_unknown
    finally:
        stop.set()
        transport.close()
        thread.join(HANG_GUARD_SECONDS)
        listener.close()


def test_after_a_deadline_the_pool_serves_the_next_call(server: LoopbackServer) -> None:
    transport = Urllib3Transport(pool_size=1)  # the only connection must come back to the pool
    server.replies.append(Reply(status=200, body=DRIPPED_BODY, drip_seconds=DRIP))
    with pytest.raises(APITimeoutError):
        transport.send(_get(server), timeout=Timeout.of(DEADLINE))
    response = transport.send(_get(server), timeout=Timeout.of(5.0))
    transport.close()
    assert response.status_code == 202 and response.json()["message_id"] == "m-1"


def test_timeout_total_defaults_to_connect_plus_read_and_can_be_turned_off() -> None:
    assert Timeout().total == Timeout().connect + Timeout().read  # type: ignore[operator]
    assert Timeout(connect=1, read=2).total == 3
    assert Timeout(read=None).total is None
    assert Timeout(connect=1, read=2, total=None).total is None
    assert Timeout.of(4) == Timeout(connect=4, read=4, total=4)


def test_deadline_bounds_each_wait_by_the_time_left() -> None:
    now = [100.0]
    deadline = Deadline(2.0, clock=lambda: now[0])
    assert deadline.bound(5.0) == 2.0 and deadline.bound(None) == 2.0
    now[0] = 101.5
    assert deadline.bound(0.25) == 0.25 and not deadline.expired()
    now[0] = 102.0
    assert deadline.expired()
    assert 0 < deadline.bound(5.0)  # type: ignore[operator]  # never 0: that would make a socket non-blocking
    assert Deadline(None).bound(3.0) == 3.0 and not Deadline(None).expired()


# ---------------------------------------------------------------- size cap


def test_the_default_cap_is_far_below_100_mb() -> None:
    assert 0 < DEFAULT_MAX_RESPONSE_BYTES <= 10 * 1024 * 1024


def test_a_body_exactly_at_the_cap_is_read(server: LoopbackServer, transport: Urllib3Transport) -> None:
    body = b'"' + b"a" * (CAP - 2) + b'"'
    server.replies.append(Reply(status=200, body=body))
    assert transport.send(_get(server), timeout=Timeout()).content == body


def test_a_body_over_the_cap_raises_a_typed_error(
    server: LoopbackServer, transport: Urllib3Transport
) -> None:
    server.replies.append(Reply(status=200, body=b"a" * (CAP + 1)))
    with pytest.raises(ResponseTooLargeError) as raised:
        transport.send(_get(server), timeout=Timeout())
    assert isinstance(raised.value, APIConnectionError) and raised.value.outcome_unknown
    assert raised.value.limit == CAP
    assert f"{CAP}-byte cap" in str(raised.value) and "max_response_bytes" in str(raised.value)
    # The connection with the unread rest was dropped, and the next call works.
    assert transport.send(_get(server), timeout=Timeout()).status_code == 202


def test_a_gzip_bomb_is_stopped_at_the_cap_without_inflating_it(
    server: LoopbackServer, transport: Urllib3Transport
) -> None:
    inflated = 64 * 1024 * 1024  # 1024 times the cap
    bomb = zlib.compressobj(1, zlib.DEFLATED, 31)  # gzip framing
    compressed = bomb.compress(bytes(inflated)) + bomb.flush()
    server.replies.append(Reply(status=200, body=compressed, headers=(("Content-Encoding", "gzip"),)))
    tracemalloc.start()
    try:
        with pytest.raises(ResponseTooLargeError):
            transport.send(_get(server), timeout=Timeout())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 16 * CAP  # the cap, one decoding step and bookkeeping: nowhere near the inflated size


def test_a_gzip_body_under_the_cap_is_decoded(server: LoopbackServer, transport: Urllib3Transport) -> None:
    body = b'{"results": [], "meta": {"has_next": false}}'
    server.replies.append(
        Reply(status=200, body=gzip.compress(body), headers=(("Content-Encoding", "gzip"),))
    )
    assert transport.send(_get(server), timeout=Timeout()).json() == {
        "results": [],
        "meta": {"has_next": False},
    }


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "1"])
def test_max_response_bytes_must_be_a_positive_int(bad: object) -> None:
    with pytest.raises(ValueError, match="max_response_bytes"):
        Urllib3Transport(max_response_bytes=bad)  # type: ignore[arg-type]


def _collect(chunks: list[bytes], *, encoding: str = "", cap: int = CAP) -> bytes:
    body = BodyCollector(content_encoding=encoding, max_bytes=cap, what=WHAT)
    for chunk in chunks:
        body.feed(chunk)
    return body.finish()


def test_collector_takes_exactly_the_cap_and_refuses_one_byte_more() -> None:
    assert _collect([b"a" * 10, b"b" * 6], cap=16) == b"a" * 10 + b"b" * 6
    with pytest.raises(ResponseTooLargeError):
        _collect([b"a" * 10, b"b" * 7], cap=16)


def test_collector_refuses_a_declared_length_over_the_cap_before_reading() -> None:
    body = BodyCollector(content_encoding="", max_bytes=16, what=WHAT)
    body.check_declared_length("16")
    body.check_declared_length("not a number")  # urllib3 reports a bad length itself
    with pytest.raises(ResponseTooLargeError, match="announced 17 bytes"):
        body.check_declared_length("17")
    # A compressed body's length says nothing about its decoded size: it is judged while decoding.
    BodyCollector(content_encoding="gzip", max_bytes=16, what=WHAT).check_declared_length("17")


@pytest.mark.parametrize(
    ("encoding", "encode"),
    [
        ("gzip", gzip.compress),
        ("x-gzip", gzip.compress),
        ("deflate", zlib.compress),
        ("deflate", lambda data: zlib.compress(data)[2:-4]),  # raw deflate, without the zlib header
        ("gzip, gzip", lambda data: gzip.compress(gzip.compress(data))),
        ("identity", lambda data: data),
        ("br", lambda data: data),  # not decoded here: kept as it came
    ],
)
def test_collector_decodes_what_it_knows_fed_in_small_pieces(encoding: str, encode: object) -> None:
    data = b'{"k": "' + b"v" * 5000 + b'"}'
    wire = encode(data)  # type: ignore[operator]
    pieces = [wire[i : i + 7] for i in range(0, len(wire), 7)]
    assert _collect(pieces, encoding=encoding) == data


def test_collector_caps_decoded_bytes_through_stacked_encodings() -> None:
    with pytest.raises(ResponseTooLargeError):
        _collect([gzip.compress(gzip.compress(bytes(CAP + 1)))], encoding="gzip, gzip")


def test_collector_reports_a_corrupt_or_overencoded_body_as_a_connection_error() -> None:
    with pytest.raises(APIConnectionError, match="corrupt"):
        _collect([b"this is not gzip"], encoding="gzip")
    with pytest.raises(APIConnectionError, match="content encodings"):
        _collect([b""], encoding=", ".join(["gzip"] * (MAX_CONTENT_ENCODINGS + 1)))


def test_an_answer_refused_before_its_body_is_read_gives_its_connection_back(server: LoopbackServer) -> None:
    transport = Urllib3Transport(
        pool_size=1, max_response_bytes=CAP
    )  # a lost connection blocks the next send
    overencoded = ", ".join(["identity"] * (MAX_CONTENT_ENCODINGS + 1))
    outcomes: list[object] = []

    def send_four() -> None:
        for _ in range(3):
            server.replies.append(Reply(status=200, headers=(("Content-Encoding", overencoded),)))
            with pytest.raises(APIConnectionError, match="content encodings"):
                transport.send(_get(server), timeout=Timeout(connect=5.0, read=5.0))
        outcomes.append(transport.send(_get(server), timeout=Timeout(connect=5.0, read=5.0)).status_code)

    sender = threading.Thread(target=send_four, daemon=True)
    sender.start()
    sender.join(HANG_GUARD_SECONDS)  # only runs out when a connection was never given back
    transport.close()
    assert not sender.is_alive(), "a send waited forever for the pool's only connection"
    assert outcomes == [202]


# ---------------------------------------------------------------- the cap as a client option


@pytest.mark.parametrize("make", [Suprsend, Suprsend.with_workspace_api_key])
def test_the_client_option_sets_the_default_transports_cap(server: LoopbackServer, make: Any) -> None:
    with make(
        "workspace", "secret", base_url=server.base_url, max_retries=0, max_response_bytes=CAP
    ) as client:
        server.replies.append(Reply(status=200, body=b'"' + b"a" * (CAP - 2) + b'"'))
        assert len(client.request("GET", "v1/message/").content) == CAP
        server.replies.append(Reply(status=200, body=b"a" * (CAP + 1)))
        with pytest.raises(ResponseTooLargeError) as raised:
            client.request("GET", "v1/message/")
        assert raised.value.limit == CAP and "max_response_bytes" in str(raised.value)


def test_a_with_options_copy_keeps_the_cap(server: LoopbackServer) -> None:
    with Suprsend("workspace", "secret", base_url=server.base_url, max_response_bytes=CAP) as client:
        copy = client.with_options(timeout=5, max_retries=0)
        server.replies.append(Reply(status=200, body=b"a" * (CAP + 1)))
        with pytest.raises(ResponseTooLargeError) as raised:
            copy.request("GET", "v1/message/")
        assert raised.value.limit == CAP


def test_the_client_default_is_the_one_named_constant() -> None:
    for make in (Suprsend, Suprsend.with_workspace_api_key):
        default = inspect.signature(make).parameters["max_response_bytes"].default
        assert default is DEFAULT_MAX_RESPONSE_BYTES


@pytest.mark.parametrize("bad", [0, -1, 1.5, "8", True, None])
@pytest.mark.parametrize("make", [Suprsend, Suprsend.with_workspace_api_key])
def test_a_bad_client_cap_is_a_config_error_at_construction(bad: object, make: Any) -> None:
    with pytest.raises(SuprsendConfigError, match=r"max_response_bytes must be a positive int"):
        make("workspace", "secret", max_response_bytes=bad)


def test_a_cap_given_with_a_transport_of_ones_own_is_refused() -> None:
    """The cap belongs to the default transport: with transport= it would be silently ignored."""
    own = Urllib3Transport()
    with pytest.raises(SuprsendConfigError, match="max_response_bytes configures the default transport"):
        Suprsend("workspace", "secret", transport=own, max_response_bytes=CAP)
    with pytest.raises(SuprsendConfigError, match="must be a positive int"):
        Suprsend("workspace", "secret", transport=own, max_response_bytes=0)
    own.close()
