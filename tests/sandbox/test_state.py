"""The sandbox's state behaves like the hub's: list versions, broadcasts, messages and their pages, run
cancellation, preferences (user, object, tenant, bulk), merges, tenant-scoped profiles and templates, read
back through the generated parsers; and the demo's lifecycle runs against it."""

from __future__ import annotations

import importlib.util
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from suprsend_typed._generated.operations import OPERATIONS
from suprsend_typed.sandbox import Sandbox

from .contract import Contract

LIFECYCLE = Path(__file__).resolve().parents[2] / "examples" / "lifecycle.py"
SEED = {
    "preference_categories": [{"category": "digest", "name": "Digest", "default_preference": "opt_in"}],
    "templates": [{"slug": "welcome", "name": "Welcome", "channels": ["email"]}],
}


@pytest.fixture
def state() -> Iterator[Contract]:
    with Sandbox(seed=SEED) as sandbox:
        sender = Contract(sandbox)
        yield sender
        sender.close()


def _members(state: Contract, list_id: str) -> list[str]:
    page = state.call("list_subscriber_list_members", {"list_id": list_id})
    return [item["distinct_id"] for item in page["results"]]


def _broadcast(state: Contract, list_id: str) -> Any:
    body = {
        "$insert_id": str(uuid.uuid4()),
        "$time": int(time.time() * 1000),
        "list_id": list_id,
        "template": "welcome",
        "notification_category": "digest",
        "data": {},
    }
    return state.call("broadcast_to_list", {"workspace": state.sandbox.credentials.workspace_key}, body)


def test_a_finished_sync_replaces_the_members_and_a_broadcast_reaches_them(state: Contract) -> None:
    state.call("create_subscriber_list", {}, {"list_id": "l1"})
    state.call("add_subscribers", {"list_id": "l1"}, {"distinct_ids": ["old1", "old2"]})
    version = state.call("start_subscriber_list_sync", {"list_id": "l1"})["version_id"]
    in_version = {"list_id": "l1", "version_id": version}
    state.call("add_subscribers_to_version", in_version, {"distinct_ids": ["new1", "new2", "new3"]})
    state.call("remove_subscribers_from_version", in_version, {"distinct_ids": ["new3"]})
    assert _members(state, "l1") == ["old1", "old2"]  # the version is not live before it finishes
    state.call("finish_subscriber_list_sync", in_version)
    assert _members(state, "l1") == ["new1", "new2"]
    _broadcast(state, "l1")
    messages = state.call("list_messages", {})["results"]
    assert sorted(m["recipient"]["distinct_id"] for m in messages) == ["new1", "new2"]
    assert {m["category"] for m in messages} == {"digest"} and len({m["execution_id"] for m in messages}) == 1


def _messages(state: Contract, **query: str) -> Any:
    op = OPERATIONS["list_messages"]
    return state.parse(op, state.send(op, {}, None, query)).to_dict()


def test_messages_filter_page_by_cursor_and_are_cancelled_by_run(state: Contract) -> None:
    recipients = [f"u{n}" for n in range(5)]
    answer = state.call("trigger_workflow", {}, {"workflow": "w1", "recipients": recipients, "data": {}})
    state.call(
        "trigger_workflow", {}, {"workflow": "w2", "recipients": ["u0"], "data": {}, "$idempotency_key": "k2"}
    )
    page = _messages(state, workflow_slug="w1", limit="2")
    assert page["meta"]["has_next"] and [m["recipient"]["distinct_id"] for m in page["results"]] == [
        "u0",
        "u1",
    ]
    second = _messages(state, workflow_slug="w1", limit="2", after=page["meta"]["after"])
    assert [m["recipient"]["distinct_id"] for m in second["results"]] == ["u2", "u3"] and second["meta"][
        "has_prev"
    ]
    cancelled = state.call("cancel_workflow_run", {}, {"execution_id": answer["message_id"]})
    assert cancelled["execution_ids"] == [answer["message_id"]]
    assert len(_messages(state, limit="20", **{"status[]": "not_to_be_triggered"})["results"]) == 5
    by_key = state.call("cancel_workflow_run", {}, {"idempotency_key": "k2"})
    assert len(by_key["execution_ids"]) == 1
    assert len(_messages(state, limit="20", **{"status[]": "not_to_be_triggered"})["results"]) == 6


