"""The sandbox answers as the hub does (issue: a faithful sandbox): the hub's error shape, read by both
SDKs; messages in the description's shape, with its filters and the recipients' opt-outs; ``meta.count``
the total; no 5xx for a missing or null body; a JSON 405 with ``Allow``; a refused head with a bad header
name; object recipients fanned out; the Event API shape on ``POST /event/``; the description's statuses;
no lost update under concurrent edits; the ``default`` tenant and brand."""

from __future__ import annotations

import threading
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import suprsend as official

from suprsend_typed._errors import APIStatusError, error_message
from suprsend_typed._generated.operations import OPERATIONS
from suprsend_typed._http import Response
from suprsend_typed._operation import OperationInfo
from suprsend_typed.sandbox import DEFAULT_API_KEY, Fault, Sandbox
from suprsend_typed.sandbox.limits import MAX_CONTENT_LENGTH

from .contract import assert_hub_error
from .wire import Wire, host_of, raw_exchange

THREADS = 20
INCREMENTS_PER_THREAD = 50


@pytest.fixture
def sent(model_wire: Wire) -> Wire:
    return model_wire


def ok(response: Response, status: int) -> Any:
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def trigger(wire: Wire, recipients: list[Any], **extra: Any) -> Any:
    body = {"workflow": "welcome", "recipients": recipients, "data": {}, **extra}
    return ok(wire.send("POST", "trigger/", body), 202)


def messages(wire: Wire, query: str = "") -> Any:
    return ok(wire.send("GET", f"v1/message/?{query}"), 200)


# The hub's error shape, and both SDKs reading it


def test_errors_have_the_hub_shape_and_both_sdks_show_the_message(sent: Wire, model_hub: Sandbox) -> None:
    response = sent.send("GET", "v1/user/nobody/")
    assert response.status_code == 404
    assert_hub_error(response.json(), 404)
    assert response.json()["error_code"] == "not_found" and response.json()["type"] == "NotFound"
    assert error_message(response) == "user 'nobody' not found"
    with model_hub.client() as client, pytest.raises(APIStatusError) as ours:
        client.users.get("nobody")
    assert "user 'nobody' not found" in str(ours.value)
    theirs = official.Suprsend(
        model_hub.credentials.workspace_key, model_hub.credentials.workspace_secret, base_url=model_hub.url
    )
    with pytest.raises(official.SuprsendAPIException) as caught:
        theirs.users.get("nobody")
    assert "user 'nobody' not found" in str(caught.value)


# Messages


def test_messages_have_the_description_shape(sent: Wire) -> None:
    ok(sent.send("POST", "v1/user/ann/", {"$email": ["ann@example.com"]}), 201)
    accepted = trigger(sent, ["ann"], tenant_id="acme", **{"$idempotency_key": "k1"})
    [message] = messages(sent)["results"]
    assert message["message_id"] == accepted["message_id"]
    assert message["recipient"] == {"$type": "user", "distinct_id": "ann", "object_type": None, "id": None}
    assert message["workflow"]["slug"] == "welcome" and message["template"]["slug"] == "welcome"
    assert message["channel"] == "email" and message["channel_identity"] == {"email": "ann"}
    assert (message["is_read"], message["is_archived"], message["status"]) == (False, False, "delivered")
    assert message["triggered_at"] == message["created_at"] and message["read_at"] is None
    assert (message["tenant_id"], message["idempotency_key"]) == ("acme", "k1")
    assert set(message["vendor"]) == {"name", "nickname"} and message["is_campaign"] is False


