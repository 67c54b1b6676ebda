"""The official ``subscriber_lists.create`` / ``get_all`` checks hold for the async client as for sync.

Both come from one row of ``codegen/customisations.py`` (a ``Rewrite``), so the same bad input raises the
same error, with the same message, from both clients, and nothing is sent; good input sends the same query
and body (``tests/differential`` compares the sync client with the official SDK).
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Coroutine
from typing import Any

import pytest

from suprsend_typed import AsyncSuprsend, Suprsend
from suprsend_typed._generated.models import SubscriberListCreate
from tests.core.fakes import AsyncFakeTransport, FakeTransport, reply

KEY, SECRET = "workspace-key", "workspace-secret"
BASE_URL = "http://127.0.0.1:9/"
LIST = {"list_id": "l-1", "list_name": "n", "list_type": "static_list"}
PAGE = {"meta": {"count": 0, "limit": 20, "offset": 0}, "results": []}

# name -> the call, given the client's subscriber_lists resource (sync or async alike).
BAD_CREATES: dict[str, Callable[[Any], Any]] = {
    "no payload": lambda lists: lists.create(None),
    "empty payload": lambda lists: lists.create({}),
    "no list_id": lambda lists: lists.create({"list_name": "n"}),
    "int list_id": lambda lists: lists.create({"list_id": 5}),
    "blank list_id": lambda lists: lists.create({"list_id": "  "}),
    "model with blank list_id": lambda lists: lists.create(SubscriberListCreate(list_id=" ")),
    "blank keyword list_id": lambda lists: lists.create(list_id=" "),
    "payload not a dict": lambda lists: lists.create(["l-1"]),
    "options not a dict": lambda lists: lists.get_all(10, 0, ["limit"]),
}


def _clients(answer: object) -> tuple[Suprsend, FakeTransport, AsyncSuprsend, AsyncFakeTransport]:
    sync_transport = FakeTransport(default=reply(200, answer))
    async_transport = AsyncFakeTransport(fake=FakeTransport(default=reply(200, answer)))
    return (
        Suprsend(KEY, SECRET, BASE_URL, transport=sync_transport),
        sync_transport,
        AsyncSuprsend(KEY, SECRET, BASE_URL, transport=async_transport),
        async_transport,
    )


def _run(awaitable: Coroutine[Any, Any, Any]) -> Any:
    return asyncio.run(awaitable)


@pytest.mark.parametrize("name", list(BAD_CREATES))
def test_the_same_bad_input_raises_the_same_error_from_both_clients(name: str) -> None:
    call = BAD_CREATES[name]
    sync_client, sync_transport, async_client, async_transport = _clients(LIST)
    with pytest.raises(Exception) as sync_error:
        call(sync_client.subscriber_lists)

    async def run() -> None:
        await call(async_client.subscriber_lists)

    with pytest.raises(type(sync_error.value)) as async_error:
        _run(run())
    assert type(async_error.value) is type(sync_error.value)
    assert str(async_error.value) == str(sync_error.value)
    assert sync_transport.sent == async_transport.sent == []


def test_create_sends_the_list_id_stripped_in_a_copy_from_both_clients() -> None:
    sync_client, sync_transport, async_client, async_transport = _clients(LIST)
    payload = {"list_id": " l-1 ", "list_name": "n"}
    assert sync_client.subscriber_lists.create(payload, {"q": 1}).list_id == "l-1"
    assert _run(async_client.subscriber_lists.create(payload, {"q": 1})).list_id == "l-1"
    assert _run(async_client.subscriber_lists.create(list_id=" l-1 ")).list_id == "l-1"
    assert payload == {"list_id": " l-1 ", "list_name": "n"}
    sent = [*sync_transport.sent, *async_transport.sent]
    assert [request.url for request in sent[:2]] == [f"{BASE_URL}v1/subscriber_list/?q=1"] * 2
    assert [json.loads(request.content) for request in sent] == [
        {"list_id": "l-1", "list_name": "n"},
        {"list_id": "l-1", "list_name": "n"},
        {"list_id": "l-1"},
    ]


@pytest.mark.parametrize(
    ("args", "query"),
    [
        ((), "limit=20&offset=0"),
        ((5000, -1), "limit=20&offset=0"),
        ((5000, -1, {"offset": 40}), "limit=20&offset=40"),
        ((10, 7, {"limit": 50}), "limit=50&offset=7"),
    ],
)
def test_get_all_lets_options_override_limit_and_offset_in_both_clients(
    args: tuple[Any, ...], query: str
) -> None:
    sync_client, sync_transport, async_client, async_transport = _clients(PAGE)
    sync_client.subscriber_lists.get_all(*args)

    async def run() -> None:
        await async_client.subscriber_lists.get_all(*args)

    _run(run())
    expected = f"{BASE_URL}v1/subscriber_list/?{query}"
    assert [request.url for request in sync_transport.sent] == [expected]
    assert [request.url for request in async_transport.sent] == [expected]
