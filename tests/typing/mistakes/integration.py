"""A first integration with fourteen deliberate mistakes, each marked ``# MISTAKE``.

``tests/typing/test_mistakes.py`` runs ``mypy --strict`` on this file and checks that every marked line is
reported and no other line is. It is left out of ``make typecheck`` (see ``[tool.mypy] exclude``), since it
must fail; it is never run.
"""

from __future__ import annotations

from suprsend_typed import Event, Suprsend, WorkflowTriggerRequest, models, structure


def notify_order(distinct_id: str, amount: int) -> None:
    client = Suprsend("workspace_key", "workspace_secret", timeuot=5)  # MISTAKE: misspelt keyword
    client = Suprsend("workspace_key", "workspace_secret", max_retries="3")  # MISTAKE: str for an int

    body = {"workflow": "order-placed", "recipients": [distinct_id], "data": {"amount": amount}}
    request = WorkflowTriggerRequest(body, idempotency_key=42)  # MISTAKE: int for a str key
    request = WorkflowTriggerRequest(body, tenant="acme")  # MISTAKE: misspelt tenant_id
    client.workflows.trigger([request])  # MISTAKE: a list of seed requests (a bulk instance takes those)

    resp = client.workflows.trigger(request)
    code: str = resp["status_code"]  # MISTAKE: the status code is an int
    ok: bool = resp["sucess"]  # MISTAKE: misspelt result key
    print(code, ok)

    event = Event(distinct_id, "order_placed", properties="amount=10")  # MISTAKE: text for a dict
    client.track_event(event, max_retry=1)  # MISTAKE: misspelt max_retries

    trigger = structure(body, models.WorkflowTrigger)
    accepted = client.workflows.trigger(trigger)
    message_id: int = accepted.message_id  # MISTAKE: the message id is a str
    print(message_id)

    page = client.messages.list({"recipient_id": distinct_id, "limit": 10})
    for message in page:
        print(message.stauts)  # MISTAKE: misspelt attribute of a typed message
    first: str = page.items  # MISTAKE: the items of a page are a list of messages
    print(first)

    user = client.users.get(distinct_id)
    number: int = user["distinct_id"]  # MISTAKE: the distinct_id of a user is a str (or null)
    created: str | None = user["created_att"]  # MISTAKE: misspelt response key
    same_id: str | None = user["distinct_id"]
    kept = user["$email"]  # a key kept from the hub reads as object: narrowed before use
    email: str | None = kept if isinstance(kept, str) else None
    print(number, created, same_id, email)
    count: int = user.get("distinct_id", 0)  # MISTAKE: get reads the str distinct_id (or the default)
    name: str = user.get("distinct_idd", "")  # MISTAKE: misspelt key of get reads as object
    read: str | None = user.get("distinct_id")
    print(count, name, read)