def test_message_filters_are_applied(sent: Wire) -> None:
    ok(sent.send("POST", "v1/user/ann/", {"$sms": ["+15555550100"]}), 201)
    trigger(sent, ["ann", "bob"])
    ok(sent.send("POST", "v1/object/team/t1/", {}), 201)
    ok(sent.send("POST", "v1/object/team/t1/subscription/", {"recipients": ["cat"]}), 200)
    trigger(sent, [{"object_type": "team", "id": "t1"}])
    assert len(messages(sent)["results"]) == 3
    assert [m["recipient"]["distinct_id"] for m in messages(sent, "channel=sms")["results"]] == ["ann"]
    by_object = messages(sent, "object_type=team&object_id=t1")["results"]
    assert [m["recipient"]["distinct_id"] for m in by_object] == ["cat"]
    assert messages(sent, "is_campaign=true")["results"] == []
    assert messages(sent, "category[]=newsletter")["results"] == []
    assert len(messages(sent, "created_at_gte=2000-01-01T00:00:00Z")["results"]) == 3
    assert messages(sent, "created_at_lte=2000-01-01T00:00:00Z")["results"] == []
    half = sent.send("GET", "v1/message/?object_type=team")
    assert half.status_code == 400 and half.json()["message"].startswith("object_id: ")


def test_opted_out_recipients_get_no_message(sent: Wire) -> None:
    """A broadcast of a category a member opted out of, and a restricted channel, reach nobody there."""
    ok(sent.send("POST", "v1/user/ann/", {"$email": ["a@example.com"]}), 201)
    ok(sent.send("POST", "v1/user/bob/", {"$email": ["b@example.com"]}), 201)
    ok(sent.send("PATCH", "v1/user/ann/preference/category/product-updates/", {"preference": "opt_out"}), 202)
    ok(sent.send("POST", "v1/subscriber_list/", {"list_id": "l1"}), 201)
    ok(sent.send("POST", "v1/subscriber_list/l1/subscriber/add/", {"distinct_ids": ["ann", "bob"]}), 201)
    key = sent.credentials.workspace_key
    broadcast = {
        "list_id": "l1",
        "template": "tmpl",
        "notification_category": "product-updates",
        "data": {},
        "$insert_id": str(uuid.uuid4()),
        "$time": 1_700_000_000_000,
    }
    ok(sent.send("POST", f"{key}/broadcast/", broadcast), 202)
    assert [m["recipient"]["distinct_id"] for m in messages(sent)["results"]] == ["bob"]
    restricted = {"channel_preferences": [{"channel": "email", "is_restricted": True}]}
    ok(sent.send("PATCH", "v1/user/bob/preference/channel_preference/", restricted), 202)
    trigger(sent, [{"distinct_id": "bob", "$channels": ["email"]}])
    assert len(messages(sent)["results"]) == 1  # bob's only channel is restricted


def test_actions_update_messages(sent: Wire) -> None:
    accepted = trigger(sent, ["ann"])
    update = {"messages": [{"message_id": accepted["message_id"], "action": "read"}]}
    ok(sent.send("PATCH", "v1/bulk/message/", update), 202)
    [message] = messages(sent, "status[]=read")["results"]
    assert message["is_read"] is True and message["read_at"] is not None
    assert messages(sent, "status[]=unread")["results"] == []


def test_object_recipients_fan_out_to_subscribers(sent: Wire) -> None:
    ok(sent.send("POST", "v1/object/team/t1/", {"$email": ["team@example.com"]}), 201)
    ok(sent.send("POST", "v1/object/team/t1/subscription/", {"recipients": ["ann", "bob"]}), 200)
    accepted = trigger(sent, [{"object_type": "team", "id": "t1"}])
    results = messages(sent)["results"]
    recipients = [
        (m["recipient"]["$type"], m["recipient"]["distinct_id"] or m["recipient"]["id"]) for m in results
    ]
    assert recipients == [("object", "t1"), ("user", "ann"), ("user", "bob")]
    assert {m["execution_id"] for m in results} == {accepted["message_id"]}
    assert all((m["parent_entity_type"], m["parent_entity_id"]) == ("team", "t1") for m in results)
    assert "None" not in {m["recipient"]["distinct_id"] for m in results}


# Pages


