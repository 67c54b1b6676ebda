"""A whole lifecycle against a hub, each step checked: a tenant, a user with channels, a list and its members,
a broadcast, a preference change, the resulting messages listed, the user deleted and then a 404.

Run by `make demo` against the local sandbox hub (credentials and base URL from the SUPRSEND_* environment
variables); every step asserts what it checks and prints one line, so the script exits 0 only when every
step verified.
"""

from __future__ import annotations

import sys
import time
import uuid
from typing import Final

from suprsend_typed import NotFoundError, Suprsend

TENANT: Final = "acme"
LIST_ID: Final = "beta-testers"
CATEGORY: Final = "product-updates"  # one of the sandbox's default preference categories
USERS: Final = {
    "ann": {"$email": ["ann@example.com"], "$sms": ["+15555550100"], "name": "Ann"},
    "bob": {"$email": ["bob@example.com"], "name": "Bob"},
}
DELETED: Final = "ann"
"""The user the lifecycle deletes, whose profile read then gets a 404."""


def step(text: str) -> None:
    print(f"ok   {text}")


def run(client: Suprsend) -> None:
    """Every step of the lifecycle; an AssertionError (or an API error) names the step that failed."""
    tenant = client.tenants.upsert(TENANT, {"tenant_name": "Acme Inc", "timezone": "UTC"})
    assert tenant["tenant_name"] == "Acme Inc", tenant
    assert client.tenants.get(TENANT)["timezone"] == "UTC"
    step(f"tenant {TENANT!r} upserted and read back")

    for distinct_id, profile in USERS.items():
        client.users.upsert(distinct_id, profile)
    ann = client.users.get("ann")
    emails = [entry["value"] for entry in ann["$email"]]
    assert emails == ["ann@example.com"] and ann["properties"]["name"] == "Ann", ann
    step(f"users {sorted(USERS)} upserted; ann has channels email and sms")

    client.subscriber_lists.create({"list_id": LIST_ID, "list_name": "Beta testers"})
    client.subscriber_lists.add(LIST_ID, list(USERS))
    members = {member.distinct_id for member in client.subscriber_lists.list_subscribers(LIST_ID)}
    assert members == set(USERS), members
    assert client.subscriber_lists.get(LIST_ID)["subscribers_count"] == len(USERS)
    step(f"list {LIST_ID!r} created with members {sorted(members)}")

    broadcast = client.subscriber_lists.broadcast(
        {
            "$insert_id": str(uuid.uuid4()),
            "$time": int(time.time() * 1000),
            "list_id": LIST_ID,
            "template": "launch-announcement",
            "notification_category": CATEGORY,
            "data": {"product": "Rockets"},
            "tenant_id": TENANT,
        }
    )
    assert broadcast["message"] == "OK", broadcast
    step(f"broadcast to {LIST_ID!r} accepted")

    changed = client.users.update_category_preference("ann", CATEGORY, {"preference": "opt_out"})
    assert changed["preference"] == "opt_out", changed
    assert client.users.get_category_preference("ann", CATEGORY)["preference"] == "opt_out"
    step(f"ann opted out of {CATEGORY!r}, and a read shows it")

    messages = list(client.messages.list(category=[CATEGORY], tenant_id=TENANT))
    recipients = sorted(str(message["recipient"]["distinct_id"]) for message in messages)
    assert recipients == sorted(USERS), recipients
    step(f"{len(messages)} messages of the broadcast listed, one per member: {recipients}")

    deleted = client.users.delete(DELETED)
    assert deleted["success"] is True, deleted
    assert client.subscriber_lists.get(LIST_ID)["subscribers_count"] == len(USERS) - 1
    step(f"user {DELETED!r} deleted, and left the list")

    try:
        client.users.get(DELETED)
    except NotFoundError as exc:
        assert exc.status_code == 404
        step(f"reading {DELETED!r} again is a 404: {exc}")
    else:
        raise AssertionError(f"user {DELETED!r} is still there after its deletion")


def main() -> int:
    run(Suprsend())  # credentials and base URL from the environment
    print("\nEvery lifecycle step verified.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
