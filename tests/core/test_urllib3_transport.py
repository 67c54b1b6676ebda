"""The default transport against real loopback sockets: pooling, timeouts, refusals, TLS, threads."""

from __future__ import annotations

import logging
import shutil
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from suprsend_typed._errors import APIConnectionError, APITimeoutError
from suprsend_typed._http import Headers, Request, Timeout
from suprsend_typed._transport import Transport
from suprsend_typed._urllib3_transport import _NO_RETRIES, Urllib3Transport, _route

from .loopback import LoopbackServer, Reply

SHORT = Timeout(connect=1.0, read=0.2)
GENEROUS = Timeout(connect=10.0, read=10.0)  # for tests where a timeout would only mean a slow machine
SECRET_HEADERS = Headers({"Authorization": "Bearer SECRET-TOKEN", "Date": "x"})


@pytest.fixture
def transport() -> Iterator[Urllib3Transport]:
    made = Urllib3Transport()
    yield made
    made.close()


def test_implements_the_protocol(transport: Urllib3Transport) -> None:
    assert isinstance(transport, Transport)


def test_round_trip_and_error_status_is_a_response(
    server: LoopbackServer, transport: Urllib3Transport
) -> None:
    server.replies = [Reply(status=503, body=b"<html>busy</html>", headers=(("Retry-After", "1"),))]
    response = transport.send(
        Request(method="POST", url=server.base_url + "trigger/", headers=SECRET_HEADERS, content=b'{"a": 1}'),
        timeout=SHORT,
    )
    assert response.status_code == 503
    assert response.text == "<html>busy</html>"
    assert response.headers["retry-after"] == "1"
    got = server.received[0]
    assert (got.method, got.path, got.body) == ("POST", "/trigger/", b'{"a": 1}')
    assert got.headers["Authorization"] == "Bearer SECRET-TOKEN"


def test_get_sends_no_body_and_empty_delete_sends_zero_length(
    server: LoopbackServer, transport: Urllib3Transport
) -> None:
    transport.send(Request(method="GET", url=server.base_url + "v1/message/?limit=1"), timeout=SHORT)
    transport.send(Request(method="DELETE", url=server.base_url + "v1/user/u1/"), timeout=SHORT)
    get, delete = server.received
    assert get.path == "/v1/message/?limit=1"
    assert "Content-Length" not in get.headers
    assert delete.headers["Content-Length"] == "0"


def test_connections_are_reused(server: LoopbackServer, transport: Urllib3Transport) -> None:
    for _ in range(3):
        transport.send(Request(method="POST", url=server.base_url + "event/", content=b"{}"), timeout=SHORT)
    assert len({got.client_port for got in server.received}) == 1


def test_redirects_are_not_followed(server: LoopbackServer, transport: Urllib3Transport) -> None:
    server.replies = [Reply(status=302, body=b"", headers=(("Location", "http://127.0.0.1:1/elsewhere"),))]
    response = transport.send(Request(method="GET", url=server.base_url), timeout=SHORT)
    assert response.status_code == 302
    assert len(server.received) == 1


def test_no_retry_object_is_built_or_logged_per_request(
    server: LoopbackServer, transport: Urllib3Transport, caplog: pytest.LogCaptureFixture
) -> None:
    """urllib3 turns ``retries=False`` into a new Retry on every request and logs it at DEBUG: the transport
    passes one prebuilt Retry that allows no retry and no redirect instead."""
    redirect = Reply(status=302, body=b"", headers=(("Location", "http://127.0.0.1:1/elsewhere"),))
    server.replies = [redirect, redirect]
    with caplog.at_level(logging.DEBUG, logger="urllib3"):
        first = transport.send(Request(method="GET", url=server.base_url), timeout=SHORT)
        second = transport.send(Request(method="GET", url=server.base_url), timeout=SHORT)
    assert (first.status_code, second.status_code) == (302, 302)
    assert not [record for record in caplog.records if "Converted retries value" in record.getMessage()]
    assert (_NO_RETRIES.total, _NO_RETRIES.redirect) == (False, 0)