def test_meta_count_is_the_total_of_matching_records(sent: Wire) -> None:
    for name in ("a", "b", "c"):
        ok(sent.send("POST", f"v1/user/{name}/", {}), 201)
    trigger(sent, ["a", "b", "c"])
    for path in ("v1/user/?limit=1", "v1/message/?limit=1"):
        page = ok(sent.send("GET", path), 200)
        assert (page["meta"]["count"], len(page["results"]), page["meta"]["has_next"]) == (3, 1, True)


def test_cursor_pages_end_exactly_when_the_items_do(sent: Wire) -> None:
    for name in ("a", "b", "c", "d"):
        ok(sent.send("POST", f"v1/user/{name}/", {}), 201)
    first = ok(sent.send("GET", "v1/user/?limit=2"), 200)
    assert first["meta"]["has_next"] is True and first["meta"]["has_prev"] is False
    last = ok(sent.send("GET", f"v1/user/?limit=2&after={first['meta']['after']}"), 200)
    assert [u["distinct_id"] for u in last["results"]] == ["c", "d"]
    assert last["meta"]["has_next"] is False and last["meta"]["after"] is None  # exactly `limit` were left
    whole = ok(sent.send("GET", "v1/user/?limit=4"), 200)
    assert whole["meta"]["has_next"] is False and len(whole["results"]) == 4
    back = ok(sent.send("GET", f"v1/user/?limit=2&before={last['meta']['before']}"), 200)
    assert [u["distinct_id"] for u in back["results"]] == ["a", "b"] and back["meta"]["has_prev"] is False


def test_offset_pages_hold_at_most_limit_items(sent: Wire) -> None:
    for name in ("a", "b", "c", "d"):
        ok(sent.send("POST", f"v1/tenant/{name}/", {"tenant_name": name}), 201)
    page = ok(sent.send("GET", "v1/tenant/?limit=2&offset=1"), 200)
    assert [t["tenant_id"] for t in page["results"]] == ["b", "c"]  # `default` sorts after "d"
    assert page["meta"] == {"count": 5, "limit": 2, "offset": 1}


@pytest.mark.parametrize(
    "path",
    [
        "v1/user/?limit=0",
        "v1/tenant/?limit=0",
        "v1/message/?limit=0",
        "v1/message/?limit=1001",
        "v1/tenant/?offset=-1",
    ],
)
def test_out_of_range_paging_is_a_400(sent: Wire, path: str) -> None:
    response = sent.send("GET", path)
    assert response.status_code == 400 and response.json()["error_code"] == "validation_error"


# Bodies, methods and heads


NULL_BODY_OPERATIONS = [
    ("POST", "v1/workflow_run/cancel/", "execution_id"),
    ("POST", "v1/broadcast_run/cancel/", "execution_id"),
    ("DELETE", "v1/bulk/user/", "distinct_ids"),
    ("DELETE", "v1/bulk/object/team/", "object_ids"),
    ("PATCH", "v1/user/ann/preference/", None),
    ("PATCH", "v1/user/ann/preference/channel_preference/", None),
    ("PATCH", "v1/user/ann/preference/category/newsletter/", None),
    ("PATCH", "v1/object/team/t1/preference/", None),
    ("PATCH", "v1/object/team/t1/preference/channel_preference/", None),
    ("PATCH", "v1/object/team/t1/preference/category/newsletter/", None),
    ("PATCH", "v1/tenant/acme/preference/category/newsletter/", None),
    ("PATCH", "v1/tenant/acme/category/newsletter/", None),
]


