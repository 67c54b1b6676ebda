"""The client: construction rules, the middleware chain, and what each call sends and returns."""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterator
from email.utils import formatdate
from typing import Any

import pytest

from suprsend_typed._client import Suprsend
from suprsend_typed._errors import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InputValueError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    SuprsendConfigError,
    UnprocessableEntityError,
    ValidationError,
)
from suprsend_typed._event import Event
from suprsend_typed._http import Request, Response, Timeout
from suprsend_typed._logging import LOGGER_NAME
from suprsend_typed._middleware import Handler
from suprsend_typed._signing import request_signature
from suprsend_typed._transport import close_transport
from suprsend_typed._workflow import Workflow, WorkflowTriggerRequest

from .fakes import FakeTransport, reply

EPOCH = 1767225600.0
SECRET = "WS-SECRET-VALUE"
API_KEY = "API-KEY-VALUE"
WORKSPACE = "WKEY-0123456789abcdef"  # events require a long `env`
LEGACY_BODY: dict[str, Any] = {
    "name": "welcome",
    "template": "welcome-tpl",
    "notification_category": "transactional",
    "users": [{"distinct_id": "u1"}],
}
CREDENTIAL_ENV = (
    "SUPRSEND_WORKSPACE_KEY",
    "SUPRSEND_WORKSPACE_SECRET",
    "SUPRSEND_API_KEY",
    "SUPRSEND_WORKSPACE_UID",
    "SUPRSEND_BASE_URL",
)


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name in (*CREDENTIAL_ENV, "SUPRSEND_LOG"):
        monkeypatch.delenv(name, raising=False)
    sdk_logger = logging.getLogger(LOGGER_NAME)
    level, handlers = sdk_logger.level, list(sdk_logger.handlers)
    yield
    sdk_logger.setLevel(level)
    sdk_logger.handlers[:] = handlers


def step_clock() -> Any:
    """A clock that moves one second per reading, so each signature gets its own Date."""
    ticks = itertools.count()
    return lambda: EPOCH + next(ticks)


def make_client(transport: FakeTransport, **options: Any) -> Suprsend:
    ids = (f"00000000-0000-4000-8000-{n:012d}" for n in itertools.count(1))
    settings: dict[str, Any] = {"clock": step_clock(), "id_factory": lambda: next(ids), **options}
    return Suprsend(WORKSPACE, SECRET, transport=transport, **settings)


# ---------------------------------------------------------------- construction


