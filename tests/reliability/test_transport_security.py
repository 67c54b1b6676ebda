"""TLS certificates are verified by default; plain-http base URLs are refused unless loopback or asked for."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import attrs
import pytest

from suprsend_typed._client import Suprsend
from suprsend_typed._errors import SuprsendConfigError
from suprsend_typed._event import Event
from suprsend_typed._urllib3_transport import Urllib3Transport
from tests.core.loopback import LoopbackServer

from .scenarios import WORKSPACE_KEY, WORKSPACE_SECRET


@attrs.frozen
class HttpsServer:
    url: str
    cert_file: Path
    server: LoopbackServer

    @property
    def handled(self) -> list[str]:
        """The paths of the requests that reached the server."""
        return [received.path for received in self.server.received]


def _self_signed_certificate(folder: Path) -> tuple[Path, Path]:
    if shutil.which("openssl") is None:
        pytest.skip("the openssl command is needed to make a self-signed certificate")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def https_server(tmp_path: Path) -> Iterator[HttpsServer]:
    """A loopback HTTPS server whose certificate no system trust store knows."""
    cert, key = _self_signed_certificate(tmp_path)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server = LoopbackServer(tls=context)
    yield HttpsServer(url=server.base_url, cert_file=cert, server=server)
    server.close()


def test_unknown_certificate_is_refused_by_default_and_nothing_is_sent(https_server: HttpsServer) -> None:
    with Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, https_server.url, max_retries=0) as client:
        result = client.track_event(Event("user-1", "order_placed"))
    assert (result["success"], result["status_code"]) == (False, 500)
    assert "SSL" in result["message"] or "certificate" in result["message"].lower()
    assert https_server.handled == []


def test_the_same_server_is_reached_once_its_certificate_is_trusted(https_server: HttpsServer) -> None:
    transport = Urllib3Transport(ca_certs=str(https_server.cert_file))
    with Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, https_server.url, transport=transport) as client:
        result = client.track_event(Event("user-1", "order_placed"))
    transport.close()
    assert result["success"] is True
    assert https_server.handled == ["/v2/event/"]


@pytest.mark.parametrize(
    "url", ["http://hub.example.com/", "http://10.0.0.8:8080/", "http://hub.suprsend.com"]
)
def test_plain_http_to_a_remote_host_is_refused(url: str) -> None:
    with pytest.raises(SuprsendConfigError, match="allow_insecure"):
        Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, url)


@pytest.mark.parametrize(
    ("url", "allow_insecure"),
    [
        ("http://127.0.0.1:8080/", False),
        ("http://localhost:8080/", False),
        ("http://[::1]:8080/", False),
        ("http://hub.example.com/", True),
    ],
)
def test_plain_http_is_allowed_to_loopback_or_when_asked(url: str, allow_insecure: bool) -> None:
    with Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, url, allow_insecure=allow_insecure) as client:
        assert client.base_url == url
