"""The official SDK 0.20.0, as a new user would drive it, through every namespace against the sandbox, in
HMAC mode and in Bearer mode: every call succeeds as it would against the hub, and reads (through the SDK
and the sandbox's store) show the state the writes made."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any, Final

import pytest
import suprsend as official
from suprsend import Event, WorkflowTriggerRequest
from suprsend.subscriber_list import SubscriberListBroadcast

from suprsend_typed.sandbox import DEFAULT_API_KEY, Sandbox

MODES: Final = ("hmac", "bearer")
SEED: Final = {"templates": [{"slug": "welcome", "name": "Welcome", "channels": ["email"]}]}


@pytest.fixture
def hub() -> Iterator[Sandbox]:
    with Sandbox(seed=SEED) as running:
        yield running


def official_client(hub: Sandbox, mode: str) -> Any:
    credentials = hub.credentials
    if mode == "hmac":
        return official.Suprsend(credentials.workspace_key, credentials.workspace_secret, base_url=hub.url)
    # Bearer mode: the sandbox's workspace UID is its workspace key (26 characters; the SDK needs 20).
    return official.Suprsend.with_workspace_api_key(
        credentials.workspace_key, DEFAULT_API_KEY, base_url=hub.url
    )


@pytest.mark.parametrize("mode", MODES)
def test_users_and_tenants_and_brands(hub: Sandbox, mode: str) -> None:
    sdk = official_client(hub, mode)
    assert sdk.users.upsert("ann", {"$email": ["ann@example.com"], "plan": "pro"})["distinct_id"] == "ann"
    edit = sdk.users.get_edit_instance("ann")
    edit.increment("logins", 2)
    edit.set("city", "Oslo")
    sdk.users.edit(edit)
    queued = sdk.users.get_edit_instance("ann")
    queued.append("tags", "beta")
    assert sdk.users.async_edit(queued)["success"] is True
    ann = sdk.users.get("ann")
    assert ann["properties"] == {"plan": "pro", "logins": 2, "city": "Oslo", "tags": ["beta"]}
    assert [entry["value"] for entry in ann["$email"]] == ["ann@example.com"]
    sdk.users.upsert("bob", {"plan": "free", "age": 30})
    merged = sdk.users.merge("ann", "bob")
    assert merged["properties"]["plan"] == "pro" and merged["properties"]["age"] == 30
    page = sdk.users.list({"limit": 10})
    assert [user["distinct_id"] for user in page["results"]] == ["ann"] and page["meta"]["count"] == 1

    assert sdk.tenants.get("default")["tenant_id"] == "default"
    assert sdk.tenants.upsert("acme", {"tenant_name": "Acme"})["tenant_name"] == "Acme"
    assert {t["tenant_id"] for t in sdk.tenants.list()["results"]} == {"acme", "default"}
    sdk.tenants.update_preference_category("acme", "newsletter", {"preference": "opt_in"})
    assert sdk.tenants.get_preference_category("acme", "newsletter")["preference"] == "opt_in"
    assert len(sdk.tenants.list_preference_categories("acme")["results"]) == 3
    sdk.users.upsert_for_tenant("ann", "acme", {"role": "admin"})
    assert sdk.users.get_for_tenant("ann", "acme")["properties"]["role"] == "admin"
    assert [t["tenant_id"] for t in sdk.users.list_associated_tenants("ann")["results"]] == ["acme"]
    assert sdk.users.unlink_tenant("ann", "acme")["success"] is True

    sdk.users.update_category_preference("ann", "newsletter", {"preference": "opt_in"})
    assert sdk.users.get_category_preference("ann", "newsletter")["preference"] == "opt_in"
    sdk.users.update_global_channels_preference(
        "ann", {"channel_preferences": [{"channel": "sms", "is_restricted": True}]}
    )
    channels = sdk.users.get_full_preference("ann")["channel_preferences"]
    assert channels == [{"channel": "sms", "is_restricted": True}]

    assert sdk.brands.get("default")["brand_id"] == "default"
    sdk.brands.upsert("brand-1", {"brand_name": "One"})
    assert sdk.brands.get("brand-1")["brand_name"] == "One"
    assert {b["brand_id"] for b in sdk.brands.list()["results"]} == {"brand-1", "default"}

    assert sdk.tenants.delete("acme")["success"] is True
    assert sdk.users.delete("ann")["success"] is True
    assert hub.store.profiles() == {}


@pytest.mark.parametrize("mode", MODES)
def test_objects_and_lists_and_broadcasts(hub: Sandbox, mode: str) -> None:
    sdk = official_client(hub, mode)
    sdk.users.upsert("ann", {"$email": ["ann@example.com"]})
    sdk.users.upsert("bob", {})
    assert sdk.objects.upsert("team", "t1", {"name": "Team"})["id"] == "t1"
    edit = sdk.objects.get_edit_instance("team", "t1")
    edit.set("size", 2)
    sdk.objects.edit(edit)
    assert sdk.objects.get("team", "t1")["properties"] == {"name": "Team", "size": 2}
    sdk.objects.create_subscriptions("team", "t1", {"recipients": ["ann", "bob"]})
    assert len(sdk.objects.get_subscriptions("team", "t1")["results"]) == 2
    assert [s["object"]["id"] for s in sdk.users.get_objects_subscribed_to("ann")["results"]] == ["t1"]
    sdk.objects.upsert("org", "o1", {})
    sdk.objects.create_subscriptions("org", "o1", {"recipients": [{"object_type": "team", "id": "t1"}]})
    assert [s["object"]["id"] for s in sdk.objects.get_objects_subscribed_to("team", "t1")["results"]] == [
        "o1"
    ]
    sdk.objects.update_category_preference("team", "t1", "newsletter", {"preference": "opt_in"})
    assert sdk.objects.get_category_preference("team", "t1", "newsletter")["preference"] == "opt_in"
    sdk.objects.update_global_channels_preference(
        "team", "t1", {"channel_preferences": [{"channel": "email", "is_restricted": False}]}
    )
    assert sdk.objects.get_full_preference("team", "t1")["channel_preferences"][0]["channel"] == "email"
    assert [o["id"] for o in sdk.objects.list("team")["results"]] == ["t1"]
    sdk.objects.delete_subscriptions("team", "t1", {"recipients": ["bob"]})
    assert len(sdk.objects.get_subscriptions("team", "t1")["results"]) == 1

    sdk.subscriber_lists.create({"list_id": "l1", "list_name": "List"})
    sdk.subscriber_lists.add("l1", ["ann", "bob"])
    sdk.subscriber_lists.remove("l1", ["bob"])
    assert sdk.subscriber_lists.get("l1")["subscribers_count"] == 1
    assert [item["list_id"] for item in sdk.subscriber_lists.get_all()["results"]] == ["l1"]
    assert [item["list"]["list_id"] for item in sdk.users.get_lists_subscribed_to("ann")["results"]] == ["l1"]
    version = sdk.subscriber_lists.start_sync("l1")["version_id"]
    sdk.subscriber_lists.add_to_version("l1", version, ["ann", "bob", "cat"])
    sdk.subscriber_lists.remove_from_version("l1", version, ["cat"])
    assert sdk.subscriber_lists.get_version("l1", version)["subscribers_count"] == 2
    sdk.subscriber_lists.finish_sync("l1", version)
    assert sdk.subscriber_lists.get("l1")["subscribers_count"] == 2
    broadcast = SubscriberListBroadcast(
        {"list_id": "l1", "template": "welcome", "notification_category": "transactional", "data": {}}
    )
    assert sdk.subscriber_lists.broadcast(broadcast)["success"] is True
    assert sorted(m["recipient"]["distinct_id"] for m in sdk.messages.list({"limit": 10})["results"]) == [
        "ann",
        "bob",
    ]
    spare = sdk.subscriber_lists.start_sync("l1")["version_id"]
    assert sdk.subscriber_lists.delete_version("l1", spare)["success"] is True
    assert sdk.subscriber_lists.delete("l1")["success"] is True

    assert sdk.objects.bulk_delete("org", {"object_ids": ["o1"]})["success"] is True
    assert sdk.objects.delete("team", "t1")["success"] is True
    assert sdk.users.bulk_delete({"distinct_ids": ["ann", "bob"]})["success"] is True
    assert hub.store.profiles() == {} and hub.store.entities("object:team") == {}


@pytest.mark.parametrize("mode", MODES)
def test_workflows_events_and_messages(hub: Sandbox, mode: str) -> None:
    sdk = official_client(hub, mode)
    sdk.users.upsert("ann", {"$email": ["ann@example.com"]})
    trigger = WorkflowTriggerRequest({"workflow": "welcome", "recipients": ["ann"], "data": {}})
    accepted = sdk.workflows.trigger(trigger)
    assert accepted["success"] is True and accepted["status_code"] == 202
    bulk = sdk.workflows.bulk_trigger_instance()
    bulk.append(
        WorkflowTriggerRequest({"workflow": "welcome", "recipients": ["bob"], "data": {}}),
        WorkflowTriggerRequest({"workflow": "welcome", "recipients": ["cat"], "data": {}}),
    )
    assert bulk.trigger().success == 2
    event = sdk.track_event(Event("ann", "signed_up", {"plan": "pro"}))
    assert event["success"] is True
    events = sdk.bulk_events.new_instance()
    events.append(Event("ann", "e1", {}), Event("bob", "e2", {}))
    assert events.trigger().success == 2
    assert [r["body"]["event"] for r in hub.records("event")] == ["signed_up", "e1", "e2"]

    page = sdk.messages.list({"limit": 2})
    assert page["meta"]["count"] == 3 and len(page["results"]) == 2 and page["meta"]["has_next"] is True
    first = page["results"][0]
    assert first["message_id"] == accepted["message"] and first["recipient"]["distinct_id"] == "ann"
    updated = sdk.messages.bulk_update([{"message_id": first["message_id"], "action": "read"}])
    assert updated["records"][0]["status_code"] == 202
    assert sdk.messages.list({"status[]": "read"})["results"][0]["is_read"] is True

    legacy = sdk.trigger_workflow(
        {
            "name": "legacy",
            "template": "welcome",
            "notification_category": "transactional",
            "users": [{"distinct_id": "ann", "$email": ["ann@example.com"]}],
            "data": {},
            "$insert_id": str(uuid.uuid4()),
        }
    )
    assert legacy["success"] is True
    assert len(hub.records("legacy_workflow")) == 1


@pytest.mark.parametrize("mode", MODES)
def test_errors_reach_the_official_sdk_with_their_message(hub: Sandbox, mode: str) -> None:
    sdk = official_client(hub, mode)
    with pytest.raises(official.SuprsendAPIException) as caught:
        sdk.tenants.get("nobody")
    assert "tenant 'nobody' not found" in str(caught.value) and "404" in str(caught.value)
