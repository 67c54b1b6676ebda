"""The older seed surface against the official SDK over the wire: bulk legacy workflows and bulk users.

Single legacy calls (``trigger_workflow``, ``Workflow`` with attachments, ``user.get_instance().save()``,
``track``) are compared in ``test_wire.py``; this adds the bulk factories of that surface and the result
each call hands back (its keys, in order, and its printed summary).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
import suprsend
from support.capture_server import CannedResponse, CapturedRequest, CaptureServer, capture_server
from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET
from support.wire_checks import has_valid_signature, without_volatile

import suprsend_typed

ACCEPTED = 202
MULTI_STATUS = 207
FIXED_MESSAGE_ID = "m-legacy-1"
LEGACY_BODY: dict[str, Any] = {
    "name": "n1",
    "template": "t1",
    "notification_category": "transactional",
    "users": [{"distinct_id": "u1", "$email": ["a@example.com"], "$androidpush": ["tok"]}],
    "data": {"k": "v", "$attachments": [{"url": "https://x.example/y.pdf"}]},
    "delay": "1d2h",
    "delivery": {"smart": True},
}
KEYLESS_BODY: dict[str, Any] = {
    "name": "n1",
    "template": "t1",
    "notification_category": "c1",
    "users": [{"distinct_id": "u1"}],
}


def hub_answer(request: CapturedRequest) -> CannedResponse:
    """207 with one success per record for a bulk, else 202 with a fixed message id."""
    body = request.json()
    if isinstance(body, list):
        records = [
            {"status": "success", "status_code": ACCEPTED, "message_id": FIXED_MESSAGE_ID} for _ in body
        ]
        return CannedResponse(status=MULTI_STATUS, body=json.dumps({"records": records}).encode())
    return CannedResponse(status=ACCEPTED, body=json.dumps({"message_id": FIXED_MESSAGE_ID}).encode())


@pytest.fixture(scope="module")
def server() -> Iterator[CaptureServer]:
    with capture_server(hub_answer) as running:
        yield running


Scenario = Callable[[Any, Any], Any]


def bulk_legacy_workflows(sdk: Any, client: Any) -> Any:
    bulk = client.bulk_workflows.new_instance()
    bulk.append(sdk.Workflow(copy.deepcopy(LEGACY_BODY)), sdk.Workflow(copy.deepcopy(KEYLESS_BODY), "k2"))
    return bulk.trigger()


def bulk_users(sdk: Any, client: Any) -> Any:
    first = client.user.get_instance("u-9")
    first.add_email("a@example.com")
    first.add_androidpush("tok", "fcm")
    first.set("x", 1)
    first.unset("$sms")
    second = client.user.get_instance("u-10")
    second.add_sms("+15550001")
    bulk = client.bulk_users.new_instance()
    bulk.append(first, second)
    return bulk.save()


def legacy_trigger(sdk: Any, client: Any) -> Any:
    return client.trigger_workflow(sdk.Workflow(copy.deepcopy(KEYLESS_BODY), "k1", "tenant", "brand"))


def profile_save(sdk: Any, client: Any) -> Any:
    user = client.user.get_instance("u-9")
    user.add_email("a@example.com")
    return user.save()


def run(server: CaptureServer, sdk: Any, scenario: Scenario) -> tuple[Any, list[CapturedRequest]]:
    server.clear()
    if sdk is suprsend:
        client = suprsend.Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url=server.url)
        return scenario(sdk, client), server.requests
    with suprsend_typed.Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url=server.url) as ours:
        return scenario(sdk, ours), server.requests


def without_our_automatic_keys(ours: Any, theirs: Any) -> Any:
    if isinstance(ours, list):
        return [
            without_our_automatic_keys(mine, official) for mine, official in zip(ours, theirs, strict=True)
        ]
    if "$idempotency_key" in theirs:
        return ours
    return {key: value for key, value in ours.items() if key != "$idempotency_key"}


@pytest.mark.parametrize(
    "scenario", [bulk_legacy_workflows, bulk_users, legacy_trigger, profile_save], ids=lambda s: s.__name__
)
def test_same_requests_and_result(server: CaptureServer, scenario: Scenario) -> None:
    official_result, official_requests = run(server, suprsend, scenario)
    our_result, our_requests = run(server, suprsend_typed, scenario)
    assert len(our_requests) == len(official_requests) > 0
    for theirs, mine in zip(official_requests, our_requests, strict=True):
        assert (mine.method, mine.path) == (theirs.method, theirs.path)
        official_body = without_volatile(theirs.json())
        assert without_our_automatic_keys(without_volatile(mine.json()), official_body) == official_body
        assert has_valid_signature(mine, WORKSPACE_KEY, WORKSPACE_SECRET)
        assert has_valid_signature(theirs, WORKSPACE_KEY, WORKSPACE_SECRET)
    if isinstance(official_result, dict):
        assert list(our_result) == list(official_result)
        assert dict(our_result) == official_result
    else:
        assert str(our_result) == str(official_result)
