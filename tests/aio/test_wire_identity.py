"""The async client puts on the wire exactly what the sync client does, for every operation of the table.

Both clients get the same sample arguments (``tests.support.operation_samples``), a fixed clock and fixed
ids, so even the ``Date`` header and the HMAC signature agree: whole requests (method, URL, every header in
order, body bytes) are compared. The seed forms (``WorkflowTriggerRequest``, ``Event``, legacy ``Workflow``)
and the profile builders each client makes (their ``save()``, ``users.edit``, ``objects.edit`` and the bulk
of users) are compared over hypothesis-generated inputs.
"""

from __future__ import annotations

import asyncio
import copy
import inspect
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suprsend_typed import (
    AsyncSuprsend,
    BulkResponse,
    Event,
    SubscriberListBroadcast,
    Suprsend,
    Workflow,
    WorkflowTriggerRequest,
)
from suprsend_typed._bulk.async_bulk import AsyncBulkResponse
from suprsend_typed._errors import NotFoundError
from suprsend_typed._generated.operations import OPERATIONS
from suprsend_typed._http import Request
from suprsend_typed._operation import OperationInfo
from suprsend_typed.cli.operation_calls import generated_class
from suprsend_typed.cli.operation_commands import operation_call
from tests.core.fakes import AsyncFakeTransport, FakeTransport, reply
from tests.support.operation_samples import direct_arguments, sample_body
from tests.support.strategies import (
    distinct_ids,
    event_names,
    event_properties,
    legacy_workflow_bodies,
    profile_call_lists,
    trigger_bodies,
)

KEY, SECRET = "workspace-key", "workspace-secret"
BASE_URL = "http://127.0.0.1:9/"
NOT_FOUND = reply(404, {"message": "not found"})
NOW = 1_700_000_000.0


def _ids() -> Any:
    """Ids in the form of uuid4 strings, numbered, so that both clients give the same ones."""
    counter = iter(range(10**9))
    return lambda: str(uuid.UUID(int=next(counter), version=4))


def sync_client(transport: FakeTransport) -> Suprsend:
    return Suprsend(KEY, SECRET, BASE_URL, transport=transport, clock=lambda: NOW, id_factory=_ids())


def async_client(transport: AsyncFakeTransport) -> AsyncSuprsend:
    return AsyncSuprsend(KEY, SECRET, BASE_URL, transport=transport, clock=lambda: NOW, id_factory=_ids())


def wire(request: Request) -> tuple[str, str, list[tuple[str, str]], bytes]:
    return request.method, request.url, request.headers.items_list(), request.content


def async_generated_class(resource: object, namespace: str) -> type[Any]:
    module = f"suprsend_typed._generated.async_resources.{namespace}"
    return next(cls for cls in type(resource).__mro__ if cls.__module__ == module)


@pytest.mark.parametrize("op", list(OPERATIONS.values()), ids=list(OPERATIONS))
def test_every_operation_sends_the_same_bytes_from_both_clients(op: OperationInfo) -> None:
    call = operation_call(op)
    ids = [f"{name}-v" for name in call.path_ids]
    body = sample_body(op) if call.takes_body else None
    args = direct_arguments(op, call, ids, body)

    by_sync = FakeTransport(script=[NOT_FOUND])
    with sync_client(by_sync) as client, pytest.raises(NotFoundError):
        resource = getattr(client, op.namespace)
        getattr(generated_class(resource, op.namespace), op.method_name)(resource, *args)

    by_async = AsyncFakeTransport(FakeTransport(script=[NOT_FOUND]))

    async def run() -> None:
        async with async_client(by_async) as client:
            resource = getattr(client, op.namespace)
            method = getattr(async_generated_class(resource, op.namespace), op.method_name)
            with pytest.raises(NotFoundError):
                await method(resource, *args)  # a coroutine, or the pager of a list operation

    asyncio.run(run())
    assert [wire(r) for r in by_async.sent] == [wire(r) for r in by_sync.sent]
    assert len(by_sync.sent) == 1


