"""``users.edit`` (generated: the ``Route`` row of ``codegen/customisations.py``) routes as the official SDK
does: an empty ``tenant_id`` edits the global profile, a non-empty one the tenant profile; ids get the
official checks, a body exactly at the identity-event size limit is sent, and nothing beside a builder is
dropped silently."""

from __future__ import annotations

import json
from typing import Any

import pytest

from suprsend_typed import InputValueError, Suprsend, SuprsendConfigError, ValidationError
from suprsend_typed._generated.limits import MAX_IDENTITY_EVENT_APPARENT_BYTES

from .fakes import FakeTransport, reply

WORKSPACE = "WKEY-0123456789abcdef"
SECRET = "WS-SECRET-VALUE"
PROFILE = {"distinct_id": "u1", "properties": {}}


def _client() -> tuple[Suprsend, FakeTransport]:
    transport = FakeTransport(default=reply(200, PROFILE))
    return Suprsend(WORKSPACE, SECRET, transport=transport, max_retries=0), transport


def _payload(name: str) -> dict[str, object]:
    return {"operations": [{"$set": {"name": name}}]}


@pytest.mark.parametrize("tenant_id", ["", None])
def test_an_empty_or_absent_tenant_id_edits_the_global_profile(tenant_id: str | None) -> None:
    client, transport = _client()
    client.users.edit("u1", _payload("Ann"), tenant_id=tenant_id)
    builder = client.users.get_edit_instance("u1", tenant_id=tenant_id)
    builder.set("name", "Ann")
    client.users.edit(builder)
    assert [request.url.split("v1/", 1)[1] for request in transport.sent] == ["user/u1/", "user/u1/"]


def test_a_tenant_id_edits_the_tenant_profile() -> None:
    client, transport = _client()
    client.users.edit("u1", _payload("Ann"), tenant_id="t1")
    assert transport.sent[0].url.endswith("v1/user/u1/tenant/t1/")


def test_an_edit_exactly_at_the_size_limit_is_sent_and_one_byte_more_is_refused() -> None:
    client, transport = _client()
    room = MAX_IDENTITY_EVENT_APPARENT_BYTES - len(json.dumps(_payload("")))  # the wire separators
    client.users.edit("u1", _payload("x" * room))
    assert len(transport.sent[0].content) == MAX_IDENTITY_EVENT_APPARENT_BYTES
    with pytest.raises(InputValueError, match="User edit size"):
        client.users.edit("u1", _payload("x" * (room + 1)))
    assert len(transport.sent) == 1


def test_options_reach_the_query_of_either_route_and_ids_are_stripped() -> None:
    client, transport = _client()
    client.users.edit(" u1 ", _payload("Ann"), " t1 ", {"locale": "fr"})
    client.users.edit(edit_ins_or_distinct_id="u1", edit_payload=_payload("Ann"), options={"locale": "fr"})
    assert [request.url.split("v1/", 1)[1] for request in transport.sent] == [
        "user/u1/tenant/t1/?locale=fr",
        "user/u1/?locale=fr",
    ]


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda users: users.edit(None, _payload("Ann")), "missing distinct_id"),
        (lambda users: users.edit(" ", _payload("Ann"), "t1"), "missing distinct_id"),
        (lambda users: users.edit("u1", _payload("Ann"), "  "), "missing tenant_id"),
        (lambda users: users.edit("u1", _payload("Ann"), 7), "missing tenant_id"),
    ],
)
def test_bad_ids_get_the_official_messages_before_anything_is_sent(call: Any, message: str) -> None:
    client, transport = _client()
    with pytest.raises(ValidationError) as caught:
        call(client.users)
    assert str(caught.value.reason) == message
    assert transport.sent == []


def test_arguments_beside_a_builder_are_refused_rather_than_dropped() -> None:
    """The builder holds its tenant and operations: a tenant_id or payload given beside it is an error."""
    client, transport = _client()
    builder = client.users.get_edit_instance("u1")
    builder.set("name", "Ann")
    with pytest.raises(TypeError, match="tenant_id"):
        client.users.edit(builder, tenant_id="t1")
    with pytest.raises(TypeError, match="edit_payload"):
        client.users.edit(builder, _payload("Ann"))  # type: ignore[call-overload]
    assert transport.sent == []


def test_the_tenant_route_is_never_retried_either() -> None:
    client, transport = _client()
    with pytest.raises(SuprsendConfigError, match="max_retries must be 0"):
        client.users.edit("u1", _payload("Ann"), "t1", max_retries=2)
    assert transport.sent == []


def test_async_edit_refuses_anything_but_a_builder() -> None:
    client, transport = _client()
    with pytest.raises(TypeError, match="users.async_edit expects a UserEdit, got dict"):
        client.users.async_edit(_payload("Ann"))  # type: ignore[arg-type]
    assert transport.sent == []