def test_environment_supplies_credentials_and_base_url(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPRSEND_WORKSPACE_KEY", "env-key")
    monkeypatch.setenv("SUPRSEND_WORKSPACE_SECRET", "env-secret")
    monkeypatch.setenv("SUPRSEND_BASE_URL", "https://eu.example.com")
    client = Suprsend(transport=FakeTransport())
    assert client.workspace_identifier() == "env-key"
    assert client.base_url == "https://eu.example.com/"


def test_missing_credentials_are_config_errors() -> None:
    with pytest.raises(SuprsendConfigError, match="Missing workspace_key"):
        Suprsend()
    with pytest.raises(SuprsendConfigError, match="Missing workspace_secret"):
        Suprsend("key")
    with pytest.raises(SuprsendConfigError, match="Missing api_key"):
        Suprsend.with_workspace_api_key("uid")


def test_unknown_keyword_is_a_type_error() -> None:
    with pytest.raises(TypeError):
        Suprsend("test-workspace-key", SECRET, timeuot=Timeout())  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Suprsend.with_workspace_api_key("uid", "key", retries=3)  # type: ignore[call-arg]


def test_repr_never_shows_a_secret() -> None:
    hmac_client = make_client(FakeTransport())
    bearer_client = Suprsend.with_workspace_api_key("ws-uid", API_KEY, transport=FakeTransport())
    assert SECRET not in repr(hmac_client)
    assert WORKSPACE in repr(hmac_client)
    assert API_KEY not in repr(bearer_client)
    assert "ws-uid" in repr(bearer_client)


@pytest.mark.parametrize(
    "options",
    [
        {"timeout": "5"},
        {"middleware": lambda request, call_next: call_next(request)},
        {"middleware": [42]},
        {"transport": object()},
        {"transport": type("SendIsNotCallable", (), {"send": "not a method"})()},
        {"pool_size": 3},
        {"transport": None, "pool_size": 0},
        {"transport": None, "pool_size": "10"},
        {"clock": "not callable"},
        {"sleep": 0.5},
        {"id_factory": "not callable"},
        {"strict": "yes"},
        {"app_info": {"name": "bad\nname"}},
    ],
)
def test_bad_options_are_config_errors(options: dict[str, Any]) -> None:
    settings = {"transport": FakeTransport(), **options}
    with pytest.raises(SuprsendConfigError):
        Suprsend("test-workspace-key", SECRET, **settings)


def test_plain_http_only_to_loopback_unless_allowed() -> None:
    with pytest.raises(SuprsendConfigError, match="allow_insecure"):
        Suprsend("test-workspace-key", SECRET, base_url="http://hub.example.com", transport=FakeTransport())
    assert Suprsend(
        "test-workspace-key", SECRET, base_url="http://127.0.0.1:9/", transport=FakeTransport()
    ).base_url
    allowed = Suprsend(
        "k", "s", base_url="http://hub.example.com", allow_insecure=True, transport=FakeTransport()
    )
    assert allowed.base_url == "http://hub.example.com/"


def test_close_and_context_manager_close_only_an_owned_transport() -> None:
    passed = FakeTransport()
    with make_client(passed):
        pass
    assert not passed.closed
    with Suprsend("test-workspace-key", SECRET) as owning:
        assert owning.base_url == "https://hub.suprsend.com/"


class SendOnlyTransport:
    """The whole protocol is ``send``: no ``close()`` at all."""

    def __init__(self) -> None:
        self.sent: list[Request] = []

    def send(self, request: Request, *, timeout: Timeout) -> Response:
        self.sent.append(request)
        return reply(202, {"message_id": "m-1", "status": "success"})


def test_a_send_only_transport_is_accepted() -> None:
    transport = SendOnlyTransport()
    with Suprsend("test-workspace-key", SECRET, transport=transport) as client:
        result = client.track_event(Event("u1", "order_shipped"))
    assert result["success"] is True
    assert len(transport.sent) == 1


def test_close_transport_calls_close_only_where_it_exists() -> None:
    closable = FakeTransport()
    close_transport(closable)
    close_transport(SendOnlyTransport())
    assert closable.closed


def test_debug_turns_on_only_our_logger() -> None:
    root_level = logging.getLogger().level
    make_client(FakeTransport(), debug=True)
    assert logging.getLogger(LOGGER_NAME).isEnabledFor(logging.DEBUG)
    assert logging.getLogger().level == root_level


# ---------------------------------------------------------------- the chain


def test_chain_order_and_fresh_signature_per_attempt() -> None:
    seen_by_user: list[Request] = []

    def outermost(request: Request, call_next: Handler) -> Response:
        seen_by_user.append(request)
        return call_next(request)

    transport = FakeTransport(script=[reply(503, {"message": "busy"})])
    client = make_client(transport, middleware=[outermost], max_retries=1)
    result = client.trigger_workflow(LEGACY_BODY)
    assert result["success"] is True
    # User middleware runs once, outside retries, before headers and signing.
    assert len(seen_by_user) == 1
    assert "Authorization" not in seen_by_user[0].headers
    assert "User-Agent" not in seen_by_user[0].headers
    # Each attempt reaching the transport is signed again with its own Date.
    first, second = transport.sent
    assert first.content == second.content
    assert first.headers["Date"] != second.headers["Date"]
    for attempt in transport.sent:
        assert attempt.headers["Authorization"] == f"{WORKSPACE}:{request_signature(SECRET, attempt)}"
        assert attempt.headers["User-Agent"].startswith("suprsend-typed/")
        assert attempt.headers["Content-Type"] == "application/json; charset=utf-8"


def test_signed_date_comes_from_the_injected_clock() -> None:
    transport = FakeTransport()
    make_client(transport, clock=lambda: EPOCH).trigger_workflow(LEGACY_BODY)
    assert transport.sent[0].headers["Date"] == formatdate(EPOCH, usegmt=True)


def test_bearer_mode_sends_the_key_and_no_date() -> None:
    transport = FakeTransport()
    client = Suprsend.with_workspace_api_key("ws-uid", API_KEY, transport=transport)
    client.trigger_workflow(LEGACY_BODY)
    sent = transport.sent[0]
    assert sent.headers["Authorization"] == f"Bearer {API_KEY}"
    assert "Date" not in sent.headers
    assert sent.url == "https://hub.suprsend.com/ws-uid/trigger/"


def test_default_timeout_reaches_the_transport() -> None:
    transport = FakeTransport()
    make_client(transport, timeout=Timeout(connect=1.5, read=7.0)).trigger_workflow(LEGACY_BODY)
    assert transport.timeouts == [Timeout(connect=1.5, read=7.0)]


# ---------------------------------------------------------------- seed surface


def test_legacy_trigger_sends_the_body_and_returns_t1() -> None:
    transport = FakeTransport(default=reply(202, text="Accepted - OK"))
    body = dict(LEGACY_BODY)
    result = make_client(transport).trigger_workflow(body)
    assert dict(result) == {
        "success": True,
        "status": "success",
        "status_code": 202,
        "message": "Accepted - OK",
    }
    sent = transport.sent[0]
    assert (sent.method, sent.url) == ("POST", f"https://hub.suprsend.com/{WORKSPACE}/trigger/")
    assert transport.body()["name"] == "welcome"  # type: ignore[index]
    assert body == LEGACY_BODY  # the caller's dict is untouched


def test_seed_trigger_returns_t2_with_message_id() -> None:
    transport = FakeTransport()
    result = make_client(transport).workflows.trigger(
        WorkflowTriggerRequest({"workflow": "welcome", "recipients": ["u1"]})
    )
    assert result["message"] == "m-1"
    assert result["raw_response"] == {"message_id": "m-1", "status": "success"}
    assert transport.sent[0].url == "https://hub.suprsend.com/trigger/"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"error": {"message": "workflow not found", "type": "not_found"}}, "workflow not found"),
        ({"status": "fail", "message": "BAD REQUEST"}, "BAD REQUEST"),
        ({"code": 400, "detail": "bad detail"}, "bad detail"),
    ],
)
def test_seed_error_message_comes_from_any_known_shape(body: dict[str, Any], message: str) -> None:
    transport = FakeTransport(default=reply(404, body))
    result = make_client(transport).track_event(Event("u1", "order_shipped"))
    assert result == {
        "success": False,
        "status": "fail",
        "status_code": 404,
        "message": message,
        "raw_response": body,
    }


