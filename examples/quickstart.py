"""The original SDK's README, end to end, with only the import changed.

Run by `make demo` against the local sandbox hub; the hub's URL and credentials come from the environment
(SUPRSEND_BASE_URL, SUPRSEND_WORKSPACE_KEY, SUPRSEND_WORKSPACE_SECRET), as they would in production.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

from suprsend_typed import BulkResponse, Event, Suprsend, Workflow, WorkflowTriggerRequest

ASSETS = Path(__file__).resolve().parent / "assets"


def show(title: str, response: Mapping[str, object] | BulkResponse) -> bool:
    ok = bool(response["success"]) if isinstance(response, Mapping) else response.failure == 0
    print(f"{'ok  ' if ok else 'FAIL'} {title}: {response}")
    return ok


def main() -> int:
    supr_client = Suprsend()  # credentials and base URL from the environment
    results: list[bool] = []

    # Trigger a workflow with an attachment.
    wf = WorkflowTriggerRequest(
        body={
            "workflow": "purchase-made",
            "recipients": [
                {
                    "distinct_id": "0f988f74-6982-41c5-8752-facb6911fb08",
                    "$email": ["user@example.com"],
                    "$androidpush": [{"token": "__android_push_token__", "provider": "fcm", "device_id": ""}],
                }
            ],
            "data": {"first_name": "User", "spend_amount": "$10"},
        }
    )
    wf.add_attachment(str(ASSETS / "billing.pdf"))
    results.append(show("workflow with attachment", supr_client.workflows.trigger(wf)))

    # An idempotent trigger, sent twice: the hub processes it once.
    body = {"workflow": "purchase-made", "recipients": ["0f988f74-6982-41c5-8752-facb6911fb08"], "data": {}}
    for attempt in (1, 2):
        wf = WorkflowTriggerRequest(body=body, idempotency_key="order-1001", tenant_id="default")
        results.append(show(f"idempotent trigger #{attempt}", supr_client.workflows.trigger(wf)))

    # A legacy workflow with a delay and smart delivery.
    legacy = Workflow(
        body={
            "name": "Purchase Workflow",
            "template": "purchase-made",
            "notification_category": "transactional",
            "delay": "15m",
            "delivery": {"smart": True, "success": "seen", "time_to_live": "1h"},
            "users": [
                {"distinct_id": "0f988f74-6982-41c5-8752-facb6911fb08", "$email": ["user@example.com"]}
            ],
            "data": {"first_name": "User"},
        }
    )
    results.append(show("legacy workflow", supr_client.trigger_workflow(legacy)))

    # Bulk workflows.
    bulk_wf = supr_client.workflows.bulk_trigger_instance()
    for i in range(250):
        bulk_wf.append(
            WorkflowTriggerRequest(
                body={"workflow": "purchase-made", "recipients": [f"user-{i}"], "data": {"i": i}}
            )
        )
    results.append(show("bulk workflows (250)", bulk_wf.trigger()))

    # User profile channels.
    user = supr_client.users.get_edit_instance(distinct_id="__uniq_user_id__")
    user.add_email("user@example.com")
    user.add_sms("+919999999999")
    user.add_androidpush("__android_push_xiaomi_token__", provider="xiaomi")
    user.add_slack({"email": "user@example.com", "access_token": "xoxb-XXXXXXXXXXXX"})
    user.set_preferred_language("en")
    user.set_timezone("America/Los_Angeles")
    results.append(show("user profile (async edit)", supr_client.users.async_edit(user)))

    # Bulk users.
    bulk_users = supr_client.bulk_users.new_instance()
    for i in range(3):
        u = supr_client.user.get_instance(f"distinct_id_{i}")
        u.set_email(f"u{i}@example.com")
        bulk_users.append(u)
    results.append(show("bulk users (3)", bulk_users.save()))

    # An event, then bulk events, then a stream of events.
    event = Event("__uniq_user_id__", "product_purchased", {"amount": 10}, idempotency_key="evt-1")
    results.append(show("event", supr_client.track_event(event)))
    bulk_events = supr_client.bulk_events.new_instance()
    bulk_events.append(
        Event("distinct_id1", "event_name1", {"k1": "v1"}), Event("distinct_id2", "event_name2")
    )
    results.append(show("bulk events (2)", bulk_events.trigger()))

    def stream() -> Iterator[Event]:
        for i in range(1000):
            yield Event(f"user-{i}", "order_shipped", {"order": i})

    results.append(show("streamed events (1000)", supr_client.bulk_events.stream(stream(), concurrency=4)))
    supr_client.close()
    return 0 if all(results) else 1


if __name__ == "__main__":
    sys.exit(main())
