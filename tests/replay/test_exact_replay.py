"""The client's injectable clock and id source make a recording replay exactly, volatile keys included."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from pathlib import Path

import pytest

from suprsend_typed._client import Suprsend
from suprsend_typed._event import Event
from suprsend_typed._transport import Transport
from suprsend_typed._urllib3_transport import Urllib3Transport
from suprsend_typed._workflow import WorkflowTriggerRequest
from suprsend_typed.replay import ReplayTransport, UnmatchedRequestError
from suprsend_typed.sandbox import Sandbox

from .conftest import network_blocked

FIXED_NOW = 1_795_000_000.0  # 2026-11-17, any fixed instant will do


def fixed_ids() -> Callable[[], str]:
    counter = itertools.count()
    return lambda: f"00000000-0000-4000-8000-{next(counter):012d}"


def exercise(hub_url: str, hub: Sandbox, transport: Transport, id_factory: Callable[[], str]) -> list[object]:
    client = Suprsend(
        hub.credentials.workspace_key,
        hub.credentials.workspace_secret,
        hub_url,
        transport=transport,
        clock=lambda: FIXED_NOW,
        id_factory=id_factory,
    )
    results: list[object] = [
        dict(
            client.workflows.trigger(
                WorkflowTriggerRequest(body={"workflow": "w", "recipients": ["u"], "data": {}})
            )
        ),
        dict(client.track_event(Event("u", "signed_up", {"plan": "pro"}))),
    ]
    bulk = client.bulk_events.new_instance()
    bulk.append(*(Event(f"u{i}", "order_shipped") for i in range(3)))
    results.append(bulk.trigger().success)
    return results


def test_recording_replays_with_strict_bodies_when_clock_and_ids_are_injected(tmp_path: Path) -> None:
    cassette = tmp_path / "exact.json"
    with Sandbox(clock=lambda: FIXED_NOW) as hub:
        recorder = ReplayTransport(cassette, mode="once", inner=Urllib3Transport(), ignore_body_keys=())
        recorded = exercise(hub.url, hub, recorder, fixed_ids())
        with network_blocked():
            player = ReplayTransport(cassette, mode="none", ignore_body_keys=())
            replayed = exercise("http://127.0.0.1:9/", hub, player, fixed_ids())
    assert replayed == recorded
    assert player.play_count == len(player.interactions) == 3
    bodies = [i.request.body.value for i in player.interactions]
    assert bodies[1]["$insert_id"] == "00000000-0000-4000-8000-000000000001"
    assert bodies[1]["$time"] == int(FIXED_NOW * 1000)

    other_ids = ReplayTransport(cassette, mode="none", ignore_body_keys=())
    with network_blocked(), pytest.raises(UnmatchedRequestError, match=r"\$idempotency_key: recorded"):
        Suprsend(
            hub.credentials.workspace_key,
            hub.credentials.workspace_secret,
            "http://127.0.0.1:9/",
            transport=other_ids,
            clock=lambda: FIXED_NOW,
        ).workflows.trigger(WorkflowTriggerRequest(body={"workflow": "w", "recipients": ["u"], "data": {}}))
