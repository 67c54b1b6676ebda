"""A typed usage example, checked by ``mypy --strict tests/typing`` (it is not run by pytest).

Each ``# type: ignore[...]`` marks a call the types must refuse: under ``--strict`` an ignore that is not
needed is itself an error, so these lines prove the mistakes are caught before run time.
"""

from __future__ import annotations

from typing import Any

import suprsend_typed
from suprsend_typed import (
    APIStatusError,
    BaseBulkResponse,
    BulkResponse,
    Event,
    Handler,
    Page,
    RateLimitError,
    Request,
    Response,
    SeedResult,
    Suprsend,
    Timeout,
    UserEdit,
    WorkflowTriggerRequest,
    models,
)


def count_requests(request: Request, call_next: Handler) -> Response:
    """A user middleware: sees each logical call once, outside retries."""
    response = call_next(request)
    print(request.options.operation, response.status_code)
    return response


class SendOnlyTransport:
    """A user transport: ``send`` is the whole protocol, ``close()`` is optional."""

    def send(self, request: Request, *, timeout: Timeout) -> Response:
        return Response(status_code=202, content=request.content)


def make_client_with_a_send_only_transport() -> Suprsend:
    return Suprsend("workspace_key", "workspace_secret", transport=SendOnlyTransport())


class SendWithoutTimeout:
    def send(self, request: Request) -> Response:
        return Response(status_code=202)


def make_client() -> Suprsend:
    return Suprsend(
        "workspace_key",
        "workspace_secret",
        app_info={"name": "shop", "version": "1.0"},
        timeout=Timeout(connect=2.0, read=10.0),
        max_retries=3,
        middleware=[count_requests],
    )


def seed_surface(client: Suprsend) -> None:
    result: SeedResult = client.workflows.trigger(
        WorkflowTriggerRequest({"workflow": "purchase-made", "recipients": ["u1"]}, idempotency_key="k1")
    )
    success: bool = result.success
    status_code: int = result.status_code
    as_dict = dict(result)
    # The official dict keys are typed too: the same values, read as in the official README.
    same_success: bool = result["success"]
    same_code: int = result["status_code"]
    message: str | None = result["message"]
    print(success, status_code, as_dict, same_success, same_code, message)

    event_result: SeedResult = client.track_event(Event("u1", "order_shipped", {"order": 1}))
    legacy: SeedResult = client.trigger_workflow({"name": "welcome", "template": "t1", "users": []})
    print(event_result.raw_response, legacy.message)

    user: UserEdit = client.users.get_edit_instance("u1")
    user.add_email("u1@example.com")
    saved: SeedResult = client.users.async_edit(user)
    print(saved, client.users.edit(user))

    page: Page[models.Message, models.MessageList] = client.messages.list({"limit": 20})
    first_page: list[models.Message] = page.items
    every_message: list[models.Message] = list(page)  # all pages, fetched lazily
    has_next: bool = page.has_next_page()
    print(first_page, every_message, has_next, page["meta"])
    # page.data is the list operation's response model, read typed per wire key.
    listed: models.MessageList = page.data
    meta: dict[str, Any] | None = page.data.get("meta")
    later = page.next_page()
    following: models.MessageList | None = None if later is None else later.data
    wrong_model: models.UserPage = page.data  # type: ignore[assignment]
    wrong_read: int = page.data["results"]  # type: ignore[assignment]
    wrong_page: Page[models.Message, models.UserPage] = page  # type: ignore[assignment]
    print(listed, meta, following, wrong_model, wrong_read, wrong_page)


def keyed_reads(client: Suprsend) -> None:
    # Response models read like the official dicts, typed per wire key: nested models read as dicts.
    tenants = client.users.list_associated_tenants("u1", {"limit": 2})
    meta: dict[str, Any] = tenants["meta"]
    rows: list[dict[str, Any]] = tenants["results"]
    user = client.users.get("u1")
    distinct_id: str | None = user["distinct_id"]
    properties: dict[str, Any] | None = user["properties"]
    # A key beyond the schema (kept from the hub) reads as object, so it must be narrowed before use.
    email = user["$email"]
    first_email: str | None = email if isinstance(email, str) else None
    wrong: int = user["distinct_id"]  # type: ignore[assignment]
    misspelt: str = user["distinct_idd"]  # type: ignore[assignment]
    print(meta, rows, distinct_id, properties, first_email, wrong, misspelt)


