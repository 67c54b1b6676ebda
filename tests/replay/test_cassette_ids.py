"""Default clients replay their workflow triggers when they take their ids from the cassette."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from suprsend_typed._client import Suprsend
from suprsend_typed._event import Event
from suprsend_typed._urllib3_transport import Urllib3Transport
from suprsend_typed._workflow import WorkflowTriggerRequest
from suprsend_typed.replay import (
    CassetteIds,
    RecordMode,
    ReplayTransport,
    UnmatchedRequestError,
    save_cassette,
)
from suprsend_typed.sandbox import Sandbox

from .conftest import network_blocked

UNUSED_URL = "http://127.0.0.1:9/"  # nothing listens there; replay must never try


def exercise(client: Suprsend) -> list[dict[str, Any]]:
    """A trigger (automatic $idempotency_key) and an event (automatic $insert_id), with default options."""
    try:
        trigger = client.workflows.trigger(
            WorkflowTriggerRequest(body={"workflow": "welcome", "recipients": ["u1"], "data": {}})
        )
        event = client.track_event(Event("u1", "signed_up", {"plan": "pro"}))
    finally:
        client.close()
    return [dict(trigger), dict(event)]


def record(
    cassette: Path, hub: Sandbox, mode: RecordMode = "once"
) -> tuple[list[dict[str, Any]], ReplayTransport]:
    recorder = ReplayTransport(
        cassette, mode=mode, inner=Urllib3Transport(), secrets=[hub.credentials.workspace_secret]
    )
    results = exercise(
        recorder.client(hub.credentials.workspace_key, hub.credentials.workspace_secret, hub.url)
    )
    recorder.close()
    return results, recorder


def sent_keys(cassette: Path) -> list[str]:
    document = json.loads(cassette.read_text(encoding="utf-8"))
    return [
        i["request"]["body"].get("$idempotency_key") or i["request"]["body"]["$insert_id"]
        for i in document["interactions"]
    ]


def test_a_default_client_with_the_cassette_ids_replays_a_trigger_and_an_event(tmp_path: Path) -> None:
    cassette = tmp_path / "ids.json"
    with Sandbox() as hub:
        recorded, _ = record(cassette, hub)
        assert [result["status_code"] for result in recorded] == [202, 202]
        key, secret = hub.credentials.workspace_key, hub.credentials.workspace_secret
        with network_blocked():
            player = ReplayTransport(cassette, mode="none")
            through_helper = exercise(player.client(key, secret, UNUSED_URL))
            again = ReplayTransport(cassette, mode="none")
            through_options = exercise(
                Suprsend(key, secret, UNUSED_URL, transport=again, id_factory=again.id_factory)
            )
        assert len(hub.requests()) == len(recorded)  # replays reached nothing
    assert through_helper == recorded
    assert through_options == recorded
    assert (player.unmatched, again.unmatched) == ([], [])


def test_without_the_cassette_ids_a_trigger_does_not_replay_and_the_error_says_why(tmp_path: Path) -> None:
    cassette = tmp_path / "ids.json"
    with Sandbox() as hub:
        record(cassette, hub)
        with network_blocked():
            player = ReplayTransport(cassette, mode="none")
            client = Suprsend(
                hub.credentials.workspace_key, hub.credentials.workspace_secret, transport=player
            )
            with pytest.raises(UnmatchedRequestError) as caught:
                client.workflows.trigger(
                    WorkflowTriggerRequest(body={"workflow": "welcome", "recipients": ["u1"], "data": {}})
                )
    message = str(caught.value)
    assert "body differs: $idempotency_key" in message
    assert "id_factory=<transport>.id_factory" in message


def test_ids_are_stable_per_recording_and_fresh_for_a_new_one(tmp_path: Path) -> None:
    with Sandbox() as hub:
        record(tmp_path / "first.json", hub)
        first = sent_keys(tmp_path / "first.json")
        record(tmp_path / "second.json", hub)
        record(tmp_path / "first.json", hub, mode="all")  # re-recorded: a live hub must not dedupe it
        rerecorded = sent_keys(tmp_path / "first.json")
        second = sent_keys(tmp_path / "second.json")
    assert len(set(first + second + rerecorded)) == len(first) * 3
    seed = json.loads((tmp_path / "first.json").read_text(encoding="utf-8"))["id_seed"]
    replayed = CassetteIds(seed)
    assert [replayed() for _ in rerecorded] == rerecorded


def test_a_cassette_saved_without_a_seed_still_loads_and_gets_one_when_recorded_to(tmp_path: Path) -> None:
    cassette = tmp_path / "old.json"
    save_cassette(cassette, [])
    assert "id_seed" not in json.loads(cassette.read_text(encoding="utf-8"))
    with Sandbox() as hub:
        record(cassette, hub, mode="new_episodes")
    assert json.loads(cassette.read_text(encoding="utf-8"))["id_seed"]