def test_non_json_error_body_is_a_fail_result_not_a_crash() -> None:
    transport = FakeTransport(default=reply(502, text="<html>Bad Gateway</html>"))
    result = make_client(transport, max_retries=0).track_event(Event("u1", "order_shipped"))
    assert result["success"] is False
    assert result["status_code"] == 502
    assert result["message"] == "<html>Bad Gateway</html>"
    assert result["raw_response"] is None


@pytest.mark.parametrize("error", [APIConnectionError("refused"), APITimeoutError("read timed out")])
def test_transport_failure_is_a_500_fail_result(error: APIConnectionError) -> None:
    transport = FakeTransport(script=[error])
    event_result = make_client(transport, max_retries=0).track_event(Event("u1", "order_shipped"))
    assert event_result == {
        "success": False,
        "status": "fail",
        "status_code": 500,
        "message": error.message,  # no "[code: 500]" prefix: the code is in status_code
        "raw_response": None,
    }
    legacy = make_client(FakeTransport(script=[error]), max_retries=0).trigger_workflow(LEGACY_BODY)
    assert "raw_response" not in legacy
    assert legacy["status_code"] == 500


def test_input_errors_raise_before_anything_is_sent() -> None:
    transport = FakeTransport()
    client = make_client(transport)
    with pytest.raises(TypeError):
        client.trigger_workflow(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        client.track_event({"event": "x"})  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="recipients"):
        client.workflows.trigger({"workflow": "w"})
    with pytest.raises(InputValueError):
        client.track_event(Event("u1", "$reserved_name"))
    with pytest.raises(ValidationError):
        client.workflows.trigger(WorkflowTriggerRequest({"workflow": "w", "recipients": ["u"], "bogus": 1}))
    assert transport.sent == []


