"""The sandbox probed as an attacker would: bad lengths, huge or unauthenticated bodies, half-sent requests,
floods of connections, deep nesting, foreign Host and Origin headers. Each is refused, nothing crashes."""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from email.utils import formatdate
from pathlib import Path

import pytest

from suprsend_typed.sandbox import Sandbox
from suprsend_typed.sandbox.guard import HostPolicy
from suprsend_typed.sandbox.limits import MAX_CONTENT_LENGTH
from suprsend_typed.sandbox.server import MAX_CONNECTIONS, REQUEST_TIMEOUT_SECONDS

from .conftest import accept_all
from .wire import CONTENT_TYPE, RawAnswer, Wire, host_of, raw_connection, raw_exchange, read_answer

TRIGGER = {"workflow": "welcome", "recipients": ["u1"], "data": {}}
DEEP = 3000
ATTACK_BYTES = 600 * 1000 * 1000
SHORT_TIMEOUT_S = 0.3
FLAT_MEMORY_BYTES = 16 * 1024 * 1024  # growth allowed while refusing bodies forty times as large


def head(hub: Sandbox, method: str, path: str, *lines: str, host: str | None = None) -> str:
    return "\r\n".join((f"{method} {path} HTTP/1.1", f"Host: {host or host_of(hub.url)}", *lines))


def signed_looking(hub: Sandbox) -> tuple[str, str]:
    """Headers that pass every check made before the body is read (key and date), not the signature."""
    key = hub.credentials.workspace_key
    return (f"Authorization: {key}:not-yet-checked", f"Date: {formatdate(usegmt=True)}")


def assert_still_serving(wire: Wire) -> None:
    assert wire.send("POST", "trigger/", TRIGGER).status_code == 202


# Content-Length


@pytest.mark.parametrize("value", ["abc", "-5", "+5", "1e3", "0x10"])
def test_a_content_length_that_is_not_a_byte_count_is_a_400(hub: Sandbox, wire: Wire, value: str) -> None:
    answer = raw_exchange(hub.url, head(hub, "POST", "/trigger/", f"Content-Length: {value}"))
    assert answer.status == 400
    assert answer.json()["message"] == f"Content-Length {value!r} is not a number of bytes"
    assert answer.headers["connection"] == "close"
    assert hub.requests()[-1]["status"] == 400
    assert_still_serving(wire)


def test_conflicting_content_lengths_and_chunked_bodies_are_refused(hub: Sandbox) -> None:
    twice = raw_exchange(hub.url, head(hub, "POST", "/trigger/", "Content-Length: 2", "Content-Length: 3"))
    chunked_head = head(hub, "POST", "/trigger/", "Transfer-Encoding: chunked")
    chunked = raw_exchange(hub.url, chunked_head, b"0\r\n\r\n")
    assert (twice.status, chunked.status) == (400, 411)
    assert "conflicting Content-Length" in twice.json()["message"]


def test_a_body_larger_than_any_valid_request_is_a_413_before_it_is_read(hub: Sandbox, wire: Wire) -> None:
    declared = MAX_CONTENT_LENGTH + 1
    lines = (*signed_looking(hub), f"Content-Length: {declared}")
    started = time.monotonic()
    # Only a sliver of the declared body is sent: an answer at all proves the server did not wait for it.
    answer = raw_exchange(hub.url, head(hub, "POST", "/trigger/", *lines), b"[" * 1024)
    assert answer.status == 413
    assert time.monotonic() - started < hub.request_timeout_s
    assert "the sandbox reads at most" in answer.json()["message"]
    [logged] = hub.requests()
    assert (logged["status"], logged["auth"], logged["body"]) == (413, "hmac", None)
    assert_still_serving(wire)


def test_credentials_are_checked_before_a_body_is_read(hub: Sandbox) -> None:
    within_cap = MAX_CONTENT_LENGTH // 2
    for lines in ((), ("Authorization: someone:signature",), ("Authorization: Bearer guessed",)):
        request = head(hub, "POST", "/trigger/", *lines, f"Content-Length: {within_cap}")
        assert raw_exchange(hub.url, request, b"{" * 1024).status == 401
    assert [(r["status"], r["body"]) for r in hub.requests()] == [(401, None)] * 3