def test_preference_reads_reflect_the_writes_before_them(state: Contract) -> None:
    user = {"distinct_id": "ann"}
    state.call("upsert_user", user, {"name": "Ann"})
    categories = state.call("list_user_category_preferences", user)["results"]
    assert {item["category"] for item in categories} >= {"transactional", "newsletter", "digest"}
    changed = state.call(
        "update_user_category_preference",
        {**user, "category": "digest"},
        {"preference": "opt_out", "opt_out_channels": ["email"]},
    )
    assert changed["preference"] == "opt_out"
    read = state.call("get_user_category_preference", {**user, "category": "digest"})
    assert read["preference"] == "opt_out" and read["channels"][0]["channel"] == "email"
    refused = state.send(
        OPERATIONS["update_user_category_preference"],
        {**user, "category": "transactional"},
        {"preference": "opt_out"},
    )
    assert refused.status_code == 400
    state.call(
        "update_user_channel_preferences",
        user,
        {"channel_preferences": [{"channel": "sms", "is_restricted": True}]},
    )
    full = state.call("get_user_full_preference", user)
    assert full["channel_preferences"] == [{"channel": "sms", "is_restricted": True}]
    state.call("reset_user_preferences", {}, {"distinct_ids": ["ann"]})
    assert (
        state.call("get_user_category_preference", {**user, "category": "digest"})["preference"] == "opt_in"
    )
    state.call(
        "bulk_update_user_preferences",
        {},
        {"distinct_ids": ["ann", "bob"], "categories": [{"category": "digest", "preference": "opt_out"}]},
    )
    bob = state.call("get_user_category_preference", {"distinct_id": "bob", "category": "digest"})
    assert bob["preference"] == "opt_out"


def test_tenant_and_object_preferences(state: Contract) -> None:
    state.call("upsert_tenant", {"tenant_id": "acme"}, {"tenant_name": "Acme"})
    tenant_category = {"tenant_id": "acme", "category": "digest"}
    state.call(
        "update_tenant_category", tenant_category, {"preference": "opt_out", "blocked_channels": ["sms"]}
    )
    assert state.call("get_tenant_category", tenant_category)["blocked_channels"] == ["sms"]
    scoped = state.send(
        OPERATIONS["get_user_category_preference"],
        {"distinct_id": "ann", "category": "digest"},
        None,
        {"tenant_id": "acme"},
    )
    assert state.parse(OPERATIONS["get_user_category_preference"], scoped).original_preference == "opt_out"
    team = {"object_type": "team", "object_id": "t1"}
    state.call("upsert_object", team, {"name": "Team"})
    state.call("update_object_category_preference", {**team, "category": "digest"}, {"preference": "opt_out"})
    assert (
        state.call("get_object_category_preference", {**team, "category": "digest"})["preference"]
        == "opt_out"
    )


def test_merge_tenant_profiles_subscriptions_and_templates(state: Contract) -> None:
    state.call("upsert_user", {"distinct_id": "a"}, {"name": "A"})
    state.call("upsert_user", {"distinct_id": "b"}, {"$email": ["b@example.com"], "plan": "pro"})
    merged = state.call("merge_users", {"distinct_id": "a"}, {"from_user_id": "b"})
    assert (
        merged["properties"] == {"name": "A", "plan": "pro"}
        and merged["$email"][0]["value"] == "b@example.com"
    )
    assert state.send(OPERATIONS["get_user"], {"distinct_id": "b"}, None).status_code == 404
    state.call("upsert_tenant", {"tenant_id": "acme"}, {"tenant_name": "Acme"})
    scoped = {"distinct_id": "a", "tenant_id": "acme"}
    state.call("upsert_user_for_tenant", scoped, {"name": "A at Acme"})
    assert state.call("get_user_for_tenant", scoped)["properties"]["name"] == "A at Acme"
    assert state.call("get_user", {"distinct_id": "a"})["properties"]["name"] == "A"
    tenants = state.call("list_user_associated_tenants", {"distinct_id": "a"})["results"]
    assert [t["tenant_id"] for t in tenants] == ["acme"]
    team = {"object_type": "team", "object_id": "t1"}
    state.call("upsert_object", team, {"name": "Team"})
    state.call("create_object_subscriptions", team, {"recipients": ["a"], "properties": {"role": "admin"}})
    links = state.call("list_user_object_subscriptions", {"distinct_id": "a"})["results"]
    assert links[0]["object"]["id"] == "t1" and links[0]["properties"] == {"role": "admin"}
    assert state.call("get_object", team)["subscriptions_count"] == 1
    assert state.call("get_template_channel", {"template_slug": "welcome", "channel": "email"})["is_active"]
    assert state.call("list_templates", {})["meta"] == {"count": 1, "limit": 10, "offset": 0}


def test_the_demo_lifecycle_runs_against_the_sandbox(capsys: pytest.CaptureFixture[str]) -> None:
    spec = importlib.util.spec_from_file_location("lifecycle", LIFECYCLE)
    assert spec is not None and spec.loader is not None
    lifecycle = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(lifecycle)
    with Sandbox() as sandbox:
        lifecycle.run(sandbox.client())
    assert capsys.readouterr().out.count("ok   ") == 8