def test_each_call_is_retryable_only_with_a_dedupe_key() -> None:
    transport = FakeTransport()
    client = make_client(transport, auto_idempotency_key=False)
    client.trigger_workflow(Workflow(LEGACY_BODY))
    client.trigger_workflow(Workflow(LEGACY_BODY, idempotency_key="k1"))
    client.track_event(Event("u1", "order_shipped"))
    assert [sent.options.retryable for sent in transport.sent] == [False, True, True]
    assert [sent.options.operation for sent in transport.sent] == [
        "trigger_legacy_workflow",
        "trigger_legacy_workflow",
        "track_event",
    ]


def test_profile_save_posts_an_identity_event_t1() -> None:
    transport = FakeTransport(default=reply(202, {"message": "OK"}))
    user = make_client(transport).user.get_instance("  u1 ")
    user.add_email("u1@example.com")
    result = user.save()
    assert dict(result) == {
        "success": True,
        "status": "success",
        "status_code": 202,
        "message": '{"message": "OK"}',
    }
    sent_body = transport.body()
    assert transport.sent[0].url == "https://hub.suprsend.com/event/"
    assert sent_body["distinct_id"] == "u1"  # type: ignore[index]
    assert sent_body["env"] == WORKSPACE  # type: ignore[index]
    assert sent_body["$user_operations"] == [{"$append": {"$email": "u1@example.com"}}]  # type: ignore[index]


@pytest.mark.parametrize("bad", [None, 5, "   "])
def test_user_factory_checks_the_id(bad: Any) -> None:
    with pytest.raises(InputValueError):
        make_client(FakeTransport()).user.get_instance(bad)


def test_users_edit_patches_and_returns_json() -> None:
    transport = FakeTransport(default=reply(200, {"distinct_id": "u 1/x", "$email": []}))
    client = make_client(transport)
    user = client.users.get_edit_instance("u 1/x")
    user.set("name", "Ann")
    assert client.users.edit(user) == {"distinct_id": "u 1/x", "$email": []}
    sent = transport.sent[0]
    assert (sent.method, sent.url) == ("PATCH", "https://hub.suprsend.com/v1/user/u%201%2Fx/")
    assert transport.body() == {"operations": [{"$set": {"name": "Ann"}}]}
    assert sent.options.retryable is False


def test_users_edit_for_a_tenant_uses_the_tenant_path() -> None:
    transport = FakeTransport(default=reply(200, {}))
    client = make_client(transport)
    user = client.users.get_edit_instance("u1", tenant_id="acme")
    user.set("plan", "pro")
    client.users.edit(user)
    assert transport.sent[0].url == "https://hub.suprsend.com/v1/user/u1/tenant/acme/"


def test_users_edit_and_async_edit_raise_on_error_status() -> None:
    transport = FakeTransport(default=reply(400, {"message": "bad operations"}))
    client = make_client(transport)
    user = client.users.get_edit_instance("u1")
    with pytest.raises(BadRequestError, match="bad operations"):
        client.users.edit(user)
    with pytest.raises(BadRequestError):
        client.users.async_edit(user)
    with pytest.raises(ValidationError, match="instance is required"):
        client.users.async_edit(None)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="missing distinct_id"):
        client.users.get_edit_instance(" ")


def test_users_async_edit_success_result() -> None:
    transport = FakeTransport(default=reply(202, text="OK"))
    client = make_client(transport)
    result = client.users.async_edit(client.users.get_edit_instance("u1", tenant_id="acme"))
    assert dict(result) == {"success": True, "status": "success", "status_code": 202, "message": "OK"}
    assert transport.body()["tenant_id"] == "acme"  # type: ignore[index]


def test_messages_list_encodes_filters_as_the_official_sdk() -> None:
    transport = FakeTransport(default=reply(200, {"meta": {}, "results": []}))
    client = make_client(transport)
    page = client.messages.list(
        {"limit": 20, "recipient_id": ["u1", "u2"], "status": "seen", "is_campaign": False, "after": None}
    )
    assert page == {"meta": {}, "results": []}
    assert transport.sent[0].method == "GET"
    assert transport.sent[0].url == (
        "https://hub.suprsend.com/v1/message/?limit=20&recipient_id%5B%5D=u1&recipient_id%5B%5D=u2"
        "&status%5B%5D=seen&is_campaign=false"
    )
    client.messages.list()
    assert transport.sent[1].url == "https://hub.suprsend.com/v1/message/"


