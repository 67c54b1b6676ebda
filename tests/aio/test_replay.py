"""AsyncReplayTransport reads and writes the same cassettes as ReplayTransport: a cassette recorded by one
client replays in the other, with the same answers, and an unmatched request fails the same way."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from suprsend_typed import AsyncReplayTransport, AsyncSuprsend, Event, ReplayTransport, Suprsend
from suprsend_typed.replay import UnmatchedRequestError
from tests.core.fakes import AsyncFakeTransport, FakeTransport, reply

from .test_wire_identity import BASE_URL, KEY, NOW, SECRET

ANSWERS = [
    reply(202, {"message_id": "m-1", "status": "success"}),
    reply(200, {"tenant_id": "t-1", "tenant_name": "One"}),
]


def sync_calls(client: Suprsend) -> list[Any]:
    return [
        dict(client.track_event(Event("u-1", "signed_up", {"plan": "pro"}))),
        client.tenants.get("t-1").to_dict(),
    ]


async def async_calls(client: AsyncSuprsend) -> list[Any]:
    return [
        dict(await client.track_event(Event("u-1", "signed_up", {"plan": "pro"}))),
        (await client.tenants.get("t-1")).to_dict(),
    ]


def test_a_cassette_recorded_by_the_sync_client_replays_in_the_async_one(tmp_path: Path) -> None:
    cassette = tmp_path / "calls.json"
    recorder = ReplayTransport(cassette, "once", inner=FakeTransport(script=list(ANSWERS)))
    with recorder.client(KEY, SECRET, BASE_URL, clock=lambda: NOW) as client:
        recorded = sync_calls(client)
    recorder.close()

    player = AsyncReplayTransport(cassette, "none")

    async def run() -> list[Any]:
        async with player.client(KEY, SECRET, BASE_URL, clock=lambda: NOW) as client:
            return await async_calls(client)

    assert asyncio.run(run()) == recorded
    assert player.play_count == len(ANSWERS)


def test_a_cassette_recorded_by_the_async_client_replays_in_the_sync_one(tmp_path: Path) -> None:
    cassette = tmp_path / "calls.json"
    recorder = AsyncReplayTransport(
        cassette, "once", inner=AsyncFakeTransport(FakeTransport(script=list(ANSWERS)))
    )

    async def run() -> list[Any]:
        async with recorder.client(KEY, SECRET, BASE_URL, clock=lambda: NOW) as client:
            result = await async_calls(client)
        await recorder.aclose()
        return result

    recorded = asyncio.run(run())
    assert recorder.play_count == len(ANSWERS)  # recorded in this run counts as played
    player = ReplayTransport(cassette, "none")
    with player.client(KEY, SECRET, BASE_URL, clock=lambda: NOW) as client:
        assert sync_calls(client) == recorded


def test_an_unmatched_request_raises_the_replay_error(tmp_path: Path) -> None:
    cassette = tmp_path / "empty.json"
    ReplayTransport(cassette, "once", inner=FakeTransport()).close()  # an existing, empty cassette
    player = AsyncReplayTransport(cassette, "none")

    async def run() -> None:
        async with player.client(KEY, SECRET, BASE_URL) as client:
            await client.tenants.get("t-1")

    with pytest.raises(UnmatchedRequestError, match="the cassette is empty"):
        asyncio.run(run())
    assert len(player.unmatched) == 1
