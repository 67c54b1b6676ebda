"""Retries are safe: retried bodies keep their dedupe key, and bodies without one are never retried."""

from __future__ import annotations

import json

import pytest

from suprsend_typed._client import Suprsend
from suprsend_typed._errors import APIConnectionError
from suprsend_typed._event import Event
from suprsend_typed._http import Request
from suprsend_typed._workflow import Workflow, WorkflowTriggerRequest

from .fakes import ScriptedTransport, response
from .scenarios import WORKSPACE_KEY, WORKSPACE_SECRET

FLAKY = [response(503), APIConnectionError("reset"), response(202, content=b'{"message": "OK"}')]
TRIGGER_BODY = {"workflow": "w", "recipients": ["u"]}
LEGACY_BODY = {
    "name": "welcome",
    "template": "welcome-template",
    "notification_category": "transactional",
    "users": [{"distinct_id": "user-1", "$email": ["user-1@example.com"]}],
}


def client_over(transport: ScriptedTransport, **options: object) -> Suprsend:
    return Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, "http://127.0.0.1:9/", transport=transport, **options)  # type: ignore[arg-type]


def bodies(sent: list[Request]) -> list[dict[str, object]]:
    return [json.loads(request.content) for request in sent]


@pytest.mark.parametrize(
    ("call", "key"),
    [
        (lambda c: c.workflows.trigger(WorkflowTriggerRequest(TRIGGER_BODY)), "$idempotency_key"),
        (lambda c: c.trigger_workflow(Workflow(dict(LEGACY_BODY))), "$idempotency_key"),
        (lambda c: c.track_event(Event("user-1", "order_placed")), "$insert_id"),
    ],
)
def test_every_attempt_sends_the_same_body_with_the_same_key(
    call: object, key: str, retry_sleeps: list[float]
) -> None:
    transport = ScriptedTransport(FLAKY)
    with client_over(transport, max_retries=2, sleep=retry_sleeps.append) as client:
        result = call(client)  # type: ignore[operator]
    assert result["success"] is True
    sent = bodies(transport.sent)
    assert len(sent) == 3
    assert sent[0][key] and sent[0] == sent[1] == sent[2]
    assert len(retry_sleeps) == 2


def test_each_logical_call_gets_its_own_automatic_key() -> None:
    transport = ScriptedTransport([response(202), response(202)])
    request = WorkflowTriggerRequest({"workflow": "w", "recipients": ["u"]})
    with client_over(transport) as client:
        client.workflows.trigger(request)
        client.workflows.trigger(request)
    first, second = bodies(transport.sent)
    assert first["$idempotency_key"] != second["$idempotency_key"]


def test_a_caller_key_is_kept_across_attempts(retry_sleeps: list[float]) -> None:
    transport = ScriptedTransport(FLAKY)
    request = WorkflowTriggerRequest({"workflow": "w", "recipients": ["u"]}, idempotency_key="order-42")
    with client_over(transport, max_retries=2, sleep=retry_sleeps.append) as client:
        client.workflows.trigger(request)
    assert [body["$idempotency_key"] for body in bodies(transport.sent)] == ["order-42"] * 3


def test_a_trigger_without_any_dedupe_key_is_sent_once_only(retry_sleeps: list[float]) -> None:
    transport = ScriptedTransport([response(503), response(202)])
    request = WorkflowTriggerRequest({"workflow": "w", "recipients": ["u"]})
    with client_over(
        transport, max_retries=5, auto_idempotency_key=False, sleep=retry_sleeps.append
    ) as client:
        result = client.workflows.trigger(request)
    assert len(transport.sent) == 1
    assert "$idempotency_key" not in bodies(transport.sent)[0]
    assert (result["success"], result["status_code"]) == (False, 503)
    assert retry_sleeps == []