@pytest.mark.parametrize("op", list(OPERATIONS.values()), ids=list(OPERATIONS))
def test_the_official_keyword_forms_send_the_same_bytes_from_the_async_client(op: OperationInfo) -> None:
    """Positional arguments passed by their (official) names, where the signature allows it."""
    call = operation_call(op)
    ids = [f"{name}-v" for name in call.path_ids]
    body = sample_body(op) if call.takes_body else None
    args = direct_arguments(op, call, ids, body)

    by_sync = FakeTransport(script=[NOT_FOUND])
    with sync_client(by_sync) as client, pytest.raises(NotFoundError):
        resource = getattr(client, op.namespace)
        getattr(generated_class(resource, op.namespace), op.method_name)(resource, *args)

    by_async = AsyncFakeTransport(FakeTransport(script=[NOT_FOUND]))

    async def run() -> None:
        async with async_client(by_async) as client:
            resource = getattr(client, op.namespace)
            method = getattr(async_generated_class(resource, op.namespace), op.method_name)
            signature = inspect.signature(method)
            bound = signature.bind(resource, *args).arguments
            kinds = {name: signature.parameters[name].kind for name in bound if name != "self"}
            positional = [
                bound[name] for name, kind in kinds.items() if kind is inspect.Parameter.POSITIONAL_ONLY
            ]
            keywords = {
                name: bound[name]
                for name, kind in kinds.items()
                if kind is not inspect.Parameter.POSITIONAL_ONLY
            }
            with pytest.raises(NotFoundError):
                await method(resource, *positional, **keywords)

    asyncio.run(run())
    assert [wire(r) for r in by_async.sent] == [wire(r) for r in by_sync.sent]


def test_every_sync_method_has_an_async_twin_with_the_same_signature() -> None:
    sync, aio = sync_client(FakeTransport()), async_client(AsyncFakeTransport())
    for op in OPERATIONS.values():
        sync_method = getattr(generated_class(getattr(sync, op.namespace), op.namespace), op.method_name)
        async_method = getattr(
            async_generated_class(getattr(aio, op.namespace), op.namespace), op.method_name
        )
        sync_sig, async_sig = inspect.signature(sync_method), inspect.signature(async_method)
        assert list(sync_sig.parameters.values()) == list(async_sig.parameters.values()), op.id
        if op.pagination is None:
            assert inspect.iscoroutinefunction(async_method), op.id
            assert sync_sig.return_annotation == async_sig.return_annotation, op.id
        else:  # a plain method returning a pager: awaited for the first page, iterated for every item
            assert async_sig.return_annotation == sync_sig.return_annotation.replace("Page[", "AsyncPager[")


async def _seed_async(transport: AsyncFakeTransport, kind: str, body: Any) -> None:
    async with async_client(transport) as client:
        if kind == "trigger":
            await client.workflows.trigger(WorkflowTriggerRequest(body))
        elif kind == "legacy":
            await client.trigger_workflow(Workflow(body))
        else:
            await client.track_event(Event(*body))


def _seed_sync(transport: FakeTransport, kind: str, body: Any) -> None:
    with sync_client(transport) as client:
        if kind == "trigger":
            client.workflows.trigger(WorkflowTriggerRequest(body))
        elif kind == "legacy":
            client.trigger_workflow(Workflow(body))
        else:
            client.track_event(Event(*body))


