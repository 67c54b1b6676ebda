"""``client.request``: the signed raw call for endpoints not wrapped yet, and the read-only attributes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
import suprsend
from support.capture_server import CaptureServer, capture_server
from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET
from support.wire_checks import has_valid_signature

from suprsend_typed import APIStatusError, NotFoundError, Suprsend, ValidationError

from .fakes import FakeTransport, reply


@pytest.fixture(scope="module")
def server() -> Iterator[CaptureServer]:
    with capture_server() as running:
        yield running


@pytest.mark.parametrize(
    ("method", "path", "query", "body", "official_suffix"),
    [
        ("GET", "v1/workflow_run/", {"limit": 5, "on": True}, None, "v1/workflow_run/?limit=5&on=true"),
        ("post", "/v1/workflow_run/cancel/", None, {"run_id": "r-ü"}, "v1/workflow_run/cancel/"),
        (
            "PATCH",
            "v1/user/a%40b/",
            [("tenant_id", "t 1")],
            {"$set": {"é": 1}},
            "v1/user/a%40b/?tenant_id=t+1",
        ),
        ("DELETE", "v1/user/u1/", None, None, "v1/user/u1/"),
    ],
)
def test_the_raw_request_is_the_official_signed_request(
    server: CaptureServer, method: str, path: str, query: Any, body: Any, official_suffix: str
) -> None:
    official = suprsend.Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url=server.url)
    ours = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url=server.url, max_retries=0)
    server.clear()
    official.request(method, server.url + official_suffix, body if body is not None else None)
    (theirs,) = server.requests
    server.clear()
    response = ours.request(method, path, body, query)
    (mine,) = server.requests
    assert response.status_code == 202 and "message_id" in response.json()
    assert (mine.method, mine.path) == (theirs.method, theirs.path)
    assert (mine.json() if mine.body else None) == (theirs.json() if theirs.body else None)
    assert has_valid_signature(mine, WORKSPACE_KEY, WORKSPACE_SECRET)
    ours.close()


@pytest.mark.parametrize(
    "path",
    [
        "https://elsewhere.example.com/v1/",
        "//elsewhere.example.com/v1/",
        "v1/user/../tenant/",
        "v1/%2e%2e/x/",
        "./v1/",
        "v1/user/?limit=5",
        "v1/user/#x",
        "v1/user name/",
        "",
        "/",
        None,
    ],
)
def test_paths_that_could_leave_the_base_url_are_refused_before_sending(path: Any) -> None:
    transport = FakeTransport()
    client = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, transport=transport)
    with pytest.raises(ValidationError) as info:
        client.request("GET", path)
    assert info.value.path == "path"
    assert transport.sent == []


@pytest.mark.parametrize(
    ("call", "field"),
    [
        (lambda c: c.request("TRACE", "v1/x/"), "method"),
        (lambda c: c.request("GET", "v1/x/", {"a": 1}), "body"),
        (lambda c: c.request("GET", "v1/x/", None, [("a", 1)]), "query"),
        # A bare string is not a (name, value) pair, even of two characters; nor is a number.
        (lambda c: c.request("GET", "v1/x/", None, ["ab"]), "query"),
        (lambda c: c.request("GET", "v1/x/", None, [1]), "query"),
    ],
)
def test_bad_methods_bodies_and_queries_are_refused(call: Any, field: str) -> None:
    transport = FakeTransport()
    client = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, transport=transport)
    with pytest.raises(ValidationError) as info:
        call(client)
    assert info.value.path == field and transport.sent == []


def test_an_error_status_raises_its_typed_error() -> None:
    transport = FakeTransport(default=reply(404, {"message": "no such run"}))
    client = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, transport=transport)
    with pytest.raises(NotFoundError) as info:
        client.request("GET", "v1/workflow_run/r1/")
    assert isinstance(info.value, APIStatusError)
    assert (info.value.status_code, info.value.message) == (404, "no such run")


@pytest.mark.parametrize(
    ("method", "body", "attempts"),
    [
        ("GET", None, 3),
        ("POST", {"a": 1}, 1),
        ("POST", {"$idempotency_key": "k1"}, 3),
        ("DELETE", None, 1),
    ],
)
def test_only_safe_methods_and_deduplicated_bodies_are_retried(method: str, body: Any, attempts: int) -> None:
    transport = FakeTransport(default=reply(503, {"message": "busy"}))
    client = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, transport=transport, max_retries=2)
    with pytest.raises(APIStatusError):
        client.request(method, "v1/x/", body)
    assert len(transport.sent) == attempts


def test_read_only_attributes_name_the_workspace_but_never_the_secret() -> None:
    hmac = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, transport=FakeTransport())
    bearer = Suprsend.with_workspace_api_key("ws-uid", "api-key-secret", transport=FakeTransport())
    official = suprsend.Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET)
    official_bearer = suprsend.Suprsend.with_workspace_api_key("ws-uid", "api-key-secret")
    for ours, theirs in ((hmac, official), (bearer, official_bearer)):
        for name in ("workspace_key", "workspace_uid", "auth_method", "base_url"):
            assert getattr(ours, name) == getattr(theirs, name)
            with pytest.raises(AttributeError):
                setattr(ours, name, "x")
        values = [getattr(ours, name) for name in dir(ours) if not name.startswith("_")]
        assert not any(
            value in (WORKSPACE_SECRET, "api-key-secret") for value in values if isinstance(value, str)
        )