def typed_get(client: Suprsend) -> None:
    # model.get(key) is typed per wire key as dict.get is: the value or None, or the value or the default.
    user = client.users.get("u1")
    maybe_id: str | None = user.get("distinct_id")
    some_id: str = user.get("distinct_id") or "anonymous"
    properties: dict[str, Any] | None = user.get("properties", None)
    with_default: dict[str, Any] | int | None = user.get("properties", 0)  # null stays None
    accepted = client.workflows.trigger({"workflow": "w", "recipients": ["u1"]})
    message_id: str | None = accepted.get("message_id", None)
    # A key beyond the schema reads as object (narrowed before use), with or without a default.
    kept: object = user.get("$email", "")
    # A wrong type or a misspelt key is rejected, as with model["key"].
    not_optional: str = user.get("distinct_id")  # type: ignore[assignment]
    wrong: int = user.get("distinct_id", 0)  # type: ignore[assignment]
    misspelt: str = user.get("distinct_idd", "")  # type: ignore[assignment]
    print(maybe_id, some_id, properties, with_default, message_id, kept, not_optional, wrong, misspelt)


def per_call_options(client: Suprsend) -> None:
    """Per-call ``timeout``/``max_retries`` on each single call, and a client copy with other defaults."""
    quick: Suprsend = client.with_options(timeout=Timeout(connect=1.0, read=5.0), max_retries=0)
    patient = client.with_options(max_retries=5)
    request = WorkflowTriggerRequest({"workflow": "w", "recipients": ["u1"]})
    trigger = models.WorkflowTrigger(workflow="w", recipients=["u1"], data=models.WorkflowData())
    seed: SeedResult = quick.workflows.trigger(request, timeout=Timeout(read=2.0), max_retries=1)
    typed: models.TriggerAccepted = patient.workflows.trigger(trigger, max_retries=0)
    event = Event("u1", "order_shipped")
    tracked: SeedResult = client.events.track(event, timeout=Timeout(read=2.0))
    legacy: SeedResult = client.trigger_workflow({"name": "w"}, max_retries=0)
    single: SeedResult = client.track_event(event, timeout=None, max_retries=None)
    seconds: SeedResult = client.track_event(event, timeout=5)  # a number: both timeouts, as in requests
    user = client.users.get_edit_instance("u1")
    edited = client.users.edit(user, timeout=Timeout(read=2.0), max_retries=0)
    queued: SeedResult = client.users.async_edit(user, max_retries=3)
    listed = client.messages.list({"limit": 20}, timeout=Timeout(read=2.0))
    updated = client.messages.bulk_update([{"message_id": "m1", "action": "seen"}], max_retries=1)
    print(seed, typed, tracked, legacy, single, seconds, edited, queued, listed, updated)


def sync_bulk_results(client: Suprsend) -> None:
    """A sync bulk gives a ``BulkResponse``, whose ``retry_failed()`` is a plain call."""
    sent: BulkResponse = client.bulk_events.stream([Event("u1", "order_shipped")])
    again: BulkResponse = sent.retry_failed()
    totals: BaseBulkResponse = again
    edits = client.users.get_bulk_edit_instance()
    edits.append(client.users.get_edit_instance("u1"), client.user.get_instance("u2"))
    saved: BulkResponse = edits.save()
    print(totals, saved)


def typed_surface(client: Suprsend) -> str | None:
    trigger = models.WorkflowTrigger(workflow="purchase-made", recipients=["u1"], data=models.WorkflowData())
    try:
        accepted: models.TriggerAccepted = client.workflows.trigger(trigger)
    except RateLimitError as exc:
        print("throttled", exc.response.headers.get("Retry-After"))
        return None
    except APIStatusError as exc:
        print(exc.status_code, exc.message)
        return None
    message_id: str = accepted.message_id  # a str on every accepted trigger: no narrowing needed
    return message_id


def mistakes_are_type_errors(client: Suprsend) -> None:
    client.workflows.trigger([WorkflowTriggerRequest({"workflow": "w"})])  # type: ignore[list-item]
    client.track_event("order_shipped")  # type: ignore[arg-type]
    wrong: models.TriggerAccepted = client.workflows.trigger(  # type: ignore[assignment]
        WorkflowTriggerRequest({"workflow": "w", "recipients": ["u1"]})
    )
    Suprsend("k", "s", timeuot=1)  # type: ignore[call-arg]
    client.with_options(timeout="30")  # type: ignore[arg-type]
    client.with_options(max_retries="2")  # type: ignore[arg-type]
    client.track_event(Event("u1", "e"), timeout=(2, 5))  # type: ignore[arg-type]
    client.messages.list(None, max_retries="1")  # type: ignore[arg-type]
    client.workflows.trigger(  # type: ignore[call-overload]
        WorkflowTriggerRequest({"workflow": "w", "recipients": ["u1"]}), timeout="2.5"
    )
    Suprsend("k", "s", transport=SendWithoutTimeout())  # type: ignore[arg-type]
    Suprsend("k", "s", transport=object())  # type: ignore[arg-type]
    print(wrong, suprsend_typed.__name__)
