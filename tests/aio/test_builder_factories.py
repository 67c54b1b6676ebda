"""The async client's builder factories: the sync client's checks and errors, its builders' methods, and a
``save()`` that is awaited (the bytes sent are compared in ``test_wire_identity``)."""

from __future__ import annotations

import asyncio
import functools
import inspect
import re
from collections.abc import Callable
from typing import Any

import pytest

import suprsend_typed
from codegen.customisations import HAND_CALLS
from suprsend_typed import (
    AsyncSuprsend,
    AsyncUserEdit,
    BaseUserEdit,
    Event,
    ObjectEdit,
    Suprsend,
    UserEdit,
)
from tests.aio.test_wire_identity import async_client, sync_client
from tests.core.fakes import AsyncFakeTransport, FakeTransport

Factory = Callable[[Any], object]

# (factory, arguments): each refused before anything is sent.
BAD_CALLS: list[tuple[str, tuple[Any, ...]]] = [
    ("users.get_edit_instance", (None,)),
    ("users.get_edit_instance", ("",)),
    ("users.get_edit_instance", ("   ",)),
    ("users.get_edit_instance", (42,)),
    ("users.get_edit_instance", ("u-1", 42)),
    ("users.get_edit_instance", ("u-1", "   ")),
    ("users.get_edit_instance", (None, "   ")),
    ("user.get_instance", ()),
    ("user.get_instance", (None,)),
    ("user.get_instance", ("  ",)),
    ("user.get_instance", (42,)),
    ("user.new", ("",)),
    ("objects.get_edit_instance", (None, "t-7")),
    ("objects.get_edit_instance", ("teams", "")),
    ("objects.get_edit_instance", ("  ", 7)),
]


def _factory(client: Suprsend | AsyncSuprsend, dotted: str) -> Callable[..., object]:
    namespace, method = dotted.split(".")
    factory: Callable[..., object] = getattr(getattr(client, namespace), method)
    return factory


def _refusal(call: Callable[[], object]) -> tuple[type[BaseException], str, object]:
    with pytest.raises(Exception) as raised:
        call()
    return type(raised.value), str(raised.value), getattr(raised.value, "path", None)


@pytest.mark.parametrize(("dotted", "args"), BAD_CALLS, ids=[f"{d}{a!r}" for d, a in BAD_CALLS])
def test_bad_factory_input_is_refused_with_the_sync_error_and_nothing_sent(
    dotted: str, args: tuple[Any, ...]
) -> None:
    by_sync, by_async = FakeTransport(), AsyncFakeTransport()
    with sync_client(by_sync) as client:
        expected = _refusal(lambda: _factory(client, dotted)(*args))

    async def run() -> tuple[type[BaseException], str, object]:
        async with async_client(by_async) as client:
            return _refusal(lambda: _factory(client, dotted)(*args))

    assert asyncio.run(run()) == expected
    assert by_sync.sent == by_async.sent == []


@pytest.mark.parametrize(
    "dotted", ["users.get_edit_instance", "user.get_instance", "user.new", "objects.get_edit_instance"]
)
def test_every_factory_has_the_sync_signature(dotted: str) -> None:
    sync, aio = sync_client(FakeTransport()), async_client(AsyncFakeTransport())
    sync_factory, async_factory = _factory(sync, dotted), _factory(aio, dotted)
    assert inspect.signature(async_factory).parameters == inspect.signature(sync_factory).parameters
    assert not inspect.iscoroutinefunction(async_factory)  # a builder is made at once; only sends wait
    sync_bulk = inspect.signature(sync.users.get_bulk_edit_instance)
    async_bulk = inspect.signature(aio.users.get_bulk_edit_instance)
    assert async_bulk.parameters == sync_bulk.parameters
    assert async_bulk.return_annotation == f"Async{sync_bulk.return_annotation}"


def test_the_builders_are_the_sync_builders_with_an_awaited_save() -> None:
    aio = async_client(AsyncFakeTransport())
    user = aio.users.get_edit_instance(" u-1 ", "acme")
    legacy = aio.user.get_instance(" u-2 ")
    assert isinstance(user, AsyncUserEdit) and isinstance(legacy, AsyncUserEdit)
    assert isinstance(user, BaseUserEdit) and not isinstance(user, UserEdit)
    assert (user.distinct_id, user.tenant_id, legacy.distinct_id) == ("u-1", "acme", "u-2")
    assert inspect.iscoroutinefunction(AsyncUserEdit.save)
    assert not inspect.iscoroutinefunction(UserEdit.save)
    # Every builder method is the one both classes inherit, not a copy; they add only save() and the core.
    for name in (name for name in dir(BaseUserEdit) if not name.startswith("__")):
        assert getattr(AsyncUserEdit, name) is getattr(UserEdit, name) is getattr(BaseUserEdit, name), name
    added = {name for cls in (UserEdit, AsyncUserEdit) for name in vars(cls) if not name.startswith("__")}
    assert added == {"save", "_core"}
    obj = aio.objects.get_edit_instance(" teams ", " t-7 ")
    assert type(obj) is ObjectEdit
    assert (obj.object_type, obj.object_id) == ("teams", "t-7")