def _rss_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS line")


@pytest.fixture
def sandbox_process() -> Iterator[tuple[subprocess.Popen[str], str]]:
    command = [sys.executable, "-m", "suprsend_typed.sandbox", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert process.stdout is not None
        url = process.stdout.readline().strip().split("=", 1)[1]
        yield process, url
    finally:
        process.terminate()
        process.communicate(timeout=20)


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="reads memory use from /proc")
def test_an_unauthenticated_600_mb_post_is_neither_read_nor_kept(
    sandbox_process: tuple[subprocess.Popen[str], str],
) -> None:
    process, url = sandbox_process
    host = host_of(url)
    modest_body = b"x" * (1024 * 1024)
    attack = f"POST /trigger/ HTTP/1.1\r\nHost: {host}\r\nContent-Length: {ATTACK_BYTES}"
    raw_exchange(url, attack)  # warm up: the first request imports and allocates what every request needs
    before = _rss_bytes(process.pid)
    answers = [raw_exchange(url, attack, modest_body).status for _ in range(5)]
    after = _rss_bytes(process.pid)
    assert answers == [401] * 5
    assert after - before < FLAT_MEMORY_BYTES


# Socket timeouts and bounded threads


@pytest.fixture
def impatient_hub() -> Iterator[Sandbox]:
    with Sandbox(validator=accept_all, request_timeout_s=SHORT_TIMEOUT_S, max_connections=8) as running:
        yield running


def _closed_by_server(connection: socket.socket) -> bool:
    connection.settimeout(10 * SHORT_TIMEOUT_S)
    try:
        return connection.recv(1) == b""
    except TimeoutError:
        return False


def test_half_sent_requests_are_closed_after_the_request_timeout(impatient_hub: Sandbox) -> None:
    hub = impatient_hub
    with raw_connection(hub.url) as half_head, raw_connection(hub.url) as half_body:
        half_head.sendall(b"POST /trigger/ HTTP/1.1\r\nHost: ")
        lines = (*signed_looking(hub), "Content-Length: 100")
        half_body.sendall((head(hub, "POST", "/trigger/", *lines) + "\r\n\r\n{").encode())
        assert _closed_by_server(half_head)
        assert _closed_by_server(half_body)


def test_thousands_of_half_open_connections_hold_a_bounded_number_of_threads(impatient_hub: Sandbox) -> None:
    hub = impatient_hub
    threads_before = threading.active_count()
    connections = []
    try:
        for _ in range(3000):
            connection = raw_connection(hub.url)
            connection.sendall(b"POST /trigger/ HTTP/1.1\r\n")
            connections.append(connection)
        assert threading.active_count() <= threads_before + hub.max_connections
        with raw_connection(hub.url) as late:  # over the bound: answered at once, without a thread
            busy = read_answer(late)
        assert (busy.status, busy.headers["retry-after"]) == (503, "1")
    finally:
        for connection in connections:
            connection.close()
    deadline = time.monotonic() + 20 * SHORT_TIMEOUT_S
    while threading.active_count() > threads_before and time.monotonic() < deadline:
        time.sleep(SHORT_TIMEOUT_S / 10)
    wire = Wire.to(hub)
    try:
        assert_still_serving(wire)
    finally:
        wire.close()


# Bodies that do not parse


def test_invalid_json_is_a_400(hub: Sandbox, wire: Wire) -> None:
    response = wire.send("POST", "trigger/", content=b'{"workflow": ')
    assert response.status_code == 400
    assert response.json()["message"].startswith("body is not valid JSON")


NOT_JSON_TEXTS = [
    b'{"workflow": "w", "recipients": ["u1"], "data": {"n": NaN}}',
    b'{"workflow": "w", "recipients": ["u1"], "data": {"n": -Infinity}}',
    b'{"workflow": "w", "recipients": ["u1"], "data": {"n": 1e400}}',
    b'{"workflow": "w", "recipients": ["u1"], "data": {"s": "\\ud800"}}',
    b'{"workflow": "w", "recipients": ["u1"], "data": {"\\udfff": 1}}',
    b'{"workflow": "w", "recipients": ["u1"], "data": {"s": "\xed\xa0\x80"}}',
]


