"""An item that cannot be encoded (nested too deeply, not valid Unicode, an integer too long to print, a
mapping whose reading recurses) is one failed record of ``append()`` and ``stream()``: the items around it
are sent. (A conversion bug, which is not an encoding failure, still makes ``append`` keep nothing: see
tests/reliability/test_boundary_errors.py.)"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET

from suprsend_typed._bulk.response import BulkResponse
from suprsend_typed._client import Suprsend
from suprsend_typed._event import Event
from suprsend_typed._http import Request, Response
from tests.core.fakes import FakeTransport

BASE_URL = "http://127.0.0.1:9/"
# Far deeper than the interpreter's recursion limit.
DEEP = 100_000
# More digits than int-to-text conversion allows by default (4300).
HUGE_INT_DIGITS = 5_000


def _nested(depth: int, *, in_list: bool) -> object:
    value: object = {}
    for _ in range(depth):
        value = [value] if in_list else {"a": value}
    return value


class _EndlessMapping(dict[str, Any]):
    """A mapping whose reading recurses without end: a RecursionError outside the JSON encoder."""

    def items(self) -> Any:
        return self.items()

    def __iter__(self) -> Any:
        return iter(self)


UNENCODABLE: dict[str, Callable[[], object]] = {
    "nested 100,000 deep": lambda: _nested(DEEP, in_list=False),
    "a list nested 100,000 deep": lambda: _nested(DEEP, in_list=True),
    "a lone surrogate": lambda: "\ud800",
    "a lone surrogate key": lambda: {"\udc80": 1},
    "a huge int": lambda: 10**HUGE_INT_DIGITS,
    "NaN": lambda: float("nan"),
    "an object": object,
    "a mapping that recurses when read": lambda: _EndlessMapping(a=1),
}


def _per_record_answer(request: Request) -> Response:
    records = [{"status": "success", "status_code": 202} for _ in json.loads(request.content)]
    return Response(status_code=207, content=json.dumps({"records": records}).encode())


def _events(value: object) -> list[Event]:
    return [
        Event("user-0", "signed_up", {"n": 0}),
        Event("user-1", "signed_up", {"n": 1, "value": value}),
        Event("user-2", "signed_up", {"n": 2}),
    ]


def _appended(client: Suprsend, events: list[Event]) -> BulkResponse:
    bulk = client.bulk_events.new_instance()
    for event in events:
        bulk.append(event)
    return bulk.trigger()


def _streamed(client: Suprsend, events: list[Event]) -> BulkResponse:
    return client.bulk_events.stream(iter(events))


@pytest.mark.parametrize("value", UNENCODABLE.values(), ids=UNENCODABLE.keys())
@pytest.mark.parametrize("send", [_appended, _streamed], ids=["append", "stream"])
def test_an_unencodable_item_is_one_failed_record_and_the_rest_are_sent(
    value: Callable[[], object], send: Callable[[Suprsend, list[Event]], BulkResponse]
) -> None:
    hub = FakeTransport(answer=_per_record_answer)
    client = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, BASE_URL, transport=hub, max_retries=0)

    response = send(client, _events(value()))

    assert (response.total, response.success, response.failure) == (3, 2, 1)
    [failed] = response.failed_records
    assert failed["outcome"] == "refused" and failed["code"] == 400 and failed["error"]
    sent = [body["properties"]["n"] for request in hub.sent for body in json.loads(request.content)]
    assert sent == [0, 2]
