"""Differential: the same events through the official SDK and ours give the same chunks and totals."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import suprsend
from hypothesis import given, settings
from hypothesis import strategies as st
from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET

from suprsend_typed._client import Suprsend
from suprsend_typed._event import Event
from suprsend_typed._http import Request, Response
from tests.core.fakes import FakeTransport
from tests.support.budget import examples


def _results(bodies: list[dict[str, Any]], failing: int) -> list[dict[str, Any]]:
    """Every ``failing``-th record (by its ``n`` property) is refused with 422; 0 means none."""
    return [
        {"status": "error", "status_code": 422, "error": {"message": "refused"}}
        if failing and body["properties"]["n"] % failing == 0
        else {"status": "success", "status_code": 202}
        for body in bodies
    ]


class _OfficialAnswer:
    def __init__(self, payload: dict[str, Any]) -> None:
        self.status_code = 207
        self._payload = payload
        self.text = json.dumps(payload)

    def json(self) -> dict[str, Any]:
        return self._payload


def _answer_per_record(failing: int) -> Callable[[Request], Response]:
    def answer(request: Request) -> Response:
        payload = {"records": _results(json.loads(request.content), failing)}
        return Response(status_code=207, content=json.dumps(payload).encode())

    return answer


@settings(max_examples=examples(15), deadline=None)
@given(count=st.integers(0, 450), failing=st.sampled_from([0, 1, 7]), concurrency=st.sampled_from([None, 1]))
def test_events_bulk_matches_the_official_sdk(count: int, failing: int, concurrency: int | None) -> None:
    """Same chunks and the same result, failed records in the same order; one chunk at a time (1) the
    chunks also arrive in the same order, by default they may arrive in any order."""
    official_sizes: list[int] = []

    def official_request(method: str, url: str, body: Any = None) -> _OfficialAnswer:
        official_sizes.append(len(body))
        return _OfficialAnswer({"records": _results(body, failing)})

    official_client = suprsend.Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET)
    official_client.request = official_request
    official_bulk = official_client.bulk_events.new_instance()
    official_bulk.append(*(suprsend.Event(f"user-{n}", "order_placed", {"n": n}) for n in range(count)))
    official = official_bulk.trigger()

    transport = FakeTransport(answer=_answer_per_record(failing))
    client = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url="http://127.0.0.1:9/", transport=transport)
    bulk = client.bulk_events.new_instance()
    bulk.append(*(Event(f"user-{n}", "order_placed", {"n": n}) for n in range(count)))
    ours = bulk.trigger(concurrency=concurrency)

    chunk_sizes = [len(bodies) for bodies in transport.bodies()]
    if concurrency == 1:
        assert chunk_sizes == official_sizes
    else:
        assert sorted(chunk_sizes) == sorted(official_sizes)
    assert str(ours) == str(official)
    assert [(f["error"], f["code"]) for f in ours.failed_records] == [
        (f["error"], f["code"]) for f in official.failed_records
    ]
