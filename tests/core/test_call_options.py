"""Per-call ``timeout``/``max_retries`` and ``client.with_options``: what the transport sees per attempt."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

import pytest

from suprsend_typed import _client
from suprsend_typed._client import DEFAULT_TIMEOUT, Suprsend
from suprsend_typed._errors import InternalServerError, SuprsendConfigError
from suprsend_typed._event import Event
from suprsend_typed._generated.models import EventPayload, WorkflowTrigger
from suprsend_typed._http import Timeout
from suprsend_typed._models import structure
from suprsend_typed._workflow import WorkflowTriggerRequest

from .fakes import FakeTransport, reply

SECRET = "WS-SECRET-VALUE"
WORKSPACE = "WKEY-0123456789abcdef"  # events require a long `env`
CLIENT_RETRIES = 2
CALL_TIMEOUT = Timeout(connect=1.5, read=7.0)
COPY_TIMEOUT = Timeout(connect=0.5, read=3.0)
UNAVAILABLE = 503
OK_JSON = reply(200, {"ok": True, "message_id": "m-1"})  # an accepted typed trigger names its message

Call = Callable[..., object]


def make_client(transport: FakeTransport) -> Suprsend:
    ids = (f"00000000-0000-4000-8000-{n:012d}" for n in itertools.count(1))
    return Suprsend(
        WORKSPACE, SECRET, transport=transport, max_retries=CLIENT_RETRIES, id_factory=lambda: next(ids)
    )


def unavailable(times: int) -> list[Any]:
    return [reply(UNAVAILABLE, {"message": "try later"}) for _ in range(times)]


def _trigger_seed(client: Suprsend, **options: Any) -> object:
    request = WorkflowTriggerRequest({"workflow": "welcome", "recipients": ["u1"]})
    return client.workflows.trigger(request, **options)


def _trigger_model(client: Suprsend, **options: Any) -> object:
    model = structure({"workflow": "welcome", "recipients": ["u1"], "data": {}}, WorkflowTrigger)
    return client.workflows.trigger(model, **options)


def _track_seed(client: Suprsend, **options: Any) -> object:
    return client.events.track(Event("u1", "order_shipped"), **options)


def _track_model(client: Suprsend, **options: Any) -> object:
    payload = {
        "$insert_id": "00000000-0000-4000-8000-000000000009",
        "$time": 1767225600000,
        "event": "order_shipped",
        "env": WORKSPACE,
        "distinct_id": "u1",
        "properties": {},
    }
    return client.events.track(structure(payload, EventPayload), **options)


def _trigger_workflow(client: Suprsend, **options: Any) -> object:
    body = {
        "name": "welcome",
        "template": "welcome-tpl",
        "notification_category": "transactional",
        "users": [{"distinct_id": "u1"}],
    }
    return client.trigger_workflow(body, **options)


def _track_event(client: Suprsend, **options: Any) -> object:
    return client.track_event(Event("u1", "order_shipped"), **options)


def _async_edit(client: Suprsend, **options: Any) -> object:
    return client.users.async_edit(client.users.get_edit_instance("u1"), **options)


def _list_messages(client: Suprsend, **options: Any) -> object:
    return client.messages.list({"limit": 1}, **options)


def _update_messages(client: Suprsend, **options: Any) -> object:
    return client.messages.bulk_update([{"message_id": "m1", "action": "seen"}], **options)


RETRIED_CALLS: dict[str, Call] = {
    "workflows.trigger(seed)": _trigger_seed,
    "workflows.trigger(model)": _trigger_model,
    "events.track(seed)": _track_seed,
    "events.track(model)": _track_model,
    "trigger_workflow": _trigger_workflow,
    "track_event": _track_event,
    "users.async_edit": _async_edit,
    "messages.list": _list_messages,
    "messages.bulk_update": _update_messages,
}


def _edit(client: Suprsend, **options: Any) -> object:
    return client.users.edit(client.users.get_edit_instance("u1"), **options)


ALL_CALLS = {**RETRIED_CALLS, "users.edit": _edit}


def attempts(call: Call, client: Suprsend, transport: FakeTransport, **options: Any) -> int:
    """Sends of one call whose every attempt fails with 503; the outcome itself is checked elsewhere."""
    transport.script[:] = unavailable(10)
    transport.sent.clear()
    try:
        call(client, **options)
    except InternalServerError:
        pass  # the typed surface raises once retries run out
    finally:
        transport.script.clear()
    return len(transport.sent)


@pytest.mark.parametrize("call", RETRIED_CALLS.values(), ids=RETRIED_CALLS.keys())
def test_per_call_max_retries_overrides_the_client_default(call: Call) -> None:
    transport = FakeTransport()
    client = make_client(transport)
    assert attempts(call, client, transport) == 1 + CLIENT_RETRIES
    assert attempts(call, client, transport, max_retries=0) == 1
    assert attempts(call, client, transport, max_retries=4) == 5
    assert attempts(call, client, transport) == 1 + CLIENT_RETRIES  # nothing stuck to the client


@pytest.mark.parametrize("call", ALL_CALLS.values(), ids=ALL_CALLS.keys())
def test_per_call_timeout_reaches_the_transport_on_every_attempt(call: Call) -> None:
    transport = FakeTransport(default=OK_JSON)
    client = make_client(transport)
    transport.script[:] = [reply(UNAVAILABLE, {})]
    try:
        call(client, timeout=CALL_TIMEOUT)
    except InternalServerError:
        pass  # users.edit is never retried: its one attempt is the 503
    call(client)
    calls_sent = len(transport.timeouts)
    with_override = transport.timeouts[: calls_sent - 1]
    assert with_override and all(timeout == CALL_TIMEOUT for timeout in with_override)
    assert transport.timeouts[-1] == DEFAULT_TIMEOUT


@pytest.mark.parametrize("call", ALL_CALLS.values(), ids=ALL_CALLS.keys())
@pytest.mark.parametrize(
    "options",
    [
        {"max_retries": -1},
        {"max_retries": True},
        {"max_retries": 1.5},
        {"max_retries": "2"},
        {"timeout": -30},
        {"timeout": "30"},
        {"timeout": (1, 2)},
    ],
    ids=["negative", "bool", "float", "str", "negative-timeout", "text-timeout", "tuple-timeout"],
)
def test_bad_per_call_options_are_config_errors_before_sending(call: Call, options: dict[str, Any]) -> None:
    transport = FakeTransport()
    with pytest.raises(SuprsendConfigError, match=next(iter(options))):
        call(make_client(transport), **options)
    assert transport.sent == []


def test_users_edit_is_never_retried_so_a_retry_count_is_refused() -> None:
    transport = FakeTransport()
    client = make_client(transport)
    with pytest.raises(SuprsendConfigError, match="never retried"):
        _edit(client, max_retries=1)
    assert transport.sent == []
    assert attempts(_edit, client, transport, max_retries=0) == 1
    assert attempts(_edit, client, transport) == 1


# ---------------------------------------------------------------- with_options


def test_with_options_copy_uses_its_defaults_and_leaves_the_original_alone() -> None:
    transport = FakeTransport(default=OK_JSON)
    client = make_client(transport)
    quick = client.with_options(timeout=COPY_TIMEOUT, max_retries=0)
    assert attempts(_trigger_seed, quick, transport) == 1
    assert attempts(_trigger_seed, client, transport) == 1 + CLIENT_RETRIES
    assert attempts(_trigger_seed, quick, transport, max_retries=1) == 2  # a per-call value still wins

    transport.timeouts.clear()
    _track_event(quick)
    _track_event(client)
    _track_event(quick, timeout=CALL_TIMEOUT)
    assert transport.timeouts == [COPY_TIMEOUT, DEFAULT_TIMEOUT, CALL_TIMEOUT]


def test_with_options_keeps_what_it_is_not_given() -> None:
    transport = FakeTransport(default=OK_JSON)
    client = make_client(transport)
    longer = client.with_options(timeout=COPY_TIMEOUT).with_options(max_retries=0)
    assert attempts(_track_event, longer, transport) == 1
    transport.timeouts.clear()
    _track_event(longer)
    assert transport.timeouts == [COPY_TIMEOUT]
    assert attempts(_track_event, client.with_options(), transport) == 1 + CLIENT_RETRIES


def test_bulk_stream_and_profiles_taken_from_the_copy_use_its_defaults() -> None:
    transport = FakeTransport(default=reply(UNAVAILABLE, {"message": "down"}))
    quick = make_client(transport).with_options(timeout=COPY_TIMEOUT, max_retries=1)
    streamed = quick.bulk_events.stream([Event("u1", "order_shipped")])
    bulk = quick.workflows.bulk_trigger_instance()
    bulk.append(WorkflowTriggerRequest({"workflow": "welcome", "recipients": ["u1"]}))
    triggered = bulk.trigger()
    saved = quick.user.get_instance("u2").save()
    assert (streamed.failure, triggered.failure, saved["success"]) == (1, 1, False)
    assert len(transport.sent) == 3 * 2  # each of the three calls: one attempt and one retry
    assert set(transport.timeouts) == {COPY_TIMEOUT}


def test_with_options_shares_the_chain_and_credentials() -> None:
    seen: list[str] = []

    def record_operation(request: Any, call_next: Any) -> Any:
        seen.append(request.options.operation)
        return call_next(request)

    transport = FakeTransport()
    client = Suprsend(WORKSPACE, SECRET, transport=transport, middleware=[record_operation])
    copy = client.with_options(max_retries=0)
    _track_event(copy)
    assert seen == ["track_event"]
    assert transport.sent[0].headers["Authorization"].startswith(f"{WORKSPACE}:")
    assert repr(copy) == repr(client)
    assert copy.workspace_identifier() == client.workspace_identifier()


@pytest.mark.parametrize(
    "options",
    [{"max_retries": -1}, {"max_retries": False}, {"timeout": 0}, {"timeout": True}],
    ids=["negative", "bool", "zero-timeout", "bool-timeout"],
)
def test_with_options_refuses_bad_values(options: dict[str, Any]) -> None:
    with pytest.raises(SuprsendConfigError, match=next(iter(options))):
        make_client(FakeTransport()).with_options(**options)


class SpyTransport(FakeTransport):
    """Stands in for the default transport, so ownership of it can be observed."""

    def __init__(self, *, pool_size: int, max_response_bytes: int) -> None:
        super().__init__(default=OK_JSON)
        self.close_calls = 0

    def close(self) -> None:
        self.close_calls += 1


def test_closing_a_copy_leaves_the_shared_transport_to_its_owner(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_client, "Urllib3Transport", SpyTransport)
    owner = Suprsend(WORKSPACE, SECRET)
    shared = owner._transport
    assert isinstance(shared, SpyTransport)
    with owner.with_options(max_retries=0) as copy:
        assert copy._transport is shared
    assert shared.close_calls == 0
    _track_event(owner)  # the owner still sends through it
    owner.close()
    assert shared.close_calls == 1