@pytest.mark.parametrize(("method", "path", "field"), NULL_BODY_OPERATIONS)
@pytest.mark.parametrize("content", [b"", b"null"])
def test_a_missing_or_null_body_is_never_a_5xx(
    sent: Wire, method: str, path: str, field: str | None, content: bytes
) -> None:
    ok(sent.send("POST", "v1/user/ann/", {}), 201)
    ok(sent.send("POST", "v1/object/team/t1/", {}), 201)
    ok(sent.send("POST", "v1/tenant/acme/", {"tenant_name": "Acme"}), 201)
    response = sent.send(method, path, content=content)
    assert response.status_code < 500, response.text
    if response.status_code >= 400:
        assert response.status_code == 400 and field is not None
        assert response.json()["message"].startswith(f"{field}: ")


@pytest.mark.parametrize("method", ["PUT", "TRACE", "OPTIONS", "FOO"])
def test_an_unsupported_method_is_a_json_405_with_allow(sent: Wire, method: str) -> None:
    response = sent.send(method, "v1/user/ann/")
    assert response.status_code == 405
    assert response.headers.get("Allow") == "PATCH, GET, POST, DELETE"
    assert response.json()["error_code"] == "method_not_allowed"


def test_an_unknown_path_is_still_a_404(sent: Wire) -> None:
    assert sent.send("PUT", "v1/nothing/").status_code == 404


def test_a_bad_header_name_refuses_the_request_and_changes_nothing(model_hub: Sandbox) -> None:
    body = b'{"name": "Ann"}'
    head = (
        f"POST /v1/user/ann/ HTTP/1.1\r\nHost: {host_of(model_hub.url)}\r\nBad Name: x\r\n"
        f"Authorization: Bearer sandbox-api-key\r\nContent-Type: application/json\r\n"
        f"Content-Length: {len(body)}"
    )
    answer = raw_exchange(model_hub.url, head, body)
    assert answer.status == 400 and answer.headers["content-type"].startswith("application/json")
    assert answer.json()["error_code"] == "bad_request" and answer.headers.get("connection") == "close"
    assert model_hub.store.profiles() == {}


def test_event_api_shape_is_accepted_on_event(sent: Wire, model_hub: Sandbox) -> None:
    event = {"distinct_id": "ann", "event": "ON SHIPMENT ARRIVAL", "properties": {"amount": "3780$"}}
    assert ok(sent.send("POST", "event/", event), 202) == {"message": "OK"}
    assert [r["body"]["event"] for r in model_hub.records("event")] == ["ON SHIPMENT ARRIVAL"]
    refused = sent.send("POST", "event/", {"distinct_id": "ann", "event": ""})
    assert refused.status_code == 400 and refused.json()["message"].startswith("event: ")


# Statuses


def test_statuses_follow_the_description(sent: Wire) -> None:
    assert sent.send("POST", "v1/user/ann/", {}).status_code == 201
    assert sent.send("POST", "v1/user/bob/", {}).status_code == 201
    assert sent.send("POST", "v1/user/ann/merge/", {"from_user_id": "bob"}).status_code == 201
    assert sent.send("POST", "v1/tenant/acme/", {"tenant_name": "Acme"}).status_code == 201
    assert sent.send("POST", "v1/object/team/t1/", {}).status_code == 201
    assert sent.send("POST", "v1/object/team/t1/subscription/", {"recipients": ["ann"]}).status_code == 200
    ok(sent.send("POST", "v1/subscriber_list/", {"list_id": "l1"}), 201)
    members = {"distinct_ids": ["ann"]}
    assert sent.send("POST", "v1/subscriber_list/l1/subscriber/add/", members).status_code == 201
    assert sent.send("POST", "v1/subscriber_list/l1/subscriber/remove/", members).status_code == 201
    version = ok(sent.send("POST", "v1/subscriber_list/l1/start_sync/", {}), 201)["version_id"]
    assert sent.send("PATCH", f"v1/subscriber_list/l1/version/{version}/finish_sync/", {}).status_code == 201
    preference = {"preference": "opt_out"}
    assert sent.send("PATCH", "v1/user/ann/preference/category/newsletter/", preference).status_code == 202
    assert (
        sent.send("PATCH", "v1/object/team/t1/preference/category/newsletter/", preference).status_code == 202
    )