def test_messages_bulk_update_checks_items_first() -> None:
    transport = FakeTransport(default=reply(202, {"records": []}))
    client = make_client(transport)
    with pytest.raises(ValidationError, match=r"messages\[1\]: missing action"):
        client.messages.bulk_update([{"message_id": "m1", "action": "read"}, {"message_id": "m2"}])
    assert transport.sent == []
    assert client.messages.bulk_update([{"message_id": "m1", "action": "read"}]) == {"records": []}
    assert (transport.sent[0].method, transport.sent[0].url) == (
        "PATCH",
        "https://hub.suprsend.com/v1/bulk/message/",
    )
    assert transport.body() == {"messages": [{"message_id": "m1", "action": "read"}]}


# ---------------------------------------------------------------- typed surface


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (409, ConflictError),
        (422, UnprocessableEntityError),
        (429, RateLimitError),
        (500, InternalServerError),
        (503, InternalServerError),
        (418, APIStatusError),
    ],
)
def test_typed_trigger_raises_one_class_per_status(status: int, error_class: type[APIStatusError]) -> None:
    from suprsend_typed._generated.models import WorkflowTrigger
    from suprsend_typed._models import structure

    model = structure({"workflow": "welcome", "recipients": ["u1"], "data": {}}, WorkflowTrigger)
    transport = FakeTransport(default=reply(status, {"error": {"message": f"failed {status}"}}))
    with pytest.raises(error_class) as info:
        make_client(transport, max_retries=0).workflows.trigger(model)
    assert type(info.value) is error_class
    assert info.value.status_code == status
    assert info.value.message == f"failed {status}"


def test_typed_trigger_returns_the_typed_answer_and_raises_transport_errors() -> None:
    from suprsend_typed._generated.models import TriggerAccepted, WorkflowTrigger
    from suprsend_typed._models import structure

    model = structure({"workflow": "welcome", "recipients": ["u1"], "data": {}}, WorkflowTrigger)
    transport = FakeTransport()
    accepted = make_client(transport).workflows.trigger(model)
    assert isinstance(accepted, TriggerAccepted)
    assert accepted.message_id == "m-1"
    assert json.loads(transport.sent[0].content)["$idempotency_key"] == "00000000-0000-4000-8000-000000000001"
    with pytest.raises(APITimeoutError):
        make_client(FakeTransport(script=[APITimeoutError()]), max_retries=0).workflows.trigger(model)


def test_typed_event_track() -> None:
    from suprsend_typed._generated.models import EventAccepted, EventPayload
    from suprsend_typed._models import structure

    wire = {
        "$insert_id": "00000000-0000-4000-8000-000000000009",
        "$time": int(EPOCH * 1000),
        "event": "order_shipped",
        "env": WORKSPACE,
        "distinct_id": "u1",
        "properties": {"order": 1},
    }
    transport = FakeTransport(default=reply(202, {"message_id": "e-1"}))
    client = make_client(transport)
    accepted = client.events.track(structure(wire, EventPayload))
    assert isinstance(accepted, EventAccepted)
    assert transport.body() == wire
    with pytest.raises(RateLimitError):
        make_client(FakeTransport(default=reply(429, {})), max_retries=0).events.track(
            structure(wire, EventPayload)
        )


# ---------------------------------------------------------------- bulk delegation


def test_bulk_entry_points_send_through_the_client_chain() -> None:
    transport = FakeTransport(default=reply(202, {"records": [{"status": "success", "status_code": 202}]}))
    client = make_client(transport)
    events = client.bulk_events.new_instance()
    events.append(Event("u1", "order_shipped"))
    triggers = client.workflows.bulk_trigger_instance()
    triggers.append(WorkflowTriggerRequest({"workflow": "welcome", "recipients": ["u1"]}))
    users = client.users.get_bulk_edit_instance()
    users.append(client.users.get_edit_instance("u1"))
    legacy = client.bulk_workflows.new_instance()
    legacy.append(Workflow(LEGACY_BODY))
    profiles = client.bulk_users.new_instance()
    profiles.append(client.user.get_instance("u2"))
    for bulk in (events, triggers, users, legacy, profiles):
        assert bulk.trigger().success == 1
    assert [sent.url.removeprefix(client.base_url) for sent in transport.sent] == [
        "v2/bulk/event/",
        "trigger/",
        "event/",
        f"{WORKSPACE}/trigger/",
        "event/",
    ]
    assert all(sent.headers["Authorization"].startswith(f"{WORKSPACE}:") for sent in transport.sent)
