"""The whole seed API (the original README's calls) against the sandbox, over real sockets.

Every request must be verified (signature, date, body MD5) and accepted; the sandbox's records must match
what was sent, record for record.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from suprsend_typed._client import Suprsend
from suprsend_typed._event import Event
from suprsend_typed._workflow import Workflow, WorkflowTriggerRequest
from suprsend_typed.sandbox import DEFAULT_API_KEY, Fault, Sandbox

USER = "0f988f74-6982-41c5-8752-facb6911fb08"


@pytest.fixture
def hub() -> Iterator[Sandbox]:
    with Sandbox() as running:
        yield running


@pytest.fixture
def client(hub: Sandbox) -> Iterator[Suprsend]:
    supr_client = hub.client()
    yield supr_client
    supr_client.close()


def assert_all_verified(hub: Sandbox) -> None:
    refused = [
        (r["method"], r["path"], r["status"], r["error"])
        for r in hub.requests()
        if r["outcome"] != "accepted"
    ]
    assert refused == []
    assert all(r["auth"] in ("hmac", "bearer") for r in hub.requests())


def test_workflows_with_attachment_idempotency_and_legacy(
    client: Suprsend, hub: Sandbox, tmp_path: Path
) -> None:
    attachment = tmp_path / "bill.txt"
    attachment.write_text("total: 10")
    wf = WorkflowTriggerRequest(
        body={"workflow": "purchase-made", "recipients": [USER], "data": {"amount": 10}}
    )
    wf.add_attachment(str(attachment))
    assert client.workflows.trigger(wf)["success"]
    body = {"workflow": "purchase-made", "recipients": [USER], "data": {}}
    first = client.workflows.trigger(WorkflowTriggerRequest(body=body, idempotency_key="order-1"))
    again = client.workflows.trigger(WorkflowTriggerRequest(body=body, idempotency_key="order-1"))
    assert first["success"] and again["success"] and first["message"] == again["message"]
    legacy = Workflow(
        body={
            "name": "Purchase Workflow",
            "template": "purchase-made",
            "notification_category": "transactional",
            "users": [{"distinct_id": USER, "$email": ["user@example.com"]}],
            "data": {},
        }
    )
    assert client.trigger_workflow(legacy)["status_code"] == 202
    assert_all_verified(hub)
    [with_file, *_] = hub.records("workflow_trigger")
    assert with_file["body"]["data"]["$attachments"][0]["filename"] == "bill.txt"
    assert hub.counts()["duplicate"] == 1
    assert len(hub.records("legacy_workflow", "accepted")) == 1


def test_bulk_workflows_and_events_arrive_record_for_record(client: Suprsend, hub: Sandbox) -> None:
    bulk_wf = client.workflows.bulk_trigger_instance()
    for i in range(250):
        bulk_wf.append(
            WorkflowTriggerRequest(body={"workflow": "w", "recipients": [f"user-{i}"], "data": {"i": i}})
        )
    assert bulk_wf.trigger().success == 250
    bulk_events = client.bulk_events.new_instance()
    bulk_events.append(*(Event(f"user-{i}", "order_shipped", {"order": i}) for i in range(150)))
    assert bulk_events.trigger().success == 150
    assert client.track_event(Event(USER, "product_purchased", {"amount": 10}))["success"]
    assert_all_verified(hub)
    triggers = hub.records("workflow_trigger", "accepted")
    # Chunks of workflow runs go side by side by default, so they may reach the hub in any order.
    assert sorted(r["body"]["data"]["i"] for r in triggers) == list(range(250))
    assert len(hub.records("event", "accepted")) == 151
    assert len({r["insert_id"] for r in hub.records("event")}) == 151


def test_user_profiles_sync_async_and_bulk(client: Suprsend, hub: Sandbox) -> None:
    user = client.users.get_edit_instance(distinct_id="u-1")
    user.add_email("user@example.com")
    user.add_sms("+919999999999")
    user.set_preferred_language("en")
    assert client.users.async_edit(user)["success"]
    edited = client.users.get_edit_instance(distinct_id="u-2")
    edited.set("plan", "pro")
    profile = client.users.edit(edited)
    assert profile["properties"]["plan"] == "pro"
    bulk_users = client.bulk_users.new_instance()
    for i in range(3):
        one = client.user.get_instance(f"distinct_id_{i}")
        one.set_email(f"u{i}@example.com") if hasattr(one, "set_email") else one.add_email(
            f"u{i}@example.com"
        )
        bulk_users.append(one)
    assert bulk_users.save().success == 3
    assert_all_verified(hub)
    assert len(hub.records("identity_event", "accepted")) == 4
    stored = hub.store.profile("u-1")
    assert stored is not None
    assert stored["properties"] == {"$preferred_language": "en"}
    active = {"status": "active", "perma_status": "active"}
    assert stored["$email"] == [{"value": "user@example.com", **active}]
    assert stored["$sms"] == [{"value": "+919999999999", **active}]


def test_messages_list_and_bulk_update(client: Suprsend, hub: Sandbox) -> None:
    result = client.workflows.trigger(
        WorkflowTriggerRequest(body={"workflow": "w", "recipients": [USER], "data": {}})
    )
    page = client.messages.list({"recipient_id": USER, "limit": 10})
    assert [m["message_id"] for m in page["results"]] == [result["message"]]
    update = client.messages.bulk_update([{"message_id": result["message"], "action": "read"}])
    assert update["records"][0]["status_code"] == 202
    assert client.messages.list({"status": "read"})["meta"]["count"] == 1
    assert_all_verified(hub)


def test_bearer_client_is_accepted(hub: Sandbox) -> None:
    client = Suprsend.with_workspace_api_key(hub.credentials.workspace_key, DEFAULT_API_KEY, base_url=hub.url)
    assert client.track_event(Event(USER, "signed_up"))["success"]
    client.close()
    assert [r["auth"] for r in hub.requests()] == ["bearer"]


def test_retries_through_faults_deliver_each_record_once(hub: Sandbox) -> None:
    client = hub.client(max_retries=3)
    hub.faults.add(Fault(kind="status", status=503), at=[0])
    hub.faults.add(Fault(kind="rate_limit", retry_after=0), at=[1])
    hub.faults.add(Fault(kind="drop_after"), at=[2])
    bulk_events = client.bulk_events.new_instance()
    bulk_events.append(*(Event(f"user-{i}", "order_shipped") for i in range(10)))
    assert bulk_events.trigger().success == 10
    client.close()
    counts = hub.counts()
    assert (counts["accepted"], counts["duplicate"]) == (10, 10)  # the dropped answer's retry was a duplicate
    assert [r["outcome"] for r in hub.requests()] == ["fault", "fault", "dropped", "accepted"]