def test_never_answering_server_times_out(transport: Urllib3Transport) -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen(1)
        port = silent.getsockname()[1]
        request = Request(method="POST", url=f"http://127.0.0.1:{port}/SECRET-PATH/", headers=SECRET_HEADERS)
        with pytest.raises(APITimeoutError) as info:
            transport.send(request, timeout=SHORT)
    message = str(info.value)
    assert f"127.0.0.1:{port}" in message
    assert "SECRET" not in message


@pytest.mark.parametrize("target", ["SECRET-PATH/", "v1/message/?token=SECRET-QUERY"])
def test_refused_connection_is_a_connection_error_not_a_timeout(
    transport: Urllib3Transport, target: str
) -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    request = Request(method="POST", url=f"http://127.0.0.1:{port}/{target}", headers=SECRET_HEADERS)
    with pytest.raises(APIConnectionError) as info:
        transport.send(request, timeout=SHORT)
    assert not isinstance(info.value, APITimeoutError)
    assert "refused" in str(info.value).lower()
    assert f"POST 127.0.0.1:{port}: could not connect: " in str(info.value)
    assert "SECRET" not in str(info.value)
    # No HTTP answer came: the text carries no HTTP code, the attribute keeps the official 500.
    assert "[code:" not in str(info.value)
    assert info.value.status_code == 500


def _post_from_threads(transport: Urllib3Transport, urls: list[str]) -> list[BaseException]:
    """POST to each URL from a thread of its own; what went wrong (a failed send or a non-2xx answer)."""
    failures: list[BaseException] = []

    def work(url: str) -> None:
        try:
            assert transport.send(Request(method="POST", url=url, content=b"{}"), timeout=GENEROUS).is_success
        except BaseException as exc:  # collected and asserted by the caller
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return failures


def test_concurrent_sends_from_threads(server: LoopbackServer) -> None:
    transport = Urllib3Transport(pool_size=4)
    failures = _post_from_threads(transport, [f"{server.base_url}v2/event/?n={i}" for i in range(16)])
    transport.close()
    assert failures == []
    assert sorted(got.path for got in server.received) == sorted(f"/v2/event/?n={i}" for i in range(16))


@pytest.fixture
def other_servers() -> Iterator[list[LoopbackServer]]:
    running = [LoopbackServer(), LoopbackServer()]
    yield running
    for one in running:
        one.close()


def test_one_transport_serves_several_origins(
    server: LoopbackServer, other_servers: list[LoopbackServer], transport: Urllib3Transport
) -> None:
    servers = [server, *other_servers]
    for round_ in range(3):
        for index, each in enumerate(servers):
            url = f"{each.base_url}v2/event/?origin={index}&round={round_}"
            transport.send(Request(method="POST", url=url, content=b"{}"), timeout=SHORT)
    for index, each in enumerate(servers):
        assert [got.path for got in each.received] == [
            f"/v2/event/?origin={index}&round={r}" for r in range(3)
        ]
        assert len({got.client_port for got in each.received}) == 1  # each origin keeps its connection


TARGETS = [
    "v1/message/?limit=1&after=abc%3D%3D",
    "v1/user/a%2Fb/preferences/?tenant_id=t%201&x=&flag",
    "v1/user/\u00e9 \u4e2d/?q=\u00e4 b&r=%zz",  # unencoded: percent-encoded as urllib3 does
    "v1/./user/../tenant/t1/",  # dot segments: sent as written, never resolved
    "?only=query",
    "v2/event/#fragment-never-sent",
]


@pytest.mark.parametrize("suffix", TARGETS)
def test_request_target_is_the_signed_path_byte_for_byte(
    server: LoopbackServer, transport: Urllib3Transport, suffix: str
) -> None:
    """What reaches the server is ``Request.path_and_query``, the request-URI the HMAC signature covers."""
    request = Request(method="GET", url=server.base_url + suffix)
    transport.send(request, timeout=SHORT)
    assert server.received[0].path == request.path_and_query


def test_dot_segments_are_not_resolved_on_the_way_out(
    server: LoopbackServer, transport: Urllib3Transport
) -> None:
    request = Request(method="PATCH", url=server.base_url + "v1/user/u1/tenant/../", content=b"{}")
    transport.send(request, timeout=SHORT)
    assert server.received[0].path == request.path_and_query == "/v1/user/u1/tenant/../"


