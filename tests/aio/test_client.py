"""AsyncSuprsend through its chain: pages, errors, retries and re-signing, lifecycle, and the default
aiohttp transport on a loopback hub against the sync client's urllib3 transport."""

from __future__ import annotations

import asyncio
import itertools
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest

from suprsend_typed import (
    APIConnectionError,
    APITimeoutError,
    AsyncPage,
    AsyncSuprsend,
    ClientClosedError,
    Event,
    PaginationLoopError,
    Suprsend,
    SuprsendConfigError,
    models,
)
from suprsend_typed._errors import APIStatusError, InputValueError
from suprsend_typed._generated.limits import MAX_BODY_APPARENT_BYTES
from suprsend_typed._http import Request, Response
from suprsend_typed._retry import RETRY_COUNT_HEADER
from tests.core.fakes import AsyncFakeTransport, FakeTransport, reply
from tests.core.loopback import LoopbackServer, Reply
from tests.reliability.hung_server import never_answering_server

from .test_wire_identity import BASE_URL, KEY, NOW, SECRET, _ids, async_client, sync_client, wire

MESSAGES = [{"message_id": f"m-{n}", "status": "sent"} for n in range(7)]
PAGE_SIZE = 3


def message_pages(request: Request) -> Response:
    """Cursor pages of ``MESSAGES``, ``PAGE_SIZE`` at a time, the cursor being the next position."""
    query = dict(parse_qsl(urlsplit(request.url).query))
    start = int(query.get("after", "0"))
    end = start + PAGE_SIZE
    meta = {"has_next": end < len(MESSAGES), "after": str(end) if end < len(MESSAGES) else None}
    return reply(200, {"meta": meta, "results": MESSAGES[start:end]})


def tenant_pages(request: Request) -> Response:
    query = dict(parse_qsl(urlsplit(request.url).query))
    offset, limit = int(query.get("offset", "0")), int(query.get("limit", "2"))
    tenants = [{"tenant_id": f"t-{n}", "tenant_name": f"T {n}"} for n in range(5)]
    return reply(
        200, {"meta": {"count": 5, "limit": limit, "offset": offset}, "results": tenants[offset:][:limit]}
    )


@pytest.mark.parametrize(
    ("answer", "listing"),
    [
        (message_pages, lambda client: client.messages.list()),
        (tenant_pages, lambda client: client.tenants.list(2)),
    ],
    ids=["cursor", "offset"],
)
def test_async_for_walks_every_page_as_the_sync_client_does(answer: Any, listing: Any) -> None:
    by_sync = FakeTransport(answer=answer)
    with sync_client(by_sync) as client:
        expected = list(listing(client))
    by_async = AsyncFakeTransport(FakeTransport(answer=answer))

    async def run() -> list[Any]:
        async with async_client(by_async) as client:
            return [item async for item in listing(client)]

    assert asyncio.run(run()) == expected
    assert [wire(r) for r in by_async.sent] == [wire(r) for r in by_sync.sent]
    assert len(by_sync.sent) > 1


def test_a_page_is_awaited_and_asks_for_the_next_one_only_when_told() -> None:
    transport = AsyncFakeTransport(FakeTransport(answer=message_pages))

    async def run() -> None:
        async with async_client(transport) as client:
            page = await client.messages.list()
            assert isinstance(page, AsyncPage)
            assert type(page.data) is models.MessageList and page.data.results == page.items
            assert page.data["meta"] == page["meta"]
            assert [m.message_id for m in page.items] == ["m-0", "m-1", "m-2"]
            assert page["meta"]["has_next"] is True and page.has_next_page()
            assert len(transport.sent) == 1
            second = await page.next_page()
            assert second is not None and second.items[0].message_id == "m-3"
            pages = [p async for p in second.iter_pages()]
            assert [len(p.items) for p in pages] == [3, 1]
            assert await pages[-1].next_page() is None

    asyncio.run(run())


