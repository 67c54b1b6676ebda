"""Faults on demand: statuses, 429 with Retry-After, dropped connections, latency; by index or seeded rate."""

from __future__ import annotations

import pytest

from suprsend_typed._errors import APIConnectionError, APITimeoutError
from suprsend_typed._http import Timeout
from suprsend_typed.sandbox import FAULT_KINDS, Fault, FaultInjector, Sandbox
from suprsend_typed.sandbox.faults import add_random_faults

from .wire import Wire

TRIGGER = {"workflow": "welcome", "recipients": ["u1"], "data": {}}


def test_status_fault_hits_only_the_chosen_request_indices(wire: Wire, hub: Sandbox) -> None:
    hub.faults.add(Fault(kind="status", status=500), at=[1, 2])
    statuses = [wire.send("POST", "trigger/", TRIGGER).status_code for _ in range(4)]
    assert statuses == [202, 500, 500, 202]
    assert [r["outcome"] for r in hub.requests()] == ["accepted", "fault", "fault", "accepted"]
    assert hub.requests()[1]["fault"] == "status 500"
    assert hub.counts()["accepted"] == 2


def test_rate_limit_fault_answers_429_with_retry_after(wire: Wire, hub: Sandbox) -> None:
    hub.faults.add(Fault(kind="rate_limit", retry_after=3), at=[0])
    response = wire.send("POST", "trigger/", TRIGGER)
    assert (response.status_code, response.headers["Retry-After"]) == (429, "3")
    assert response.json()["message"] == "injected fault: 429 retry-after 3"


def test_drop_before_processing_closes_without_answer_and_records_nothing(wire: Wire, hub: Sandbox) -> None:
    hub.faults.add(Fault(kind="drop_before"), at=[0])
    with pytest.raises(APIConnectionError):
        wire.send("POST", "trigger/", TRIGGER)
    assert [(r["outcome"], r["status"]) for r in hub.requests()] == [("dropped", None)]
    assert hub.records() == []


def test_drop_after_processing_records_the_request_but_sends_no_answer(wire: Wire, hub: Sandbox) -> None:
    hub.faults.add(Fault(kind="drop_after"), at=[0])
    with pytest.raises(APIConnectionError):
        wire.send("POST", "trigger/", TRIGGER)
    assert [r["status"] for r in hub.records()] == ["accepted"]
    [dropped] = hub.requests()
    assert (dropped["outcome"], dropped["fault"], dropped["status"]) == ("dropped", "drop after", 202)
    assert hub.counts()["requests_dropped"] == 1
    assert wire.send("POST", "trigger/", TRIGGER).status_code == 202


def test_latency_fault_delays_the_answer_past_a_short_read_timeout(wire: Wire, hub: Sandbox) -> None:
    hub.faults.add(Fault(kind="latency", latency_s=0.5), at=[0])
    request = wire.request("POST", "trigger/", TRIGGER)
    with pytest.raises(APITimeoutError):
        wire.transport.send(request, timeout=Timeout(connect=1.0, read=0.05))
    hub.stop()  # waits for the delayed request, which is then processed and stored as usual
    assert [(r["position"], r["outcome"], r["fault"]) for r in hub.requests()] == [
        (0, "accepted", "latency 0.5s")
    ]


def test_rate_faults_are_reproducible_from_the_seed() -> None:
    def fired(seed: int) -> list[int]:
        injector = FaultInjector(seed)
        injector.add(Fault(kind="status"), rate=0.3)
        return [i for i in range(200) if injector.pick(i, "/trigger/") is not None]

    assert fired(7) == fired(7)
    assert fired(7) != fired(8)
    assert 20 < len(fired(7)) < 100


def test_times_and_path_prefix_limit_a_rule(wire: Wire, hub: Sandbox) -> None:
    hub.faults.add(Fault(kind="status", status=502), rate=1.0, path_prefix="/v2/", times=1)
    event = {"event": "e"}
    assert wire.send("POST", "trigger/", TRIGGER).status_code == 202
    assert wire.send("POST", "v2/event/", event).status_code == 502
    assert wire.send("POST", "v2/event/", event).status_code == 202


def test_faults_are_controlled_over_http(wire: Wire, hub: Sandbox) -> None:
    added = wire.send("POST", "_sandbox/faults", {"kind": "status", "status": 503, "at": [1]})
    assert added.status_code == 201
    assert wire.send("GET", "_sandbox/faults").json()[0]["fault"]["status"] == 503
    assert [wire.send("POST", "trigger/", TRIGGER).status_code for _ in range(2)] == [202, 503]
    wire.send("DELETE", "_sandbox/faults")
    assert hub.faults.rules() == []
    refused = wire.send("POST", "_sandbox/faults", {"kind": "explode", "at": [0]})
    assert refused.status_code == 400
    assert "fault kind must be one of" in refused.json()["message"]


@pytest.mark.parametrize(
    "document",
    [
        {"kind": "status"},
        {"kind": "status", "at": [0], "rate": 0.5},
        {"kind": "status", "rate": 2},
        {"oops": 1},
        # Fields of the wrong type or range: accepted before, they then broke every request they met.
        {"kind": "status", "status": "abc", "at": [0]},
        {"kind": "status", "status": True, "at": [0]},
        {"kind": "status", "status": 1000, "at": [0]},
        {"kind": "status", "rate": "x"},
        {"kind": "status", "at": [0], "times": "x"},
        {"kind": "status", "at": [0], "times": 1.5},
        {"kind": "latency", "at": [0], "latency_s": "1"},
    ],
)
def test_ill_formed_fault_rules_are_refused(wire: Wire, hub: Sandbox, document: dict[str, object]) -> None:
    refused = wire.send("POST", "_sandbox/faults", document)
    assert refused.status_code == 400
    assert set(refused.json()) == {"code", "error_code", "type", "message", "detail"}
    assert hub.faults.rules() == []
    assert wire.send("POST", "trigger/", TRIGGER).status_code == 202


def test_random_faults_hit_the_given_share_of_requests_spread_over_the_kinds() -> None:
    injector = FaultInjector(seed=3)
    add_random_faults(injector, rate=0.4, kinds=FAULT_KINDS, latency_s=0.25)
    drawn = [injector.pick(i, "/trigger/") for i in range(10_000)]
    hit = [fault for fault in drawn if fault is not None]
    assert 3_700 < len(hit) < 4_300
    per_kind = {kind: sum(fault.kind == kind for fault in hit) for kind in FAULT_KINDS}
    assert all(650 < count < 950 for count in per_kind.values()), per_kind
    assert {fault.latency_s for fault in hit if fault.kind == "latency"} == {0.25}


def test_a_fault_rate_of_one_faults_every_request() -> None:
    injector = FaultInjector()
    add_random_faults(injector, rate=1.0, kinds=["status", "drop_after"])
    assert all(injector.pick(i, "/") is not None for i in range(500))
    with pytest.raises(ValueError, match="rate must be within"):
        add_random_faults(injector, rate=1.5, kinds=["status"])
