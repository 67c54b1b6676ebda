"""Record against the sandbox over real sockets, then replay with the network blocked: same results."""

from __future__ import annotations

import json
from pathlib import Path

from suprsend_typed._http import Response
from suprsend_typed._urllib3_transport import Urllib3Transport
from suprsend_typed.replay import ReplayTransport
from suprsend_typed.sandbox import Fault, Sandbox

from .conftest import network_blocked, signed_sender

UNUSED_URL = "http://127.0.0.1:9/"  # nothing listens there; replay must never try

EXCHANGES = [
    ("POST", "trigger/", json.dumps({"workflow": "w", "recipients": ["u1"], "data": {"n": "Zoë"}}).encode()),
    (
        "POST",
        "v2/bulk/event/",
        json.dumps([{"$insert_id": "i1", "event": "e"}, {"$insert_id": "i2"}]).encode(),
    ),
    ("GET", "v1/message/?limit=5", b""),
    ("POST", "trigger/", b"{broken json"),
]


def outcome(response: Response) -> tuple[int, dict[str, str], bytes]:
    return response.status_code, dict(response.headers.items_list()), response.content


def run(transport: ReplayTransport, base_url: str, hub: Sandbox) -> list[tuple[int, dict[str, str], bytes]]:
    send = signed_sender(transport, base_url, hub)
    return [outcome(send(method, path, content)) for method, path, content in EXCHANGES]


def test_replay_with_network_blocked_gives_identical_results(hub: Sandbox, tmp_path: Path) -> None:
    cassette = tmp_path / "round_trip.json"
    secret = hub.credentials.workspace_secret
    recorder = ReplayTransport(cassette, mode="once", inner=Urllib3Transport(), secrets=[secret])
    recorded = run(recorder, hub.url, hub)
    recorder.close()
    assert [status for status, _, _ in recorded] == [202, 207, 200, 400]
    assert len(hub.requests()) == len(EXCHANGES)

    with network_blocked():
        player = ReplayTransport(cassette, mode="none")
        replayed = run(player, UNUSED_URL, hub)
    assert replayed == recorded
    assert player.play_count == len(EXCHANGES)
    assert len(hub.requests()) == len(EXCHANGES)  # nothing more reached the hub


def test_faults_and_retries_replay_in_recorded_order(hub: Sandbox, tmp_path: Path) -> None:
    hub.faults.add(Fault(kind="status", status=503), at=[0])
    cassette = tmp_path / "retry.json"
    recorder = ReplayTransport(cassette, mode="once", inner=Urllib3Transport())
    method, path, content = EXCHANGES[0]
    send = signed_sender(recorder, hub.url, hub)
    first, second = send(method, path, content), send(method, path, content)
    recorder.close()
    assert (first.status_code, second.status_code) == (503, 202)
    with network_blocked():
        player = ReplayTransport(cassette, mode="none")
        replay_send = signed_sender(player, UNUSED_URL, hub)
        assert [replay_send(method, path, content).status_code for _ in range(2)] == [503, 202]
