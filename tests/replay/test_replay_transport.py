"""ReplayTransport modes, matching and its errors, with an in-memory inner transport."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from suprsend_typed._http import Headers, Request, Response, Timeout
from suprsend_typed.replay import (
    CassetteError,
    RecordedRequest,
    ReplayTransport,
    UnmatchedRequestError,
    load_cassette,
)
from tests.core.fakes import FakeTransport

TIMEOUT = Timeout()


def counting() -> FakeTransport:
    """A transport answering 202 with a body naming the call number (1 for the first)."""
    transport = FakeTransport()

    def answer(request: Request) -> Response:
        content = json.dumps({"call": len(transport.sent)}).encode()
        return Response(
            status_code=202, headers=Headers({"Content-Type": "application/json"}), content=content
        )

    transport.answer = answer
    return transport


def request(body: Any, *, path: str = "trigger/", method: str = "POST", **headers: str) -> Request:
    content = json.dumps(body).encode() if body is not None else b""
    return Request(method=method, url=f"http://hub.test/{path}", headers=Headers(headers), content=content)


def event(name: str, insert_id: str, time: int) -> dict[str, Any]:
    return {"event": name, "$insert_id": insert_id, "$time": time, "properties": {"$ss_sdk_version": "x/1"}}


def recorded(path: Path, *bodies: Any) -> None:
    transport = ReplayTransport(path, mode="all", inner=counting())
    for body in bodies:
        transport.send(request(body), timeout=TIMEOUT)
    transport.close()


def test_once_records_when_the_cassette_is_missing_then_replays_only(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "c.json"
    inner = counting()
    first = ReplayTransport(path, mode="once", inner=inner)
    first.send(request({"a": 1}), timeout=TIMEOUT)
    first.close()
    assert (len(inner.sent), inner.closed, len(load_cassette(path))) == (1, True, 1)
    again = ReplayTransport(path, mode="once", inner=counting())
    assert again.send(request({"a": 1}), timeout=TIMEOUT).json() == {"call": 1}
    with pytest.raises(UnmatchedRequestError):
        again.send(request({"a": 2}), timeout=TIMEOUT)
    assert len(again.unmatched) == 1


def test_new_episodes_replays_known_requests_and_records_new_ones(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    recorded(path, {"a": 1})
    inner = counting()
    transport = ReplayTransport(path, mode="new_episodes", inner=inner)
    transport.send(request({"a": 1}), timeout=TIMEOUT)
    transport.send(request({"a": 2}), timeout=TIMEOUT)
    assert len(inner.sent) == 1
    assert [i.request.body.value for i in load_cassette(path)] == [{"a": 1}, {"a": 2}]


def test_all_records_everything_again(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    recorded(path, {"old": True})
    inner = counting()
    transport = ReplayTransport(path, mode="all", inner=inner)
    transport.send(request({"new": True}), timeout=TIMEOUT)
    assert len(inner.sent) == 1
    assert [i.request.body.value for i in load_cassette(path)] == [{"new": True}]


def test_volatile_values_are_ignored_when_matching(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    transport = ReplayTransport(path, mode="all", inner=counting())
    transport.send(request(event("e", "id-1", 1), Date="Mon", Authorization="k:sig1"), timeout=TIMEOUT)
    player = ReplayTransport(path, mode="none")
    live = request(
        event("e", "id-2", 2), Date="Tue", Authorization="k:sig2", **{"X-Suprsend-Retry-Count": "1"}
    )
    assert player.send(live, timeout=TIMEOUT).status_code == 202


def test_unmatched_request_names_the_closest_interaction_and_the_difference(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    recorded(path, {"workflow": "a", "recipients": ["u1"]}, {"workflow": "b", "recipients": ["u1"]})
    player = ReplayTransport(path, mode="none")
    with pytest.raises(UnmatchedRequestError) as caught:
        player.send(request({"workflow": "b", "recipients": ["u2"]}), timeout=TIMEOUT)
    message = str(caught.value)
    assert "matches POST http://hub.test/trigger/" in message
    assert "closest is interaction #1 POST http://hub.test/trigger/" in message
    assert "body differs: recipients[0]: recorded 'u1', got 'u2'" in message


@pytest.mark.parametrize(
    ("live", "expected"),
    [
        (request({"a": 1}, path="v2/event/"), "path differs: recorded /trigger/, got /v2/event/"),
        (request({"a": 1}, method="PATCH"), "method differs: recorded POST, got PATCH"),
        (request({"a": 1, "b": 2}), "body differs: b: not recorded, present now"),
        (request({}), "body differs: a: recorded, missing now"),
        (request(None), "body differs: recorded a json body, got empty"),
        (request({"a": 1}, path="trigger/?x=1"), "query differs: recorded [], got [('x', '1')]"),
    ],
)
def test_each_kind_of_difference_is_described(tmp_path: Path, live: Request, expected: str) -> None:
    path = tmp_path / "c.json"
    recorded(path, {"a": 1})
    with pytest.raises(UnmatchedRequestError) as caught:
        ReplayTransport(path, mode="none").send(live, timeout=TIMEOUT)
    assert expected in str(caught.value)


def test_an_interaction_replays_once_unless_repeats_are_allowed(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    recorded(path, {"a": 1})
    strict = ReplayTransport(path, mode="none")
    strict.send(request({"a": 1}), timeout=TIMEOUT)
    with pytest.raises(UnmatchedRequestError, match="it matches but was already played"):
        strict.send(request({"a": 1}), timeout=TIMEOUT)
    lenient = ReplayTransport(path, mode="none", allow_playback_repeats=True)
    assert [lenient.send(request({"a": 1}), timeout=TIMEOUT).status_code for _ in range(3)] == [202] * 3


def test_empty_cassette_says_so(tmp_path: Path) -> None:
    with pytest.raises(UnmatchedRequestError, match="the cassette is empty"):
        ReplayTransport(tmp_path / "none.json", mode="none").send(request({}), timeout=TIMEOUT)


def test_custom_matchers_and_the_headers_matcher(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    transport = ReplayTransport(path, mode="all", inner=counting())
    transport.send(request({"a": 1}, **{"X-Tenant": "t1"}), timeout=TIMEOUT)

    def same_tenant(old: RecordedRequest, new: RecordedRequest) -> str | None:
        return None if old.headers.get("X-Tenant") == new.headers.get("X-Tenant") else "tenant changed"

    by_tenant = ReplayTransport(path, mode="none", match_on=("method", same_tenant))
    assert by_tenant.send(request({"other": 1}, **{"X-Tenant": "t1"}), timeout=TIMEOUT).status_code == 202
    by_headers = ReplayTransport(path, mode="none", match_on=("headers",))
    with pytest.raises(UnmatchedRequestError, match="headers differs: x-tenant: recorded 't1', got 't2'"):
        by_headers.send(request({"a": 1}, **{"X-Tenant": "t2"}), timeout=TIMEOUT)


def test_bad_arguments_and_bad_cassettes_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown matcher 'uri'"):
        ReplayTransport(tmp_path / "c.json", match_on=("uri",))
    with pytest.raises(ValueError, match="mode must be one of"):
        ReplayTransport(tmp_path / "c.json", mode="sometimes")  # type: ignore[arg-type]
    broken = tmp_path / "broken.json"
    broken.write_text('{"version": 2, "interactions": []}')
    with pytest.raises(CassetteError, match="unsupported cassette version 2"):
        ReplayTransport(broken, mode="none")
    broken.write_text("not json")
    with pytest.raises(CassetteError, match="not a valid cassette"):
        ReplayTransport(broken, mode="none")


def test_cassette_is_readable_json_with_parsed_bodies(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    recorded(path, {"workflow": "w"})
    document = json.loads(path.read_text())
    assert document["version"] == 1
    [interaction] = document["interactions"]
    assert interaction["request"]["body"] == {"workflow": "w"}
    assert interaction["request"]["body_format"] == "json"
    assert interaction["response"] == {
        "status": 202,
        "headers": {"Content-Type": "application/json"},
        "body_format": "json",
        "body": {"call": 1},
    }


def test_non_json_and_binary_bodies_replay_byte_for_byte(tmp_path: Path) -> None:
    path = tmp_path / "c.json"

    echo = FakeTransport(answer=lambda request: Response(status_code=200, content=request.content))
    transport = ReplayTransport(path, mode="all", inner=echo)
    payloads = [b"plain text", b"\xff\x00binary", b'{"spaced" :  1}']
    for payload in payloads:
        transport.send(Request(method="POST", url="http://hub.test/x/", content=payload), timeout=TIMEOUT)
    player = ReplayTransport(path, mode="none")
    replies = [
        player.send(Request(method="POST", url="http://hub.test/x/", content=p), timeout=TIMEOUT).content
        for p in payloads
    ]
    assert replies == payloads
    assert [i.request.body.format for i in load_cassette(path)] == ["text", "base64", "text"]
