"""The official call forms by keyword: every call of the differential tables, each argument passed by its
official name (``tenants.upsert(tenant_id=..., tenant_payload=...)``), sends the same request and returns
the same result with both SDKs. That every official signature binds on ours with the official names and
defaults is checked for the whole official surface in ``test_official_surface.py``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from typing import Any

import pytest
import suprsend
from support.capture_server import capture_server

from suprsend_typed import Event, SubscriberListBroadcast, Workflow, WorkflowTriggerRequest

from . import test_official_calls_a as calls_a
from . import test_official_calls_b as calls_b
from .keyword_forms import KeywordCalls, by_keyword


@pytest.fixture(scope="module")
def pair_a() -> Iterator[calls_a.Pair]:
    with capture_server() as server:
        clients = calls_a.Pair(server)
        yield clients
        clients.ours.close()


@pytest.fixture(scope="module")
def pair_b() -> Iterator[calls_b.Pair]:
    hub = calls_b.Hub()
    with capture_server(hub) as server:
        yield calls_b.Pair(server, hub)


TABLE_A = {**calls_a._calls("ü @/1", "t 1", {"xé": "日"}), **calls_a._unstripped_calls("ü @/1", "cat/é")}


@pytest.mark.parametrize("name", sorted(TABLE_A))
def test_calls_of_users_tenants_brands_messages_by_keyword(pair_a: calls_a.Pair, name: str) -> None:
    call, answer = TABLE_A[name]
    counted = KeywordCalls()
    pair_a.answer(200, answer)
    pair_a.compare(lambda client: call(by_keyword(client, counted)))
    assert counted.count >= 1


@pytest.mark.parametrize("name", calls_b.NAMES)
def test_calls_of_objects_and_subscriber_lists_by_keyword(pair_b: calls_b.Pair, name: str) -> None:
    call, probe = calls_b._calls(*calls_b.FIXED_IDS)[name]
    counted = KeywordCalls()

    def keyworded(side: calls_b.Side) -> Any:
        return call(calls_b.Side(by_keyword(side.client, counted), side.broadcast))

    theirs, _ = pair_b.compare(keyworded, probe=probe)
    assert theirs.error is None
    assert counted.count >= 1


def test_seed_calls_by_keyword(pair_a: calls_a.Pair) -> None:
    """The calls that take a builder, each with its official keyword."""
    body = {"workflow": "wf-é", "recipients": ["ü-1"], "data": {"k": "v"}}
    legacy = {
        "name": "wf",
        "template": "welcome-mail",
        "notification_category": "system",
        "users": [{"distinct_id": "u"}],
    }
    pair_a.answer(202, {"message_id": "m-ü"})
    forms: list[tuple[Any, Any]] = [
        (
            lambda c: c.workflows.trigger(workflow=suprsend.WorkflowTriggerRequest(copy.deepcopy(body))),
            lambda c: c.workflows.trigger(workflow=WorkflowTriggerRequest(copy.deepcopy(body))),
        ),
        (
            lambda c: c.trigger_workflow(data=suprsend.Workflow(copy.deepcopy(legacy))),
            lambda c: c.trigger_workflow(data=Workflow(copy.deepcopy(legacy))),
        ),
        (
            lambda c: c.track_event(event=suprsend.Event("u-ü", "ordered", {"n": 1})),
            lambda c: c.track_event(event=Event("u-ü", "ordered", {"n": 1})),
        ),
        (
            lambda c: c.subscriber_lists.broadcast(
                broadcast_instance=suprsend.SubscriberListBroadcast(copy.deepcopy(calls_b.BROADCAST_BODY))
            ),
            lambda c: c.subscriber_lists.broadcast(
                broadcast_instance=SubscriberListBroadcast(copy.deepcopy(calls_b.BROADCAST_BODY))
            ),
        ),
        (
            lambda c: c.users.async_edit(edit_instance=calls_a._edit_instance(c, "ü @/1")),
            lambda c: c.users.async_edit(edit_instance=calls_a._edit_instance(c, "ü @/1")),
        ),
    ]
    for official_call, our_call in forms:
        theirs, official_requests = pair_a.capture(official_call, pair_a.official)
        ours, our_requests = pair_a.capture(our_call, pair_a.ours)
        calls_a.assert_same_requests(official_requests, our_requests)
        assert not isinstance(theirs, BaseException), theirs
        assert dict(ours)["success"] is theirs["success"] is True
        assert dict(ours)["status_code"] == theirs["status_code"]


@pytest.mark.parametrize(
    "call",
    [
        lambda c: c.objects.get(object_type="  ", object_id="o1"),
        lambda c: c.objects.get(object_type="teams", object_id=7),
        lambda c: c.objects.get_category_preference(object_type=None, object_id="o1", category=" "),
        lambda c: c.objects.bulk_delete(object_type=None, payload={"object_ids": ["o1"]}),
        lambda c: c.subscriber_lists.get(list_id=7),
        lambda c: c.subscriber_lists.get_version(list_id="l1", version_id="  "),
        lambda c: c.subscriber_lists.add(list_id="l1", distinct_ids="u1"),
        lambda c: c.subscriber_lists.remove_from_version(list_id=" ", version_id="v", distinct_ids=[]),
    ],
)
def test_ids_given_by_keyword_are_checked_with_the_official_messages(pair_b: calls_b.Pair, call: Any) -> None:
    theirs, mine = pair_b.compare(lambda side: call(side.client))
    assert theirs.error is not None and mine.error is not None
    assert str(mine.error) == str(theirs.error)


def test_an_empty_list_by_keyword_sends_nothing(pair_b: calls_b.Pair) -> None:
    theirs, mine = pair_b.compare(
        lambda side: side.client.subscriber_lists.add_to_version(
            list_id="l1", version_id=" ", distinct_ids=[]
        )
    )
    assert theirs.requests == mine.requests == []
    assert mine.result == theirs.result == {"success": True}