@pytest.mark.parametrize(
    ("answer", "listing", "starts"),
    [
        (message_pages, lambda client: client.messages.list(), [("after", "3"), ("after", "6"), None]),
        (tenant_pages, lambda client: client.tenants.list(2), [("offset", "2"), ("offset", "4"), None]),
    ],
    ids=["cursor", "offset"],
)
def test_next_page_start_says_where_the_next_page_starts_as_the_sync_page_does(
    answer: Any, listing: Any, starts: list[tuple[str, str] | None]
) -> None:
    with sync_client(FakeTransport(answer=answer)) as client:
        assert [page.next_page_start() for page in listing(client).iter_pages()] == starts
    transport = AsyncFakeTransport(FakeTransport(answer=answer))

    async def run() -> list[tuple[str, str] | None]:
        async with async_client(transport) as client:
            first = await listing(client)
            return [page.next_page_start() async for page in first.iter_pages()]

    assert asyncio.run(run()) == starts
    assert len(transport.sent) == len(starts)


def looping_message_pages(request: Request) -> Response:
    """A hub whose cursors cycle: c1 -> c2 -> c1."""
    after = dict(parse_qsl(urlsplit(request.url).query)).get("after")
    following = {None: "c1", "c1": "c2", "c2": "c1"}[after]
    return reply(200, {"meta": {"has_next": True, "after": following}, "results": MESSAGES[:1]})


def test_an_async_walk_stops_at_a_cursor_already_fetched_and_at_max_pages() -> None:
    transport = AsyncFakeTransport(FakeTransport(answer=looping_message_pages))

    async def walk() -> None:
        async with async_client(transport) as client:
            async for _ in client.messages.list():
                pass

    with pytest.raises(PaginationLoopError) as loop:
        asyncio.run(walk())
    assert (loop.value.parameter, loop.value.position) == ("after", "c1")
    assert len(transport.sent) == 3

    async def capped() -> tuple[int, list[int], list[Any]]:
        async with async_client(AsyncFakeTransport(FakeTransport(answer=message_pages))) as client:
            first = await client.messages.list()
            pages = [len(page.items) async for page in first.iter_pages(max_pages=2)]
            items = [item.message_id async for item in first.iter_items(max_pages=1)]
            return len(pages), pages, items

    assert asyncio.run(capped()) == (2, [3, 3], ["m-0", "m-1", "m-2"])

    async def refused() -> None:
        async with async_client(AsyncFakeTransport(FakeTransport(answer=message_pages))) as client:
            first = await client.messages.list()
            async for _ in first.iter_pages(max_pages=0):
                pass

    with pytest.raises(ValueError, match="max_pages"):
        asyncio.run(refused())


@pytest.mark.parametrize("status", [400, 401, 403, 404, 409, 422, 429, 500, 503])
def test_an_error_status_raises_the_sync_clients_exception(status: int) -> None:
    answer = reply(status, {"message": f"status {status}"})
    with pytest.raises(APIStatusError) as sync_error, sync_client(FakeTransport(default=answer)) as client:
        client.tenants.get("t-1", max_retries=0)

    async def run() -> None:
        async with async_client(AsyncFakeTransport(FakeTransport(default=answer))) as client:
            await client.tenants.get("t-1", max_retries=0)

    with pytest.raises(APIStatusError) as async_error:
        asyncio.run(run())
    assert type(async_error.value) is type(sync_error.value)
    assert str(async_error.value) == str(sync_error.value)


@pytest.mark.parametrize("error", [APIConnectionError("reset"), APITimeoutError("slow")])
def test_transport_failures_and_seed_results_match_the_sync_client(error: APIConnectionError) -> None:
    with sync_client(FakeTransport(default=reply(500, {}), script=[error] * 3)) as client:
        expected = client.track_event(Event("u-1", "order_placed", {}), max_retries=0)
        with pytest.raises(type(error)):
            client.tenants.get("t-1", max_retries=0)

    async def run() -> Any:
        transport = AsyncFakeTransport(FakeTransport(default=reply(500, {}), script=[error] * 3))
        async with async_client(transport) as client:
            result = await client.track_event(Event("u-1", "order_placed", {}), max_retries=0)
            with pytest.raises(type(error)):
                await client.tenants.get("t-1", max_retries=0)
            return result

    assert asyncio.run(run()) == expected