def test_a_strict_async_client_refuses_a_bad_value_in_its_builders_as_the_sync_one() -> None:
    sync = Suprsend("key", "secret", transport=FakeTransport(), strict=True)
    aio = AsyncSuprsend("key", "secret", transport=AsyncFakeTransport(), strict=True)

    def bad_user_email(client: Suprsend | AsyncSuprsend) -> None:
        client.users.get_edit_instance("u-1").add_email("not an email")

    def bad_object_email(client: Suprsend | AsyncSuprsend) -> None:
        client.objects.get_edit_instance("teams", "t-7").set_email("nope")

    refusals = [
        _refusal(functools.partial(check, client))
        for check in (bad_user_email, bad_object_email)
        for client in (sync, aio)
    ]
    assert refusals[0] == refusals[1] and refusals[2] == refusals[3]
    assert refusals[0][0].__name__ == "ValidationError"


def test_the_async_bulk_of_users_takes_either_clients_edits_and_refuses_other_items_alike() -> None:
    transport = AsyncFakeTransport()

    async def run() -> tuple[int, tuple[type[BaseException], str, object]]:
        async with async_client(transport) as client:
            bulk = client.users.get_bulk_edit_instance()
            mine = client.users.get_edit_instance("u-1")
            mine.set("plan", "pro")
            theirs = sync_client(FakeTransport()).users.get_edit_instance("u-2")
            theirs.set("plan", "free")
            bulk.append(mine, theirs)
            wrong = _refusal(lambda: bulk.append(Event("u-1", "signed_up")))  # type: ignore[arg-type]
            response = await bulk.save()
            return response.success, wrong

    success, wrong = asyncio.run(run())
    with sync_client(FakeTransport()) as client:
        expected = _refusal(lambda: client.users.get_bulk_edit_instance().append(Event("u", "e")))  # type: ignore[arg-type]
    assert success == 2
    assert wrong == expected and wrong[0] is TypeError
    assert len(transport.sent) == 1  # one chunk, both edits


def test_with_options_gives_the_copy_its_own_user_factory() -> None:
    transport = AsyncFakeTransport()
    client = async_client(transport)
    factory = client.user
    derived = client.with_options(max_retries=0)
    assert derived.user is not factory
    assert derived.user._core is derived._core


CALL = re.compile(r"^(?P<awaited>await )?(?P<path>[\w.]+)\((?P<args>[^)]*)\) -> (?P<returns>.+)$")


def _resolve(path: str, client: Suprsend | AsyncSuprsend) -> Any:
    """``client.users.get_edit_instance`` on ``client``, or ``UserEdit.save`` on the package's class."""
    root, *names = path.split(".")
    target: Any = client if root == "client" else getattr(suprsend_typed, root)
    for name in names:
        target = getattr(target, name)
    return target


def _listed_parameters(function: Any) -> list[str]:
    """The parameters a row shows: those that may be passed by position, with their defaults."""
    shown = []
    for name, parameter in inspect.signature(function).parameters.items():
        if name == "self" or parameter.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD:
            continue
        default = "" if parameter.default is inspect.Parameter.empty else f"={parameter.default!r}"
        shown.append(name + default)
    return shown


@pytest.mark.parametrize(
    "row", [row for rows in HAND_CALLS.values() for pair in rows for row in pair], ids=str
)
def test_every_row_of_the_hand_calls_table_is_what_the_client_has(row: str) -> None:
    """docs/api.md lists the hand calls from ``codegen/customisations.py`` HAND_CALLS: each row names a call
    both clients have, with its parameters, result annotation and whether it is awaited."""
    matched = CALL.match(row)
    assert matched, row
    sync_row = row in {pair[0] for rows in HAND_CALLS.values() for pair in rows}
    client: Suprsend | AsyncSuprsend = (
        sync_client(FakeTransport()) if sync_row else async_client(AsyncFakeTransport())
    )
    function = _resolve(matched["path"], client)
    assert inspect.iscoroutinefunction(function) is bool(matched["awaited"]), row
    listed = [arg for arg in matched["args"].split(", ") if arg]
    assert _listed_parameters(function) == listed, row
    assert inspect.signature(function).return_annotation == matched["returns"], row


def test_the_hand_calls_table_lists_every_call_the_async_hand_resources_add() -> None:
    listed = set()
    for rows in HAND_CALLS.values():
        for _, row in rows:
            matched = CALL.match(row)
            assert matched is not None
            listed.add(matched["path"])
    aio = async_client(AsyncFakeTransport())
    for namespace in ("workflows", "users", "objects", "user"):
        added = {name for name in vars(type(getattr(aio, namespace))) if not name.startswith("_")}
        assert added, namespace
        assert {f"client.{namespace}.{name}" for name in added} <= listed, namespace
