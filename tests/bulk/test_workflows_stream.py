"""``client.workflows.stream``: WorkflowTriggerRequest items stream to ``POST trigger/`` with per-record
results, and an item given to the wrong factory names the one that takes it."""

from __future__ import annotations

import json

from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET

from suprsend_typed import Suprsend, Workflow, WorkflowTriggerRequest
from suprsend_typed._http import Headers, Request, Response, Timeout


class PerRecordHub:
    """Accepts every record of a ``trigger/`` array, one result each."""

    def __init__(self) -> None:
        self.sent: list[Request] = []

    def send(self, request: Request, *, timeout: Timeout) -> Response:
        self.sent.append(request)
        records = json.loads(request.content)
        body = {"records": [{"status": "success", "message_id": f"m-{i}"} for i in range(len(records))]}
        return Response(status_code=207, headers=Headers(), content=json.dumps(body).encode())


def _requests(count: int):  # type: ignore[no-untyped-def]
    for i in range(count):
        yield WorkflowTriggerRequest({"workflow": "w", "recipients": [f"u-{i}"]}, idempotency_key=f"k-{i}")


def test_workflows_stream_sends_trigger_requests_in_chunks() -> None:
    hub = PerRecordHub()
    client = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, transport=hub)
    progress: list[tuple[int, int]] = []
    response = client.workflows.stream(
        _requests(250), concurrency=2, on_progress=lambda d, f: progress.append((d, f))
    )
    assert (response.status, response.total, response.success) == ("success", 250, 250)
    assert {request.url.removeprefix(client.base_url) for request in hub.sent} == {"trigger/"}
    assert sum(len(json.loads(request.content)) for request in hub.sent) == 250
    assert progress[-1] == (250, 0)


def test_a_trigger_request_given_to_the_legacy_factory_names_workflows_stream() -> None:
    hub = PerRecordHub()
    client = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, transport=hub)
    response = client.bulk_workflows.stream([WorkflowTriggerRequest({"workflow": "w", "recipients": ["u"]})])
    assert response.failure == 1 and hub.sent == []
    assert "client.workflows.stream" in response.failed_records[0]["error"]
    legacy = client.workflows.stream([Workflow({"template": "t", "notification_category": "system"})])  # type: ignore[list-item]
    assert "client.bulk_workflows.stream" in legacy.failed_records[0]["error"]