def test_retries_resign_each_attempt_and_keep_the_idempotency_key() -> None:
    busy = reply(503, {"message": "busy"})
    clock = itertools.count(NOW, 1.0)
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    transport = AsyncFakeTransport(FakeTransport(script=[busy, busy]))

    async def run() -> None:
        client = AsyncSuprsend(
            KEY,
            SECRET,
            BASE_URL,
            transport=transport,
            clock=lambda: next(clock),
            id_factory=_ids(),
            sleep=sleep,
        )
        async with client:
            await client.workflows.trigger({"workflow": "w", "recipients": ["u-1"]})

    asyncio.run(run())
    attempts = transport.sent
    assert [r.headers[RETRY_COUNT_HEADER] for r in attempts] == ["0", "1", "2"]
    assert len({r.headers["Date"] for r in attempts}) == 3
    assert len({r.headers["Authorization"] for r in attempts}) == 3
    assert len({r.content for r in attempts}) == 1  # the same $idempotency_key in every attempt
    assert slept == [0.001, 0.001]  # the hub's retry-after-ms


def test_aclose_closes_the_owned_transport_only_and_a_closed_client_sends_nothing() -> None:
    given = AsyncFakeTransport()

    async def run() -> None:
        client = async_client(given)
        copy = client.with_options(max_retries=0)
        await copy.aclose()
        await client.tenants.get("t-1")  # closing a copy closes only that copy
        await client.aclose()
        assert not given.closed  # passed in: the caller's to close
        with pytest.raises(ClientClosedError):
            await client.tenants.get("t-1")
        with pytest.raises(ClientClosedError):
            await client.with_options().tenants.get("t-1")

    asyncio.run(run())


def test_a_transport_without_an_async_send_is_refused_at_construction() -> None:
    with pytest.raises(SuprsendConfigError, match="async send"):
        AsyncSuprsend(KEY, SECRET, BASE_URL, transport=FakeTransport())  # type: ignore[arg-type]
    with pytest.raises(SuprsendConfigError, match="pool_size"):
        AsyncSuprsend(KEY, SECRET, BASE_URL, transport=AsyncFakeTransport(), pool_size=3)


def test_the_api_key_client_sends_bearer_as_the_sync_one() -> None:
    by_sync, by_async = FakeTransport(), AsyncFakeTransport()
    with Suprsend.with_workspace_api_key("ws-1", "api-key-secret-1", BASE_URL, transport=by_sync) as client:
        client.tenants.get("t-1")

    async def run() -> None:
        client = AsyncSuprsend.with_workspace_api_key(
            "ws-1", "api-key-secret-1", BASE_URL, transport=by_async
        )
        async with client:
            assert (client.auth_method, client.workspace_uid, client.workspace_key) == (
                "api_key",
                "ws-1",
                None,
            )
            await client.tenants.get("t-1")

    asyncio.run(run())
    assert [wire(r) for r in by_async.sent] == [wire(r) for r in by_sync.sent]


# Headers a transport adds itself, which the SDK neither sets nor signs.
TRANSPORT_HEADERS = {"host", "accept-encoding", "connection"}


def test_the_aiohttp_transport_sends_what_urllib3_sends() -> None:
    server = LoopbackServer()
    server.replies = [Reply(status=202), Reply(status=200, body=b'{"tenant_id": "a b/c"}')] * 2
    try:
        with Suprsend(KEY, SECRET, server.base_url, clock=lambda: NOW, id_factory=_ids()) as client:
            client.workflows.trigger({"workflow": "w", "recipients": ["u-1"], "data": {"é": "ü"}})
            client.tenants.get("a b/c")

        async def run() -> None:
            client = AsyncSuprsend(KEY, SECRET, server.base_url, clock=lambda: NOW, id_factory=_ids())
            async with client:
                await client.workflows.trigger({"workflow": "w", "recipients": ["u-1"], "data": {"é": "ü"}})
                await client.tenants.get("a b/c")

        asyncio.run(run())
    finally:
        server.close()
    first, second = server.received[:2], server.received[2:]

    def seen(received: Any) -> tuple[str, str, bytes, dict[str, str]]:
        headers = {k.lower(): v for k, v in received.headers.items() if k.lower() not in TRANSPORT_HEADERS}
        return received.method, received.path, received.body, headers

    assert [seen(r) for r in second] == [seen(r) for r in first]


def test_a_hub_that_never_answers_times_out_with_the_sync_error() -> None:
    async def run(url: str) -> None:
        async with AsyncSuprsend(KEY, SECRET, url, timeout=0.2, max_retries=0) as client:
            await client.tenants.get("t-1")

    with never_answering_server() as url, pytest.raises(APITimeoutError) as raised:
        asyncio.run(run(url))
    assert raised.value.outcome_unknown is True


