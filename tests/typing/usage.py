"""A typed usage example, checked by ``mypy --strict tests/typing`` (it is not run by pytest).

Each ``# type: ignore[...]`` marks a call the types must refuse: under ``--strict`` an ignore that is not
needed is itself an error, so these lines prove the mistakes are caught before run time.
"""

from __future__ import annotations

import suprsend_typed
from suprsend_typed import (
    APIStatusError,
    Event,
    Handler,
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
    print(success, status_code, as_dict, result["message"])

    event_result: SeedResult = client.track_event(Event("u1", "order_shipped", {"order": 1}))
    legacy: SeedResult = client.trigger_workflow({"name": "welcome", "template": "t1", "users": []})
    print(event_result.raw_response, legacy.message)

    user: UserEdit = client.users.get_edit_instance("u1")
    user.add_email("u1@example.com")
    saved: SeedResult = client.users.async_edit(user)
    print(saved, client.users.edit(user), client.messages.list({"limit": 20}))


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
    message_id = accepted.message_id
    return message_id if isinstance(message_id, str) else None


def mistakes_are_type_errors(client: Suprsend) -> None:
    client.workflows.trigger({"workflow": "w"})  # type: ignore[call-overload]
    client.track_event("order_shipped")  # type: ignore[arg-type]
    wrong: models.TriggerAccepted = client.workflows.trigger(  # type: ignore[assignment]
        WorkflowTriggerRequest({"workflow": "w", "recipients": ["u1"]})
    )
    Suprsend("k", "s", timeuot=1)  # type: ignore[call-arg]
    Suprsend("k", "s", transport=SendWithoutTimeout())  # type: ignore[arg-type]
    Suprsend("k", "s", transport=object())  # type: ignore[arg-type]
    print(wrong, suprsend_typed.__name__)
