"""``users.edit`` routes as the official SDK does: an empty ``tenant_id`` edits the global profile, and a
body exactly at the identity-event size limit is sent."""

from __future__ import annotations

import json

import pytest

from suprsend_typed import InputValueError, Suprsend
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