@settings(max_examples=40, deadline=None)
@given(
    st.one_of(
        st.tuples(st.just("trigger"), trigger_bodies),
        st.tuples(st.just("legacy"), legacy_workflow_bodies),
        st.tuples(st.just("event"), st.tuples(distinct_ids, event_names, event_properties)),
    )
)
def test_seed_calls_send_the_same_bytes_from_both_clients(case: tuple[str, Any]) -> None:
    kind, body = case
    by_sync, by_async = FakeTransport(), AsyncFakeTransport()
    sync_error = async_error = None
    try:
        _seed_sync(by_sync, kind, body)
    except Exception as exc:  # noqa: BLE001 - a refused input must be refused alike
        sync_error = exc
    try:
        asyncio.run(_seed_async(by_async, kind, body))
    except Exception as exc:  # noqa: BLE001
        async_error = exc
    assert type(sync_error) is type(async_error)
    assert str(sync_error) == str(async_error)
    assert [wire(r) for r in by_async.sent] == [wire(r) for r in by_sync.sent]


LEGACY_NAMES = {"name": "welcome", "template": "welcome"}
USERS = [{"distinct_id": "u"}]


@pytest.mark.parametrize(
    "case",
    [
        ("trigger", {"workflow": "welcome", "recipients": ["u-1"], "data": {"n": 1}}),
        ("legacy", {**LEGACY_NAMES, "notification_category": "system", "users": [{"distinct_id": "u-1"}]}),
        ("event", ("u-1", "order_placed", {"n": 1})),
    ],
)
def test_valid_seed_inputs_reach_the_wire_alike(case: tuple[str, Any]) -> None:
    kind, body = case
    by_sync, by_async = FakeTransport(), AsyncFakeTransport()
    _seed_sync(by_sync, kind, body)
    asyncio.run(_seed_async(by_async, kind, body))
    assert len(by_sync.sent) == 1
    assert [wire(r) for r in by_async.sent] == [wire(r) for r in by_sync.sent]


def test_attachments_reach_the_wire_alike(tmp_path: Path) -> None:
    invoice = tmp_path / "invoice.pdf"
    invoice.write_bytes(b"%PDF-1.4 invoice")

    def requests() -> tuple[WorkflowTriggerRequest, Event, Workflow]:
        trigger = WorkflowTriggerRequest({"workflow": "welcome", "recipients": ["u-1"], "data": {"n": 1}})
        trigger.add_attachment(invoice)
        event = Event("u-1", "order_placed", {"n": 1})
        event.add_attachment(invoice, file_name="bill.pdf")
        legacy = Workflow(
            {**LEGACY_NAMES, "notification_category": "system", "users": [{"distinct_id": "u"}]}
        )
        legacy.add_attachment("https://example.com/terms.pdf")
        return trigger, event, legacy

    by_sync, by_async = FakeTransport(), AsyncFakeTransport()
    trigger, event, legacy = requests()
    with sync_client(by_sync) as client:
        client.workflows.trigger(trigger)
        client.track_event(event)
        client.trigger_workflow(legacy)

    async def run() -> None:
        trigger, event, legacy = requests()
        async with async_client(by_async) as client:
            await client.workflows.trigger(trigger)
            await client.track_event(event)
            await client.trigger_workflow(legacy)

    asyncio.run(run())
    assert len(by_sync.sent) == 3
    assert [wire(r) for r in by_async.sent] == [wire(r) for r in by_sync.sent]
    assert b"$attachments" in by_sync.sent[0].content


def _builder(kind: str) -> Any:
    """A fresh official builder of each kind (made with a sync client: builders are shared objects)."""
    maker = sync_client(FakeTransport())
    if kind.startswith("user"):
        edit = maker.users.get_edit_instance("u-1", "t-1")
        edit.set("name", "Ada")
        edit.increment("logins", 1)
        return edit
    if kind == "object":
        obj = maker.objects.get_edit_instance("teams", "t-7")
        obj.set({"plan": "pro"})
        return obj
    if kind == "broadcast":
        return SubscriberListBroadcast(
            {"list_id": "l-1", "template": "news", "notification_category": "system"}
        )
    if kind == "event":
        return Event("u-1", "order_placed", {"n": 1})
    return WorkflowTriggerRequest({"workflow": "welcome", "recipients": ["u-1"]})


