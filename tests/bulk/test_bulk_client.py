"""Bulk through the real client and its middleware chain, over a scripted transport (no sockets)."""

from __future__ import annotations

import json
from collections.abc import Callable

from hypothesis import given, settings
from hypothesis import strategies as st
from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET

from suprsend_typed._client import Suprsend
from suprsend_typed._errors import APIConnectionError, APITimeoutError
from suprsend_typed._event import Event
from suprsend_typed._http import Headers, Request, Response
from suprsend_typed._profile import UserEdit
from tests.core.fakes import FakeTransport
from tests.support.budget import examples

BASE_URL = "http://127.0.0.1:9/"
# Lets the retry layer wait 1 ms instead of its backoff.
NO_WAIT = Headers({"retry-after-ms": "1"})


def _client(transport: FakeTransport, *, max_retries: int = 0) -> Suprsend:
    return Suprsend(
        WORKSPACE_KEY, WORKSPACE_SECRET, base_url=BASE_URL, transport=transport, max_retries=max_retries
    )


def _n(body: dict[str, object]) -> int:
    """The record's position, read back from its ``user-<n>`` distinct_id (events and identity events)."""
    return int(str(body["distinct_id"]).removeprefix("user-"))


BEHAVIOURS = ("all_ok", "some_errors", "short", "html_500", "json_400", "connection", "timeout")


def _behaviour(script: list[str], bodies: list[dict[str, object]]) -> str:
    return script[_n(bodies[0]) % len(script)]


def _expected_success(behaviour: str, bodies: list[dict[str, object]], per_record: bool) -> int:
    """How many records of a chunk the scripted server accepts."""
    if behaviour not in ("all_ok", "some_errors", "short"):
        return 0
    if not per_record or behaviour == "all_ok":
        return len(bodies)
    if behaviour == "short":
        return len(bodies) - 1
    return sum(1 for body in bodies if _n(body) % 3 != 0)


def _scripted(script: list[str], per_record: bool) -> Callable[[Request], Response]:
    def answer(request: Request) -> Response:
        bodies: list[dict[str, object]] = json.loads(request.content)
        behaviour = _behaviour(script, bodies)
        if behaviour == "connection":
            raise APIConnectionError("connection reset by peer")
        if behaviour == "timeout":
            raise APITimeoutError()
        if behaviour == "html_500":
            return Response(status_code=500, headers=NO_WAIT, content=b"<html>Internal Server Error</html>")
        if behaviour == "json_400":
            return Response(status_code=400, content=b'{"status": "fail", "message": "BAD REQUEST"}')
        if not per_record:
            return Response(status_code=202, content=b'{"message": "OK"}')
        answered = bodies[:-1] if behaviour == "short" else bodies
        results = [
            {"status": "error", "status_code": 422, "error": {"message": "no"}}
            if behaviour == "some_errors" and _n(body) % 3 == 0
            else {"status": "success", "status_code": 202}
            for body in answered
        ]
        return Response(status_code=207, content=json.dumps({"records": results}).encode())

    return answer


@settings(max_examples=examples(40), deadline=None)
@given(
    kinds=st.lists(st.sampled_from(["ok", "ok", "ok", "invalid"]), max_size=260),
    script=st.lists(st.sampled_from(BEHAVIOURS), min_size=1, max_size=5),
    concurrency=st.integers(1, 3),
    users=st.booleans(),
    streamed=st.booleans(),
)
def test_accounting_invariant_through_the_client(
    kinds: list[str], script: list[str], concurrency: int, users: bool, streamed: bool
) -> None:
    transport = FakeTransport(answer=_scripted(script, per_record=not users))
    client = _client(transport)
    items: list[Event] | list[UserEdit]
    if users:
        items = []
        for n, kind in enumerate(kinds):
            profile = client.users.get_edit_instance(
                f"user-{n}" if kind == "ok" else f"user-{n}" + "x" * 20_000
            )
            profile.set("n", n)
            items.append(profile)
    else:
        items = [
            Event(f"user-{n}", "order_placed" if kind == "ok" else "$bad", {"n": n})
            for n, kind in enumerate(kinds)
        ]

    if streamed:
        factory = client.bulk_users if users else client.bulk_events
        response = factory.stream(iter(items), concurrency=concurrency)  # type: ignore[arg-type]
    else:
        bulk = client.users.get_bulk_edit_instance() if users else client.bulk_events.new_instance()
        bulk.append(*items)  # type: ignore[arg-type]
        response = bulk.trigger(concurrency=concurrency)

    assert response.total == response.success + response.failure == len(items)
    assert response.failure == len(response.failed_records) >= kinds.count("invalid")
    chunks = [json.loads(request.content) for request in transport.sent]
    assert sum(len(bodies) for bodies in chunks) == kinds.count("ok")
    expected = sum(_expected_success(_behaviour(script, b), b, per_record=not users) for b in chunks)
    assert response.success == expected


def test_a_retried_chunk_carries_the_same_records_and_keys() -> None:
    attempts: list[bytes] = []

    def answer(request: Request) -> Response:
        attempts.append(request.content)
        bodies = json.loads(request.content)
        if len(attempts) == 1:
            return Response(status_code=503, headers=NO_WAIT, content=b"busy")
        results = [{"status": "success"} for _ in bodies]
        return Response(status_code=207, content=json.dumps({"records": results}).encode())

    transport = FakeTransport(answer=answer)
    bulk = _client(transport, max_retries=2).bulk_events.new_instance()
    bulk.append(*(Event(f"user-{n}", "order_placed", {"n": n}) for n in range(3)))

    response = bulk.trigger()

    assert (response.status, response.success) == ("success", 3)
    assert len(attempts) == 2 and attempts[0] == attempts[1]
    assert [request.options.retryable for request in transport.sent] == [True, True]
    assert [request.headers["X-Suprsend-Retry-Count"] for request in transport.sent] == ["0", "1"]


def test_client_surfaces_build_the_right_bulk_kinds() -> None:
    transport = FakeTransport(answer=lambda request: Response(status_code=202))
    client = _client(transport)

    workflows = client.workflows.bulk_trigger_instance()
    users = client.users.get_bulk_edit_instance()
    profile = client.users.get_edit_instance("user-1")
    profile.add_email("user-1@example.com")
    users.append(profile)

    assert users.save().success == 1
    assert transport.sent[0].url == BASE_URL + "event/"
    assert "Authorization" in transport.sent[0].headers
    assert workflows.trigger().total == 0