@pytest.mark.parametrize("path", ["trigger/", "v1/user/u1/", "v1/tenant/t1/", "v1/user/u1/preference/"])
@pytest.mark.parametrize("content", NOT_JSON_TEXTS)
def test_non_finite_numbers_and_lone_surrogates_are_a_400_not_a_crash(
    model_hub: Sandbox, model_wire: Wire, path: str, content: bytes
) -> None:
    """Python's parser takes NaN, infinities and unpaired surrogates, which JSON and UTF-8 do not: answering
    or storing them crashed the sandbox (500), or stored a record every later read failed on."""
    method = "PATCH" if path.endswith("preference/") else "POST"
    response = model_wire.send(method, path, content=content)
    assert response.status_code == 400
    assert set(response.json()) == {"code", "error_code", "type", "message", "detail"}
    assert response.json()["message"].startswith("body is not valid JSON")
    assert model_hub.records() == []
    assert model_wire.send("GET", "_sandbox/requests").status_code == 200
    assert model_wire.send("POST", "trigger/", TRIGGER).status_code == 202


@pytest.mark.parametrize("value", [b"NaN", b"1e400", b'"\\ud800"'])
def test_control_bodies_with_nan_or_unpaired_surrogates_are_a_400(wire: Wire, value: bytes) -> None:
    seed = b'{"tenants": [{"tenant_id": "t1", "tenant_name": "T", "n": ' + value + b"}]}"
    assert wire.send("POST", "_sandbox/seed", content=seed).status_code == 400
    assert wire.send("GET", "v1/tenant/t1/").status_code == 404


@pytest.mark.parametrize("path", ["trigger/", "v2/event/", "event/", "v1/user/u1/"])
def test_a_body_nested_thousands_deep_is_a_400_not_a_crash(path: str) -> None:
    nested = b"[" * DEEP + b"]" * DEEP
    with Sandbox() as hub:  # the real validator: it must survive the depth too
        wire = Wire.to(hub)
        try:
            method = "PATCH" if path.startswith("v1/user") else "POST"
            response = wire.send(method, path, content=b'{"operations": ' + nested + b"}")
            assert response.status_code == 400
            assert "nests too deeply" in response.json()["message"]
            assert wire.send("GET", "_sandbox/requests").json()[0]["body"].startswith('{"operations": [[[')
            assert_still_serving(wire)
        finally:
            wire.close()


@pytest.mark.parametrize("control", ["_sandbox/faults", "_sandbox/seed"])
def test_control_bodies_nested_thousands_deep_are_a_400(wire: Wire, control: str) -> None:
    response = wire.send("POST", control, content=b"[" * DEEP + b"]" * DEEP)
    assert response.status_code == 400


# Host and Origin


@pytest.mark.parametrize("host", ["evil.example", "evil.example:80", "127.0.0.1.nip.io", "[::1"])
def test_requests_naming_a_foreign_host_are_refused(hub: Sandbox, host: str) -> None:
    """DNS rebinding: a page's own name resolving to 127.0.0.1 must not read what the sandbox stores."""
    control = raw_exchange(hub.url, head(hub, "GET", "/_sandbox/requests", host=host))
    hub_request = raw_exchange(hub.url, head(hub, "GET", "/v1/message/", *signed_looking(hub), host=host))
    assert (control.status, hub_request.status) == (403, 403)
    assert control.json()["error_code"] == "forbidden_host"


def test_loopback_names_are_accepted_and_a_missing_host_is_not(hub: Sandbox) -> None:
    port = host_of(hub.url).split(":")[1]
    for host in (f"127.0.0.1:{port}", f"localhost:{port}", "localhost", f"[::1]:{port}"):
        assert raw_exchange(hub.url, head(hub, "GET", "/_sandbox/counts", host=host)).status == 200
    missing = raw_exchange(hub.url, "GET /_sandbox/counts HTTP/1.1")
    assert missing.status == 400