_NAMESPACE = {
    "user": ("users", "edit"),
    "user event": ("users", "async_edit"),
    "object": ("objects", "edit"),
    "broadcast": ("subscriber_lists", "broadcast"),
    "event": ("events", "track"),
    "trigger": ("workflows", "trigger"),
}


@pytest.mark.parametrize("kind", sorted(_NAMESPACE))
def test_the_builder_forms_send_the_same_bytes_from_both_clients(kind: str) -> None:
    """users.edit(UserEdit), users.async_edit(UserEdit), objects.edit(ObjectEdit),
    subscriber_lists.broadcast(SubscriberListBroadcast), events.track(Event) and
    workflows.trigger(WorkflowTriggerRequest): one request, alike from both."""
    namespace, method = _NAMESPACE[kind]
    by_sync, by_async = FakeTransport(), AsyncFakeTransport()
    outcomes: list[object] = []
    with sync_client(by_sync) as client:
        try:
            outcomes.append(type(getattr(getattr(client, namespace), method)(_builder(kind))))
        except Exception as exc:  # noqa: BLE001 - an answer refused must be refused alike
            outcomes.append((type(exc), str(exc)))

    async def run() -> None:
        async with async_client(by_async) as client:
            try:
                outcomes.append(type(await getattr(getattr(client, namespace), method)(_builder(kind))))
            except Exception as exc:  # noqa: BLE001
                outcomes.append((type(exc), str(exc)))

    asyncio.run(run())
    assert len(by_sync.sent) == 1
    assert [wire(r) for r in by_async.sent] == [wire(r) for r in by_sync.sent]
    assert outcomes[0] == outcomes[1]


# ------------------------------------------------------------------------ builders made by each client


def _apply(edit: Any, calls: list[tuple[str, tuple[Any, ...]]]) -> Any:
    for name, args in calls:
        getattr(edit, name)(*copy.deepcopy(args))  # a builder may keep the values it is given
    return edit


def _outcome(result: object) -> object:
    """What a caller sees of a send, comparable across the two clients."""
    if isinstance(result, Exception):
        return type(result), str(result)
    if isinstance(result, (BulkResponse, AsyncBulkResponse)):
        return str(result), result.failed_records, result.warnings
    return type(result), repr(result)


def _profile_saves_sync(
    transport: FakeTransport, calls: list[tuple[str, tuple[Any, ...]]], tenant: str | None
) -> list[object]:
    """Each save path of the sync client's own builders, in one order: ``UserEdit.save``, the older
    ``user.get_instance(...).save()``, ``users.edit``, ``objects.edit`` and a bulk of users."""
    outcomes: list[object] = []
    with sync_client(transport) as client:
        sends: list[Callable[[], object]] = [
            lambda: _apply(client.users.get_edit_instance("u-1", tenant), calls).save(),
            lambda: _apply(client.user.get_instance("u-2"), calls).save(),
            lambda: client.users.edit(_apply(client.users.get_edit_instance("u-3", tenant), calls)),
            lambda: client.objects.edit(_apply(client.objects.get_edit_instance("teams", "t-7"), calls)),
        ]
        for send in sends:
            try:
                outcomes.append(_outcome(send()))
            except Exception as exc:  # noqa: BLE001 - a refusal must be the same from both clients
                outcomes.append(_outcome(exc))
        bulk = client.users.get_bulk_edit_instance()
        bulk.append(_apply(client.users.get_edit_instance("u-4", tenant), calls))
        bulk.append(_apply(client.user.new("u-5"), calls))
        outcomes.append(_outcome(bulk.save()))
    return outcomes


