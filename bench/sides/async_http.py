"""The two async HTTP libraries the async client could stand on, bare: how the default transport was chosen.

Each posts the same small JSON body ``calls`` times at once on one event loop, through one session with a
pool of ``DEFAULT_ASYNC_POOL_SIZE`` connections, as AsyncSuprsend's transport would. The hub answers 401
(nothing is signed): the figure measures the libraries, not the SDK. httpx is not a dependency; its side
runs only where it is installed.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Awaitable, Callable
from typing import Any

from suprsend_typed._aiohttp_transport import DEFAULT_ASYNC_POOL_SIZE

from ..settings import CONTENT_TYPE
from ..workload import Outcome, Workload

_BODY = b'{"event": "order_placed", "distinct_id": "user-1", "properties": {"order_id": 1}}'
_HEADERS = {"Content-Type": CONTENT_TYPE}


def _workload(post: Callable[[], Awaitable[int]], calls: int, warmup: int) -> Workload:
    loop = asyncio.get_event_loop_policy().new_event_loop()

    async def post_all(count: int) -> int:
        statuses = await asyncio.gather(*(post() for _ in range(count)))
        return sum(1 for status in statuses if status)

    loop.run_until_complete(post_all(warmup))

    def run() -> Outcome:
        return Outcome(total=calls, success=loop.run_until_complete(post_all(calls)))

    return run


def aiohttp_posts(url: str, *, calls: int, warmup: int) -> Workload:
    aiohttp: Any = importlib.import_module("aiohttp")
    state: dict[str, Any] = {}

    async def post() -> int:
        session = state.get("session")
        if session is None:
            connector = aiohttp.TCPConnector(limit=DEFAULT_ASYNC_POOL_SIZE)
            session = state["session"] = aiohttp.ClientSession(connector=connector)
        async with session.post(url + "v2/event/", data=_BODY, headers=_HEADERS) as response:
            await response.read()
            return int(response.status)

    return _workload(post, calls, warmup)


def httpx_posts(url: str, *, calls: int, warmup: int) -> Workload:
    httpx: Any = importlib.import_module("httpx")  # ImportError: the side is reported as unavailable
    limits = httpx.Limits(max_connections=DEFAULT_ASYNC_POOL_SIZE)
    state: dict[str, Any] = {}

    async def post() -> int:
        client = state.get("client")
        if client is None:
            client = state["client"] = httpx.AsyncClient(limits=limits)
        response = await client.post(url + "v2/event/", content=_BODY, headers=_HEADERS)
        return int(response.status_code)

    return _workload(post, calls, warmup)