def test_encoded_path_and_query_reach_the_server_unchanged(
    server: LoopbackServer, transport: Urllib3Transport
) -> None:
    target = "/v1/user/a%2Fb%20c/?cursor=eyJpZCI6MX0%3D&limit=20&tags=a%2Cb&empty="
    transport.send(Request(method="GET", url=server.base_url + target[1:]), timeout=SHORT)
    assert server.received[0].path == target


def test_url_parses_are_kept_within_bounds(server: LoopbackServer, transport: Urllib3Transport) -> None:
    """Query strings make URLs unbounded: the parse cache stays bounded, and URLs it forgot still go out."""
    first = f"{server.base_url}v1/message/?after=first"
    transport.send(Request(method="GET", url=first), timeout=SHORT)
    for n in range(1000):  # push ``first`` out of the cache
        _route(f"{server.base_url}v1/message/?after={n}")
    transport.send(Request(method="GET", url=first), timeout=SHORT)
    transport.send(Request(method="GET", url=f"{server.base_url}v1/message/?after=999"), timeout=SHORT)

    cache = _route.cache_info()
    assert cache.maxsize is not None
    assert cache.currsize <= cache.maxsize < 1000
    assert [got.path for got in server.received] == ["/v1/message/?after=first"] * 2 + [
        "/v1/message/?after=999"
    ]
    assert len({got.client_port for got in server.received}) == 1


def test_a_pool_closed_under_the_transport_is_replaced(
    server: LoopbackServer, transport: Urllib3Transport
) -> None:
    request = Request(method="POST", url=server.base_url + "event/", content=b"{}")
    transport.send(request, timeout=SHORT)
    (pool,) = transport._origin_pools.values()
    transport._pool.clear()  # some urllib3 versions close the pools their manager evicts: do both here
    pool.close()
    assert transport.send(request, timeout=SHORT).is_success
    transport.close()
    assert transport.send(request, timeout=SHORT).is_success  # close() drops connections, not the ability
    assert len(server.received) == 3


def test_url_without_scheme_goes_the_managers_way(
    server: LoopbackServer, transport: Urllib3Transport
) -> None:
    url = f"127.0.0.1:{server.port}/v1/message/?limit=1"
    with pytest.warns(FutureWarning, match="without a scheme"):
        assert transport.send(Request(method="GET", url=url), timeout=SHORT).is_success
    assert server.received[0].path == "/v1/message/?limit=1"


def test_concurrent_sends_to_several_origins(
    server: LoopbackServer, other_servers: list[LoopbackServer]
) -> None:
    servers = [server, *other_servers]
    transport = Urllib3Transport(pool_size=2)
    failures = _post_from_threads(transport, [f"{servers[i % 3].base_url}v2/event/?n={i}" for i in range(24)])
    transport.close()
    assert failures == []
    for offset, each in enumerate(servers):
        assert sorted(got.path for got in each.received) == sorted(
            f"/v2/event/?n={i}" for i in range(offset, 24, 3)
        )


def test_socket_options_include_tcp_nodelay(transport: Urllib3Transport) -> None:
    options = transport._pool.connection_pool_kw["socket_options"]
    assert (socket.IPPROTO_TCP, socket.TCP_NODELAY, 1) in options


@pytest.mark.parametrize("bad", [0, -1, True, "10"])
def test_pool_size_must_be_positive(bad: object) -> None:
    with pytest.raises(ValueError):
        Urllib3Transport(pool_size=bad)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if shutil.which("openssl") is None:
        pytest.skip("openssl command not available to make a test certificate")
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
            "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"), "-days", "1",
            "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return folder


@pytest.fixture
def tls_server(self_signed: Path) -> Iterator[LoopbackServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(self_signed / "cert.pem", self_signed / "key.pem")
    running = LoopbackServer(tls=context)
    yield running
    running.close()


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_tls_is_verified_by_default(tls_server: LoopbackServer, self_signed: Path) -> None:
    request = Request(method="GET", url=tls_server.base_url, headers=SECRET_HEADERS)
    with pytest.raises(APIConnectionError) as info:
        Urllib3Transport().send(request, timeout=SHORT)
    assert "SECRET" not in str(info.value)
    trusted = Urllib3Transport(ca_certs=str(self_signed / "cert.pem"))
    assert trusted.send(request, timeout=SHORT).status_code == 202
    assert Urllib3Transport(verify=False).send(request, timeout=SHORT).status_code == 202
