"""The hub refuses too many records or bytes per request, and accepts the SDK's exact-limit chunks."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from functools import partial
from typing import Any, TypeVar

import pytest

from suprsend_typed._client import Suprsend
from suprsend_typed._context import WireItem
from suprsend_typed._event import Event
from suprsend_typed._generated.limits import (
    MAX_BODY_APPARENT_BYTES,
    MAX_CHUNK_APPARENT_BYTES,
    MAX_EVENTS_PER_BULK,
    MAX_IDENTITY_EVENT_APPARENT_BYTES,
    MAX_IDENTITY_EVENTS_PER_BULK,
    MAX_WORKFLOWS_PER_BULK,
)
from suprsend_typed._profile import UserEdit
from suprsend_typed._workflow import WorkflowTriggerRequest
from suprsend_typed.sandbox import Sandbox
from suprsend_typed.sandbox.limits import record_size

from .wire import Wire

ItemT = TypeVar("ItemT", bound=WireItem)

RECORDS_PER_EXACT_CHUNK = 4  # record sizes are chosen so this many fill a chunk to the byte
EXACT_RECORD_SIZE = MAX_CHUNK_APPARENT_BYTES // RECORDS_PER_EXACT_CHUNK


def _error(response_content: bytes) -> dict[str, Any]:
    error: dict[str, Any] = json.loads(response_content)
    assert set(error) == {"code", "error_code", "type", "message", "detail"}
    return error


@pytest.mark.parametrize(
    ("path", "limit", "record"),
    [
        ("v2/bulk/event/", MAX_EVENTS_PER_BULK, {"event": "e"}),
        ("trigger/", MAX_WORKFLOWS_PER_BULK, {"workflow": "w"}),
        ("event/", MAX_IDENTITY_EVENTS_PER_BULK, {"distinct_id": "u"}),
    ],
)
def test_a_request_with_more_records_than_the_kind_allows_is_refused(
    hub: Sandbox, wire: Wire, path: str, limit: int, record: dict[str, str]
) -> None:
    records = [{**record, "$insert_id": f"id-{n}"} for n in range(limit + 1)]

    over = wire.send("POST", path, records)
    at_limit = wire.send("POST", path, records[:limit])

    assert over.status_code == 400
    assert "too many records" in _error(over.content)["message"]
    assert at_limit.status_code in (202, 207)
    assert len(hub.records()) == limit  # only the request at the limit was kept


def test_the_reviewed_case_1200_events_in_one_bulk_call_is_refused(hub: Sandbox, wire: Wire) -> None:
    response = wire.send(
        "POST", "v2/bulk/event/", [{"event": "e", "$insert_id": str(n)} for n in range(1_200)]
    )
    assert response.status_code == 400
    assert hub.records() == []


def _padded(template: dict[str, Any], size: int) -> dict[str, Any]:
    """``template`` with a ``pad`` key making its apparent size exactly ``size``."""
    record = {**template, "pad": ""}
    return {**record, "pad": "x" * (size - record_size(record))}


@pytest.mark.parametrize(
    ("path", "limit", "template"),
    [
        ("v2/event/", MAX_BODY_APPARENT_BYTES, {"event": "e", "$insert_id": "i"}),
        ("trigger/", MAX_BODY_APPARENT_BYTES, {"workflow": "w"}),
        ("event/", MAX_IDENTITY_EVENT_APPARENT_BYTES, {"distinct_id": "u", "$insert_id": "i"}),
        ("v2/bulk/event/", MAX_BODY_APPARENT_BYTES, {"event": "e", "$insert_id": "i"}),
    ],
)
def test_a_record_over_its_size_limit_is_refused_and_one_at_the_limit_accepted(
    hub: Sandbox, wire: Wire, path: str, limit: int, template: dict[str, Any]
) -> None:
    def body(size: int) -> Any:
        record = _padded(template, size)
        return [record] if path == "v2/bulk/event/" else record

    over = wire.send("POST", path, body(limit + 1))
    at_limit = wire.send("POST", path, body(limit))

    assert over.status_code == 413
    assert "too big" in _error(over.content)["message"]
    assert at_limit.status_code in (202, 207)


def test_the_reviewed_case_a_900_kb_event_is_refused(wire: Wire) -> None:
    response = wire.send("POST", "v2/event/", {"event": "e", "$insert_id": "i", "pad": "x" * 900 * 1024})
    assert response.status_code == 413
    assert _error(response.content)["error_code"] == "request_too_large"


def test_records_summing_over_the_chunk_limit_are_refused_separators_not_counted(wire: Wire) -> None:
    exact = [_padded({"event": "e", "$insert_id": str(n)}, EXACT_RECORD_SIZE) for n in range(4)]
    over = [*exact[:-1], _padded({"event": "e", "$insert_id": "3"}, EXACT_RECORD_SIZE + 1)]

    assert wire.send("POST", "v2/bulk/event/", over).status_code == 413
    assert wire.send("POST", "v2/bulk/event/", exact).status_code == 207


# Exact-limit chunks built by the SDK's own chunker


@pytest.fixture
def sdk_hub() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


def _exact(client: Suprsend, make: Callable[[str], ItemT], size: int) -> ItemT:
    """The item that ``make(padding)`` builds, padded so the SDK measures it at exactly ``size`` bytes."""
    measured = make("")._to_wire(client._core.context).apparent_size
    item = make("x" * (size - measured))
    assert item._to_wire(client._core.context).apparent_size == size
    return item


def test_exact_limit_event_chunks_from_the_sdk_are_accepted(sdk_hub: Sandbox) -> None:
    client = sdk_hub.client(max_retries=0)

    def event(pad: str, n: int) -> Event:
        return Event(f"u{n}", "signed_up", {"pad": pad})

    events = [
        _exact(client, partial(event, n=n), EXACT_RECORD_SIZE) for n in range(2 * RECORDS_PER_EXACT_CHUNK)
    ]

    response = client.bulk_events.stream(events)
    client.close()

    assert (response.success, response.failure) == (len(events), 0)
    assert [request["status"] for request in sdk_hub.requests()] == [207, 207]


def test_exact_limit_workflow_chunks_from_the_sdk_are_accepted(sdk_hub: Sandbox) -> None:
    client = sdk_hub.client(max_retries=0)

    def trigger(pad: str, n: int) -> WorkflowTriggerRequest:
        return WorkflowTriggerRequest(body={"workflow": "w", "recipients": [f"u{n}"], "data": {"pad": pad}})

    triggers = [
        _exact(client, partial(trigger, n=n), EXACT_RECORD_SIZE) for n in range(2 * RECORDS_PER_EXACT_CHUNK)
    ]
    bulk = client.workflows.bulk_trigger_instance()
    bulk.append(*triggers)

    response = bulk.trigger()
    client.close()

    assert (response.success, response.failure) == (len(triggers), 0)
    assert [request["status"] for request in sdk_hub.requests()] == [207, 207]


def test_exact_limit_identity_events_from_the_sdk_are_accepted(sdk_hub: Sandbox) -> None:
    client = sdk_hub.client(max_retries=0)

    def edit(pad: str, n: int) -> UserEdit:
        user = client.users.get_edit_instance(f"u{n}")
        user.set("pad", pad)
        return user

    users = [_exact(client, partial(edit, n=n), MAX_IDENTITY_EVENT_APPARENT_BYTES) for n in range(3)]

    response = client.bulk_users.stream(users)
    client.close()

    assert (response.success, response.failure) == (len(users), 0)
    assert [request["status"] for request in sdk_hub.requests()] == [202]