async def _profile_saves_async(
    transport: AsyncFakeTransport, calls: list[tuple[str, tuple[Any, ...]]], tenant: str | None
) -> list[object]:
    """``_profile_saves_sync`` with the async client's own builders, every send awaited."""
    outcomes: list[object] = []
    async with async_client(transport) as client:
        sends: list[Callable[[], Awaitable[object]]] = [
            lambda: _apply(client.users.get_edit_instance("u-1", tenant), calls).save(),
            lambda: _apply(client.user.get_instance("u-2"), calls).save(),
            lambda: client.users.edit(_apply(client.users.get_edit_instance("u-3", tenant), calls)),
            lambda: client.objects.edit(_apply(client.objects.get_edit_instance("teams", "t-7"), calls)),
        ]
        for send in sends:
            try:
                outcomes.append(_outcome(await send()))
            except Exception as exc:  # noqa: BLE001
                outcomes.append(_outcome(exc))
        bulk = client.users.get_bulk_edit_instance()
        bulk.append(_apply(client.users.get_edit_instance("u-4", tenant), calls))
        bulk.append(_apply(client.user.new("u-5"), calls))
        outcomes.append(_outcome(await bulk.save()))
    return outcomes


@settings(max_examples=40, deadline=None)
@given(calls=profile_call_lists, tenant=st.none() | st.just("acme"))
def test_builder_saves_send_the_same_bytes_from_both_clients(
    calls: list[tuple[str, tuple[Any, ...]]], tenant: str | None
) -> None:
    """Builders made by each client's own factories (``AsyncUserEdit`` on the async one) send the same
    requests, signatures included, and give the same results or errors."""
    by_sync, by_async = FakeTransport(), AsyncFakeTransport()
    sync_outcomes = _profile_saves_sync(by_sync, calls, tenant)
    async_outcomes = asyncio.run(_profile_saves_async(by_async, calls, tenant))
    assert async_outcomes == sync_outcomes
    assert [wire(r) for r in by_async.sent] == [wire(r) for r in by_sync.sent]


def test_valid_builder_saves_reach_the_wire_alike() -> None:
    calls: list[tuple[str, tuple[Any, ...]]] = [
        ("set", ("name", "Ada")),
        ("add_email", ("ada@example.com",)),
        ("increment", ({"logins": 1},)),
    ]
    by_sync, by_async = FakeTransport(), AsyncFakeTransport()
    sync_outcomes = _profile_saves_sync(by_sync, calls, "acme")
    async_outcomes = asyncio.run(_profile_saves_async(by_async, calls, "acme"))
    assert async_outcomes == sync_outcomes
    assert [(r.method, r.url) for r in by_sync.sent] == [
        ("POST", f"{BASE_URL}event/"),
        ("POST", f"{BASE_URL}event/"),
        ("PATCH", f"{BASE_URL}v1/user/u-3/tenant/acme/"),
        ("PATCH", f"{BASE_URL}v1/object/teams/t-7/"),
        ("POST", f"{BASE_URL}event/"),
    ]
    assert [wire(r) for r in by_async.sent] == [wire(r) for r in by_sync.sent]


@pytest.mark.parametrize(
    ("args", "path"),
    [
        (("u-1", {"operations": [{"$set": {"n": 1}}]}, "t-1", {"locale": "fr"}), "v1/user/u-1/tenant/t-1/"),
        ((" u-1 ", {"operations": [{"$set": {"n": 1}}]}, "", None), "v1/user/u-1/"),
    ],
)
def test_users_edit_routes_on_tenant_id_alike_from_both_clients(args: tuple[Any, ...], path: str) -> None:
    """The official ``users.edit(distinct_id, payload, tenant_id, options)``: a non-empty tenant_id sends
    edit_user_for_tenant, from the generated method of either client."""
    by_sync, by_async = (
        FakeTransport(default=reply(200, {})),
        AsyncFakeTransport(FakeTransport(default=reply(200, {}))),
    )
    with sync_client(by_sync) as client:
        client.users.edit(*args)

    async def run() -> None:
        async with async_client(by_async) as client:
            await client.users.edit(*args)

    asyncio.run(run())
    assert by_sync.sent[0].url.split("?")[0] == BASE_URL + path
    assert [wire(r) for r in by_async.sent] == [wire(r) for r in by_sync.sent]
