"""The client pointed at a loopback URL: real sockets, and signatures a server can verify."""

from __future__ import annotations

import json

from suprsend_typed import Event, Suprsend, WorkflowTriggerRequest
from suprsend_typed._headers import JSON_CONTENT_TYPE
from suprsend_typed._signing import verify_signature

from .loopback import LoopbackServer, Reply

WORKSPACE = "WKEY-0123456789abcdef"
SECRET = "loopback-secret"


def test_signed_calls_over_loopback_verify_on_the_server(server: LoopbackServer) -> None:
    server.replies = [Reply(), Reply(), Reply(status=200, body=b'{"meta": {}, "results": []}')]
    with Suprsend(WORKSPACE, SECRET, base_url=server.base_url) as client:
        trigger = client.workflows.trigger(
            WorkflowTriggerRequest({"workflow": "welcome", "recipients": ["u1"]})
        )
        event = client.track_event(Event("u1", "order_shipped", {"order": 1}))
        page = client.messages.list({"limit": 5, "status": ["seen", "read"]})
    assert trigger["success"] and event["success"]
    assert page == {"meta": {}, "results": []}
    assert [(got.method, got.path) for got in server.received] == [
        ("POST", "/trigger/"),
        ("POST", "/v2/event/"),
        ("GET", "/v1/message/?limit=5&status%5B%5D=seen&status%5B%5D=read"),
    ]
    for got in server.received:
        workspace_key, _, signature = got.headers["Authorization"].partition(":")
        assert workspace_key == WORKSPACE
        assert verify_signature(
            secret=SECRET,
            method=got.method,
            content=got.body,
            content_type=got.headers["Content-Type"],
            date=got.headers["Date"],
            request_uri=got.path,
            signature=signature,
        )
        assert got.headers["Content-Type"] == JSON_CONTENT_TYPE
    assert json.loads(server.received[0].body)["workflow"] == "welcome"


def test_bearer_client_over_loopback(server: LoopbackServer) -> None:
    with Suprsend.with_workspace_api_key("ws-uid", "api-key-1", base_url=server.base_url) as client:
        result = client.trigger_workflow(
            {
                "name": "welcome",
                "template": "welcome-tpl",
                "notification_category": "transactional",
                "users": [{"distinct_id": "u1"}],
            }
        )
    assert result["status_code"] == 202
    got = server.received[0]
    assert (got.method, got.path) == ("POST", "/ws-uid/trigger/")
    assert got.headers["Authorization"] == "Bearer api-key-1"
    assert "Date" not in got.headers