def _reset(hub: Sandbox, *lines: str) -> RawAnswer:
    return raw_exchange(hub.url, head(hub, "POST", "/_sandbox/reset", *lines, "Content-Length: 0"))


def test_control_requests_that_change_state_need_a_json_content_type(hub: Sandbox, wire: Wire) -> None:
    assert_still_serving(wire)
    for lines in ((), ("Content-Type: text/plain",), ("Content-Type: application/x-www-form-urlencoded",)):
        assert _reset(hub, *lines).status == 415
    assert hub.counts()["accepted"] == 1
    assert _reset(hub, "Content-Type: application/json").status == 200
    assert hub.counts()["accepted"] == 0


def test_control_requests_from_a_foreign_origin_are_refused(hub: Sandbox) -> None:
    json_type = f"Content-Type: {CONTENT_TYPE}"
    for origin in ("http://evil.example", "null", "http://localhost:1", "https://127.0.0.1"):
        assert _reset(hub, json_type, f"Origin: {origin}").status == 403
    assert _reset(hub, json_type, f"Origin: http://{host_of(hub.url)}").status == 200


def test_reading_control_endpoints_needs_no_content_type(hub: Sandbox) -> None:
    """Scripts read ``GET /_sandbox/counts`` with plain curl or urllib."""
    answer = raw_exchange(hub.url, head(hub, "GET", "/_sandbox/counts"))
    assert (answer.status, answer.json()["requests"]) == (200, 0)


@pytest.mark.parametrize(("host", "shown"), [("127.0.0.2", "127.0.0.2"), ("::1", "[::1]")])
def test_a_sandbox_on_another_loopback_address_serves_it(host: str, shown: str) -> None:
    try:
        hub = Sandbox(host=host).start()
    except OSError as exc:
        pytest.skip(f"cannot listen on {host}: {exc}")
    try:
        assert hub.url.startswith(f"http://{shown}:")
        assert raw_exchange(hub.url, head(hub, "GET", "/_sandbox/counts")).status == 200
    finally:
        hub.close()


def test_a_sandbox_bug_is_a_logged_500_not_a_dropped_connection() -> None:
    def broken_validator(kind: str, record: object) -> None:
        raise RuntimeError("validator exploded")

    with Sandbox(validator=broken_validator) as hub:
        wire = Wire.to(hub)
        try:
            response = wire.send("POST", "v2/event/", {"event": "e"})
        finally:
            wire.close()
        assert response.status_code == 500
        expected = "sandbox internal error: RuntimeError: validator exploded"
        assert (response.json()["message"], response.json()["error_code"]) == (expected, "internal_error")
        assert [(r["status"], r["error"]) for r in hub.requests()] == [(500, expected)]


def test_a_refusal_with_no_body_left_unread_keeps_the_connection(hub: Sandbox) -> None:
    with raw_connection(hub.url) as connection:
        for _ in range(2):
            connection.sendall((head(hub, "GET", "/v1/message/") + "\r\n\r\n").encode())
            answer = read_answer(connection)
            assert answer.status == 401 and "connection" not in answer.headers


def test_the_readme_states_the_sandbox_bounds_it_enforces() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    assert f"closed after {REQUEST_TIMEOUT_SECONDS:g} seconds" in readme
    assert f"at most {MAX_CONNECTIONS} connections are served at once" in readme


def test_a_sandbox_bound_beyond_loopback_accepts_its_address_but_no_other_name() -> None:
    on_lan = HostPolicy(bound_host="192.168.1.20", port=8080)
    everywhere = HostPolicy(bound_host="0.0.0.0", port=8080)
    assert on_lan.check_host("192.168.1.20:8080") is None
    assert on_lan.check_host("10.0.0.1:8080") is not None
    assert everywhere.check_host("10.0.0.1:8080") is None  # an address: not a rebinding page's name
    for policy in (on_lan, everywhere):
        assert policy.check_host("localhost:8080") is None
        assert policy.check_host("attacker.example:8080") is not None
