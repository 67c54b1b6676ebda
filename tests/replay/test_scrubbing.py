"""Credentials never reach a cassette: headers, URLs, bodies (request and response), any format."""

from __future__ import annotations

import base64
import json
from pathlib import Path

from suprsend_typed._http import Headers, Request, Response, Timeout
from suprsend_typed.replay import REDACTED, ReplayTransport, load_cassette
from tests.core.fakes import FakeTransport

SECRET = "ws-secret-7f3a9c"
API_KEY = "api-key-51e0d2"
SIGNATURE = "c2lnbmF0dXJlLWJ5dGVz+/="


def echo(request: Request) -> Response:
    """Answers with the request body and echoes Authorization back, like a careless server might."""
    headers = Headers(
        {"Set-Cookie": f"session={API_KEY}", "X-Echo": request.headers.get("Authorization", "")}
    )
    return Response(status_code=200, headers=headers, content=request.content)


def send(transport: ReplayTransport, content: bytes, authorization: str, query: str = "") -> None:
    headers = Headers({"Authorization": authorization, "Content-Type": "application/json"})
    url = f"http://hub.test/trigger/{query}"
    transport.send(Request(method="POST", url=url, headers=headers, content=content), timeout=Timeout())


def test_secrets_are_scrubbed_everywhere_before_writing(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    transport = ReplayTransport(path, mode="all", inner=FakeTransport(answer=echo), secrets=[SECRET])
    body = {"note": f"secret is {SECRET}", SECRET: [f"Bearer {API_KEY}", SIGNATURE], "n": 1}
    send(transport, json.dumps(body).encode(), f"Bearer {API_KEY}", query=f"?token={API_KEY}")
    send(transport, b"plain " + SECRET.encode(), f"WKEY:{SIGNATURE}")
    send(transport, b"\xff\xfe" + SECRET.encode(), f"WKEY:{SIGNATURE}")
    text = path.read_text()
    for credential in (SECRET, API_KEY, SIGNATURE):
        assert credential not in text
    assert base64.b64encode(SECRET.encode()).decode() not in text
    first, second, third = load_cassette(path)
    assert first.request.headers["Authorization"] == REDACTED
    assert first.request.url == f"http://hub.test/trigger/?token={REDACTED}"
    assert first.request.body.value == {
        "note": f"secret is {REDACTED}",
        REDACTED: [f"Bearer {REDACTED}", REDACTED],
        "n": 1,
    }
    assert first.response.headers == {"Set-Cookie": REDACTED, "X-Echo": f"Bearer {REDACTED}"}
    assert second.response.body.value == f"plain {REDACTED}"
    assert REDACTED.encode() in third.request.body.to_bytes()


def test_scrubbed_cassette_still_replays_requests_that_carry_secrets(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    content = json.dumps({"key": SECRET}).encode()
    send(
        ReplayTransport(path, mode="all", inner=FakeTransport(answer=echo), secrets=[SECRET]),
        content,
        "Bearer x",
    )
    player = ReplayTransport(path, mode="none", secrets=[SECRET])
    send(player, content, "Bearer x")
    assert player.play_count == 1


def test_before_record_can_drop_or_rewrite_interactions_and_is_scrubbed_after(tmp_path: Path) -> None:
    path = tmp_path / "c.json"

    def keep_only_json(interaction):  # type: ignore[no-untyped-def]
        return interaction if interaction.request.body.format == "json" else None

    transport = ReplayTransport(
        path, mode="all", inner=FakeTransport(answer=echo), secrets=[SECRET], before_record=keep_only_json
    )
    send(transport, json.dumps({"a": SECRET}).encode(), "Bearer x")
    send(transport, b"text", "Bearer x")
    assert [i.request.body.value for i in load_cassette(path)] == [{"a": REDACTED}]