def test_a_refused_connection_is_an_api_connection_error_with_nothing_sent() -> None:
    async def run() -> None:
        async with AsyncSuprsend(KEY, SECRET, "http://127.0.0.1:9/", max_retries=0) as client:
            await client.tenants.get("t-1")

    with pytest.raises(APIConnectionError) as raised:
        asyncio.run(run())
    assert raised.value.outcome_unknown is False


def test_the_aiohttp_transport_caps_and_decodes_answers_as_the_sync_one() -> None:
    import gzip

    from suprsend_typed import AiohttpTransport
    from suprsend_typed._errors import ResponseTooLargeError

    server = LoopbackServer()
    tenant = b'{"tenant_id": "t-1", "tenant_name": "' + b"x" * 2000 + b'"}'
    zipped = Reply(status=200, body=gzip.compress(tenant), headers=(("Content-Encoding", "gzip"),))
    server.replies = [zipped, Reply(status=200, body=tenant)]

    async def run() -> None:
        async with AsyncSuprsend(KEY, SECRET, server.base_url, max_retries=2) as client:
            assert (await client.tenants.get("t-1")).tenant_name == "x" * 2000  # gzip decoded
        small = AiohttpTransport(max_response_bytes=1000)
        capped = AsyncSuprsend(KEY, SECRET, server.base_url, transport=small, max_retries=2)
        with pytest.raises(ResponseTooLargeError):
            await capped.tenants.get("t-1")
        await small.aclose()

    try:
        asyncio.run(run())
    finally:
        server.close()
    assert len(server.received) == 2  # the answer past the cap was not fetched again


def test_the_async_client_takes_max_response_bytes_as_the_sync_one() -> None:
    from suprsend_typed._errors import ResponseTooLargeError

    server = LoopbackServer()
    server.replies = [Reply(status=200, body=b'{"tenant_id": "t-1", "tenant_name": "' + b"x" * 2000 + b'"}')]

    async def run() -> None:
        async with AsyncSuprsend(KEY, SECRET, server.base_url, max_response_bytes=1000) as client:
            with pytest.raises(ResponseTooLargeError) as raised:
                await client.tenants.get("t-1")
            assert raised.value.limit == 1000

    try:
        asyncio.run(run())
    finally:
        server.close()
    for make in (AsyncSuprsend, AsyncSuprsend.with_workspace_api_key):
        with pytest.raises(SuprsendConfigError, match="max_response_bytes must be a positive int"):
            make(KEY, SECRET, max_response_bytes=0)
    with pytest.raises(SuprsendConfigError, match="max_response_bytes configures the default transport"):
        AsyncSuprsend(KEY, SECRET, transport=AsyncFakeTransport(), max_response_bytes=1000)


def test_a_typed_event_over_the_size_limit_is_refused_as_by_the_sync_client() -> None:
    event: dict[str, Any] = {"$insert_id": "00000000-0000-4000-8000-000000000001", "$time": 1_767_225_600_000}
    event.update({"event": "order_placed", "env": KEY, "distinct_id": "user-1"})
    event["properties"] = {"note": "x" * MAX_BODY_APPARENT_BYTES}
    inner = FakeTransport(default=reply(202, {"message": "OK"}))
    with pytest.raises(InputValueError) as sync_error, sync_client(inner) as client:
        client.events.track(event)

    async def run() -> None:
        async with async_client(AsyncFakeTransport(inner)) as client:
            await client.events.track(event)

    with pytest.raises(InputValueError) as async_error:
        asyncio.run(run())
    assert str(async_error.value) == str(sync_error.value)
    assert "Event size too big" in str(async_error.value)
    assert inner.sent == []


@pytest.mark.parametrize(
    "options",
    [
        {"transport": None, "pool_size": 0},
        {"clock": "not callable"},
        {"sleep": 0.5},
        {"id_factory": "not callable"},
    ],
)
def test_bad_options_are_config_errors_at_construction(options: dict[str, Any]) -> None:
    settings = {"transport": AsyncFakeTransport(), **options}
    with pytest.raises(SuprsendConfigError):
        AsyncSuprsend(KEY, SECRET, BASE_URL, **settings)