def test_merge_keeps_the_primary_users_properties(sent: Wire) -> None:
    ok(sent.send("POST", "v1/user/ann/", {"plan": "pro", "city": "Oslo"}), 201)
    ok(sent.send("POST", "v1/user/bob/", {"plan": "free", "age": 30}), 201)
    merged = ok(sent.send("POST", "v1/user/ann/merge/", {"from_user_id": "bob"}), 201)
    assert merged["properties"] == {"plan": "pro", "city": "Oslo", "age": 30}
    assert sent.send("GET", "v1/user/bob/").status_code == 404


# Lost updates


@pytest.fixture(params=["memory", "db"])
def any_store_hub(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Sandbox]:
    db = str(tmp_path / "sandbox.db") if request.param == "db" else None
    with Sandbox(db_path=db) as running:
        yield running


@pytest.mark.parametrize("route", ["patch", "identity_event"])
def test_concurrent_increments_are_never_lost(any_store_hub: Sandbox, route: str) -> None:
    def work() -> None:
        with any_store_hub.client() as client:
            for _ in range(INCREMENTS_PER_THREAD):
                if route == "patch":
                    client.users.edit("ann", {"operations": [{"$increment": {"n": 1}}]})
                else:
                    edit = client.users.get_edit_instance("ann")
                    edit.increment("n", 1)
                    assert client.users.async_edit(edit)["success"]

    threads = [threading.Thread(target=work) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    profile = any_store_hub.store.profile("ann")
    assert profile is not None and profile["properties"]["n"] == THREADS * INCREMENTS_PER_THREAD


# Bearer mode defaults


def test_a_workspace_has_the_default_tenant_and_brand(sent: Wire) -> None:
    assert ok(sent.send("GET", "v1/tenant/default/"), 200)["tenant_id"] == "default"
    assert ok(sent.send("GET", "v1/brand/default/"), 200)["brand_id"] == "default"
    renamed = ok(sent.send("POST", "v1/tenant/default/", {"primary_color": "#ff0000"}), 201)
    assert (renamed["tenant_name"], renamed["primary_color"]) == ("default", "#ff0000")
    assert sent.send("DELETE", "v1/tenant/default/").status_code == 204


# Guards: several API keys, the size cap's edge, control methods


def test_every_configured_api_key_is_accepted_and_no_other() -> None:
    with Sandbox(api_keys=("key-one", "key-two", "key-three")) as running:
        wire = Wire.to(running)
        try:
            statuses = [
                wire.send("GET", "v1/tenant/", bearer=key).status_code
                for key in ("key-one", "key-two", "key-three", "key-four", "key-one-", "")
            ]
        finally:
            wire.close()
    assert statuses == [200, 200, 200, 401, 401, 401]


def test_a_body_of_exactly_the_cap_is_read_and_one_byte_more_is_a_413(model_hub: Sandbox) -> None:
    def post(length: int) -> Any:
        body = b"{}" + b" " * (length - 2)
        head = (
            f"POST /v2/event/ HTTP/1.1\r\nHost: {host_of(model_hub.url)}\r\n"
            f"Authorization: Bearer {DEFAULT_API_KEY}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {length}"
        )
        return raw_exchange(model_hub.url, head, body)

    at_cap = post(MAX_CONTENT_LENGTH)
    assert at_cap.status == 400 and at_cap.json()["error_code"] == "validation_error"  # read and validated
    assert post(MAX_CONTENT_LENGTH + 1).status == 413


@pytest.mark.parametrize("method", ["DELETE", "PATCH", "PUT"])
@pytest.mark.parametrize("name", ["faults", "reset", "seed"])
def test_control_requests_that_change_state_without_json_are_refused(
    model_hub: Sandbox, method: str, name: str
) -> None:
    model_hub.faults.add(Fault(kind="status", status=500), at=[99])
    head = f"{method} /_sandbox/{name} HTTP/1.1\r\nHost: {host_of(model_hub.url)}\r\nContent-Length: 0"
    assert raw_exchange(model_hub.url, head).status == 415
    assert len(model_hub.faults.rules()) == 1


def test_control_endpoints_answer_other_methods_with_a_405(model_hub: Sandbox) -> None:
    head = (
        f"PATCH /_sandbox/faults HTTP/1.1\r\nHost: {host_of(model_hub.url)}\r\n"
        "Content-Type: application/json\r\nContent-Length: 2"
    )
    answer = raw_exchange(model_hub.url, head, b"{}")
    assert answer.status == 405 and answer.headers["allow"] == "GET, POST, DELETE"
    assert len(model_hub.faults.rules()) == 0


def test_our_client_takes_the_hubs_statuses_as_success(model_hub: Sandbox) -> None:
    """201 for upserts, merges, list member changes and finish_sync, 202 for a preference PATCH, 200 for a
    subscription: our client, like the official SDK (``test_official_sdk.py``), succeeds on each."""
    with model_hub.client() as client:
        assert client.users.upsert("ann", {"plan": "pro"})["distinct_id"] == "ann"
        client.users.upsert("bob", {"age": 30})
        assert client.users.merge("ann", "bob")["properties"] == {"plan": "pro", "age": 30}
        assert client.tenants.upsert("acme", {"tenant_name": "Acme"})["tenant_id"] == "acme"
        assert client.objects.upsert("team", "t1", {})["id"] == "t1"
        assert client.objects.create_subscriptions("team", "t1", {"recipients": ["ann"]})["user"]
        client.subscriber_lists.create({"list_id": "l1"})
        assert client.subscriber_lists.add("l1", ["ann"])["affected_count"] == 1
        assert client.subscriber_lists.remove("l1", ["ann"])["affected_count"] == 1
        version = client.subscriber_lists.start_sync("l1")["version_id"]
        assert client.subscriber_lists.finish_sync("l1", version)["status"] == "completed"
        changed = client.users.update_category_preference("ann", "newsletter", {"preference": "opt_in"})
        assert changed["preference"] == "opt_in"
        changed = client.objects.update_category_preference(
            "team", "t1", "newsletter", {"preference": "opt_in"}
        )
        assert changed["preference"] == "opt_in"


def _existing_params(wire: Wire) -> dict[str, str]:
    """Path parameters naming entities that exist, so that a request gets past its 404s to its body."""
    ok(wire.send("POST", "v1/user/ann/", {}), 201)
    ok(wire.send("POST", "v1/object/team/t1/", {}), 201)
    ok(wire.send("POST", "v1/tenant/acme/", {"tenant_name": "Acme"}), 201)
    ok(wire.send("POST", "v1/subscriber_list/", {"list_id": "l1"}), 201)
    version = ok(wire.send("POST", "v1/subscriber_list/l1/start_sync/", {}), 201)["version_id"]
    return {
        "distinct_id": "ann",
        "tenant_id": "acme",
        "object_type": "team",
        "object_id": "t1",
        "list_id": "l1",
        "version_id": version,
        "category": "newsletter",
        "brand_id": "b1",
        "workspace": wire.credentials.workspace_key,
        "template_slug": "welcome",
        "channel": "email",
    }


@pytest.mark.parametrize(
    "op", [op for op in OPERATIONS.values() if op.http_method != "GET"], ids=lambda op: str(op.id)
)
def test_no_operation_answers_a_null_or_missing_body_with_a_5xx(sent: Wire, op: OperationInfo) -> None:
    params = _existing_params(sent)
    path = op.path.format(**{name: params[name] for name in op.path_params})
    for content in (b"", b"null"):
        response = sent.send(op.http_method, path, content=content)
        assert response.status_code < 500, (content, response.text)
        if response.status_code == 400:
            assert ": " in response.json()["message"] or response.json()["message"].startswith("expected")
