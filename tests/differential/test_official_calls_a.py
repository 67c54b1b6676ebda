"""Differential tests for every official 0.20.0 call of ``users``, ``tenants``, ``brands``, ``messages`` and
``workflows``: both SDKs send the same call to one loopback capture server.

Compared per call: method, percent-encoded path, query pairs and JSON body; the result (ours equals the
official dict, ``dict(ours)`` too); error statuses (both raise, same ``status_code`` and ``message``); and
inputs refused before sending (same exception kind and, for blank ids, the same message).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import pytest
import suprsend
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support.capture_server import CannedResponse, CapturedRequest, CaptureServer, capture_server
from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET
from support.wire_checks import has_valid_signature, without_volatile
from suprsend.exception import SuprsendAPIException as OfficialAPIError
from suprsend.exception import SuprsendValidationError as OfficialValidationError

from suprsend_typed import APIStatusError, SuprsendAPIException, ValidationError
from suprsend_typed._client import Suprsend
from tests.support.budget import examples

EXAMPLES = examples(12)
_settings = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Ids that need percent-encoding: "@", "/", spaces, "%", "?", "#", non-ASCII; never a dot segment.
_ID_ALPHABET = st.sampled_from([*"ab7-_.@/ %?#&=+~", "é", "ü", "日", "\u00a0"])
_raw_ids = st.text(_ID_ALPHABET, min_size=1, max_size=10)
ids = _raw_ids.filter(lambda value: value.strip() not in ("", ".", ".."))
# Path ids the official SDK does not strip (the category of a preference update): no surrounding blanks.
unstripped_ids = ids.filter(lambda value: value == value.strip())
_text = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=8)
# Payload keys that no schema of these operations reserves, so that any value is allowed.
_free_keys = st.text(st.sampled_from([*"xyz", "é", "日", "ß"]), min_size=1, max_size=5).map(lambda k: "x" + k)
payloads = st.dictionaries(_free_keys, _text | st.integers() | st.booleans(), max_size=3)

Call = Callable[[Any], Any]


class Pair:
    """The official client and ours, both pointed at one capture server that answers ``self.answer``."""

    def __init__(self, server: CaptureServer) -> None:
        self.server = server
        self.status = 200
        self.body: Any = {}
        server.responder = self._respond
        self.official = suprsend.Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url=server.url)
        # No retries: the official SDK sends each call once, even on a 500.
        self.ours = Suprsend(
            WORKSPACE_KEY, WORKSPACE_SECRET, base_url=server.url, auto_idempotency_key=False, max_retries=0
        )

    def _respond(self, request: CapturedRequest) -> CannedResponse:
        return CannedResponse(status=self.status, body=json.dumps(self.body).encode())

    def answer(self, status: int, body: Any) -> None:
        self.status, self.body = status, body

    def capture(self, call: Call, client: Any) -> tuple[Any, list[CapturedRequest]]:
        self.server.clear()
        try:
            result: Any = call(client)
        except Exception as exc:  # compared below, with the exception of the other SDK
            result = exc
        return result, self.server.requests

    def compare(self, call: Call, *, unstripped: bool = False) -> tuple[Any, Any]:
        """Run ``call`` on both clients; same requests, and the same result or the same error."""
        theirs, official_requests = self.capture(call, self.official)
        ours, our_requests = self.capture(call, self.ours)
        if isinstance(theirs, OfficialValidationError):
            assert isinstance(ours, ValidationError), ours
            assert our_requests == [] and official_requests == []
            return theirs, ours
        assert_same_requests(official_requests, our_requests)
        if isinstance(theirs, OfficialAPIError):
            assert isinstance(ours, APIStatusError) and isinstance(ours, SuprsendAPIException), ours
            assert (ours.status_code, ours.message) == (theirs.status_code, theirs.message)
            return theirs, ours
        assert not isinstance(ours, BaseException), ours
        assert ours == theirs
        assert dict(ours) == theirs
        return theirs, ours


def request_key(request: CapturedRequest) -> tuple[str, str, list[tuple[str, str]], Any]:
    parts = urlsplit(request.path)
    body = without_volatile(request.json()) if request.body else None
    return request.method, parts.path, parse_qsl(parts.query, keep_blank_values=True), body


def assert_same_requests(official: list[CapturedRequest], ours: list[CapturedRequest]) -> None:
    assert [request_key(r) for r in ours] == [request_key(r) for r in official]
    for request in ours:
        assert has_valid_signature(request, WORKSPACE_KEY, WORKSPACE_SECRET)


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    with capture_server() as server:
        clients = Pair(server)
        yield clients
        clients.ours.close()


PAGE = {
    "meta": {"count": 1, "limit": 20, "offset": 0},
    "results": [{"distinct_id": "ü-1", "tenant_id": "t é", "name": "日本"}],
}
RECORD = {"distinct_id": "ü-1", "tenant_id": "t é", "tenant_name": "Ünï", "properties": {"日": 1}}


def _calls(a: str, b: str, payload: dict[str, Any]) -> dict[str, tuple[Call, Any]]:
    """Each official call with ids ``a`` (and ``b``) and ``payload``: the call and the answer it gets."""
    p = payload

    def copied(value: Any) -> Any:
        return copy.deepcopy(value)

    return {
        "users.list": (lambda c: c.users.list({"limit": 5, "after": a}), PAGE),
        "users.get": (lambda c: c.users.get(a), RECORD),
        "users.upsert": (lambda c: c.users.upsert(a, copied(p)), RECORD),
        "users.edit": (lambda c: c.users.edit(a, {"operations": [{"$set": copied(p)}]}), RECORD),
        "users.edit for a tenant": (
            lambda c: c.users.edit(a, {"operations": [{"$set": copied(p)}]}, tenant_id=b),
            RECORD,
        ),
        "users.edit with options": (
            lambda c: c.users.edit(a, {"operations": [{"$set": copied(p)}]}, None, {"locale": "fr"}),
            RECORD,
        ),
        "users.edit for a tenant with options": (
            lambda c: c.users.edit(a, {"operations": [{"$set": copied(p)}]}, b, {"locale": "fr"}),
            RECORD,
        ),
        "users.edit(UserEdit)": (lambda c: c.users.edit(_edit_instance(c, a, b)), RECORD),
        "users.edit(UserEdit) with options": (
            lambda c: c.users.edit(_edit_instance(c, a, b), None, None, {"locale": "fr"}),
            RECORD,
        ),
        "users.merge": (lambda c: c.users.merge(a, b), RECORD),
        "users.delete": (lambda c: c.users.delete(a), {}),
        "users.bulk_delete": (lambda c: c.users.bulk_delete({"distinct_ids": [a, b]}), {}),
        "users.list_associated_tenants": (lambda c: c.users.list_associated_tenants(a, {"limit": 3}), PAGE),
        "users.get_for_tenant": (lambda c: c.users.get_for_tenant(a, b), RECORD),
        "users.upsert_for_tenant": (lambda c: c.users.upsert_for_tenant(a, b, copied(p)), RECORD),
        "users.unlink_tenant": (lambda c: c.users.unlink_tenant(a, b), {}),
        "users.get_objects_subscribed_to": (lambda c: c.users.get_objects_subscribed_to(a), PAGE),
        "users.get_lists_subscribed_to": (lambda c: c.users.get_lists_subscribed_to(a), PAGE),
        "users.get_full_preference": (
            lambda c: c.users.get_full_preference(a, {"tenant_id": b, "show_opt_out_channels": True}),
            RECORD,
        ),
        "users.update_global_channels_preference": (
            lambda c: c.users.update_global_channels_preference(
                a, {"channel_preferences": [{"channel": "email", "is_restricted": True}]}, {"tenant_id": b}
            ),
            RECORD,
        ),
        "users.get_category_preference": (
            lambda c: c.users.get_category_preference(a, b, {"tenant_id": "t1"}),
            RECORD,
        ),
        "tenants.list": (lambda c: c.tenants.list(), PAGE),
        "tenants.get": (lambda c: c.tenants.get(a), RECORD),
        "tenants.upsert": (lambda c: c.tenants.upsert(a, {"tenant_name": "Ünï", **copied(p)}), RECORD),
        "tenants.delete": (lambda c: c.tenants.delete(a), {}),
        "tenants.list_preference_categories": (
            lambda c: c.tenants.list_preference_categories(a, {"limit": 10, "offset": 0}),
            PAGE,
        ),
        "brands.list": (lambda c: c.brands.list(), PAGE),
        "brands.get": (lambda c: c.brands.get(a), RECORD),
        "brands.upsert": (lambda c: c.brands.upsert(a, {"brand_name": "Ünï", **copied(p)}), RECORD),
        "messages.list": (
            lambda c: c.messages.list({"recipient_id": [a, b], "status": "delivered", "limit": 5}),
            PAGE,
        ),
        "messages.bulk_update": (
            lambda c: c.messages.bulk_update([{"message_id": a, "action": "read"}]),
            {"success": True},
        ),
    }


# Calls whose category path id the official SDK sends unstripped: given ids without surrounding blanks.
def _unstripped_calls(a: str, category: str) -> dict[str, tuple[Call, Any]]:
    return {
        "users.update_category_preference": (
            lambda c: c.users.update_category_preference(a, category, {"preference": "opt_in"}),
            RECORD,
        ),
        "tenants.get_preference_category": (
            lambda c: c.tenants.get_preference_category(a, category, {"locale": "fr"}),
            RECORD,
        ),
        "tenants.update_preference_category": (
            lambda c: c.tenants.update_preference_category(a, category, {"preference": "opt_in"}),
            RECORD,
        ),
    }


def _edit_instance(client: Any, distinct_id: str, tenant_id: str | None = None) -> Any:
    """A profile builder of either SDK with one ``set`` (whose official return value is None)."""
    edit = client.users.get_edit_instance(distinct_id, tenant_id)
    edit.set("name", "Ünï")
    return edit


CALL_NAMES = list(_calls("a", "b", {}))
UNSTRIPPED_NAMES = list(_unstripped_calls("a", "b"))


@pytest.mark.parametrize("name", CALL_NAMES)
@_settings
@given(a=ids, b=ids, payload=payloads)
def test_each_call_sends_the_same_request_and_returns_the_same_result(
    pair: Pair, name: str, a: str, b: str, payload: dict[str, Any]
) -> None:
    call, body = _calls(a, b, payload)[name]
    pair.answer(200, body)
    pair.compare(call)


@pytest.mark.parametrize("name", UNSTRIPPED_NAMES)
@_settings
@given(a=ids, category=unstripped_ids)
def test_category_calls_send_the_same_request(pair: Pair, name: str, a: str, category: str) -> None:
    call, body = _unstripped_calls(a, category)[name]
    pair.answer(200, body)
    pair.compare(call)


@pytest.mark.parametrize("name", [*CALL_NAMES, *UNSTRIPPED_NAMES])
@pytest.mark.parametrize("status", [400, 404, 500])
def test_error_statuses_raise_the_same_status_and_message(pair: Pair, name: str, status: int) -> None:
    call, _ = {**_calls("ü @/1", "t 1", {"xé": "日"}), **_unstripped_calls("ü @/1", "cat/é")}[name]
    pair.answer(status, {"code": status, "message": f"nöpe {status}", "error_code": "x"})
    theirs, ours = pair.compare(call)
    assert isinstance(theirs, OfficialAPIError) and isinstance(ours, APIStatusError)


BLANKS = ["", "   ", "\t"]


@pytest.mark.parametrize("blank", BLANKS)
@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda c, x: c.users.get(x), "missing distinct_id"),
        (lambda c, x: c.users.upsert(x, {}), "missing distinct_id"),
        (lambda c, x: c.users.edit(x, {"operations": []}), "missing distinct_id"),
        (lambda c, x: c.users.merge(x, "u2"), "missing distinct_id"),
        (lambda c, x: c.users.delete(x), "missing distinct_id"),
        (lambda c, x: c.users.get_for_tenant("u1", x), "missing tenant_id"),
        (lambda c, x: c.users.unlink_tenant("u1", x), "missing tenant_id"),
        (lambda c, x: c.users.get_full_preference(x), "missing distinct_id"),
        (lambda c, x: c.users.get_category_preference("u1", x), "missing category"),
        (lambda c, x: c.users.get_edit_instance(x), "missing distinct_id"),
        (lambda c, x: c.tenants.get(x), "missing tenant_id"),
        (lambda c, x: c.tenants.upsert(x, {"tenant_name": "T"}), "missing tenant_id"),
        (lambda c, x: c.tenants.delete(x), "missing tenant_id"),
        (lambda c, x: c.tenants.list_preference_categories(x), "missing tenant_id"),
    ],
)
def test_blank_ids_are_refused_with_the_official_message(
    pair: Pair, blank: str, call: Callable[[Any, str], Any], message: str
) -> None:
    theirs, ours = pair.compare(lambda c: call(c, blank))
    assert str(theirs) == str(ours) == f"[code: 400] {message}"
    assert ours.message == theirs.message == message


@pytest.mark.parametrize("value", [None, 7, ["t1"]])
def test_a_tenant_id_that_is_not_text_is_refused(pair: Pair, value: Any) -> None:
    theirs, ours = pair.compare(lambda c: c.tenants.get(value))
    assert isinstance(theirs, OfficialValidationError) and isinstance(ours, ValidationError)
    if value is not None:  # None: the official "tenant_id must be a string", ours "missing tenant_id"
        assert ours.message == theirs.message == "tenant_id must be a string"


def test_a_message_without_id_or_action_is_refused_with_the_official_message(pair: Pair) -> None:
    for messages in ([{"action": "read"}], [{"message_id": "m1"}]):
        theirs, ours = pair.compare(lambda c, m=messages: c.messages.bulk_update(copy.deepcopy(m)))
        assert ours.message == theirs.message


@pytest.mark.parametrize("limit", [0, -1, 1001, "5", 2.5, None, 1, 1000])
@pytest.mark.parametrize("namespace", ["tenants", "brands"])
def test_list_limit_and_offset_are_clamped_as_the_official_sdk_does(
    pair: Pair, namespace: str, limit: Any
) -> None:
    pair.answer(200, PAGE)
    pair.compare(lambda c: getattr(c, namespace).list(limit, -3 if limit == 1 else 7))


@pytest.mark.parametrize("namespace", ["tenants", "brands"])
def test_a_boolean_limit_falls_back_to_the_default(pair: Pair, namespace: str) -> None:
    """Documented official bug: ``isinstance(True, int)``, so it sends ``limit=true``; ours sends 20."""
    pair.answer(200, PAGE)
    _, requests = pair.capture(lambda c: getattr(c, namespace).list(True), pair.ours)
    assert request_key(requests[0])[2] == [("limit", "20"), ("offset", "0")]


def test_the_typed_attributes_read_the_same_values(pair: Pair) -> None:
    pair.answer(200, PAGE)
    theirs, ours = pair.compare(lambda c: c.users.list())
    assert ours["results"][0]["distinct_id"] == theirs["results"][0]["distinct_id"] == "ü-1"
    assert ours.data.results[0].distinct_id == ours.items[0].distinct_id == "ü-1"
    assert [user.distinct_id for user in ours] == ["ü-1"]
    pair.answer(200, RECORD)
    theirs, ours = pair.compare(lambda c: c.tenants.get("t é"))
    assert ours.tenant_id == theirs["tenant_id"] == "t é"


@_settings
@given(a=ids, data=st.dictionaries(_text, _text, max_size=3), tenant=st.none() | ids)
def test_workflows_trigger_sends_the_same_request_and_result(
    pair: Pair, a: str, data: dict[str, str], tenant: str | None
) -> None:
    import suprsend_typed

    body = {"workflow": "wf-é", "recipients": [a], "data": data}
    pair.answer(202, {"message_id": "m-ü"})
    official_trigger = suprsend.WorkflowTriggerRequest(copy.deepcopy(body), tenant_id=tenant)
    theirs, official_requests = pair.capture(lambda c: c.workflows.trigger(official_trigger), pair.official)
    ours_trigger = suprsend_typed.WorkflowTriggerRequest(body, tenant_id=tenant)
    ours, our_requests = pair.capture(lambda c: c.workflows.trigger(ours_trigger), pair.ours)
    assert_same_requests(official_requests, our_requests)
    assert ours == theirs and dict(ours) == theirs


@pytest.mark.parametrize("status", [400, 404, 500])
def test_workflows_trigger_reports_error_statuses_as_the_official_sdk(pair: Pair, status: int) -> None:
    import suprsend_typed

    body = {"workflow": "wf", "recipients": ["u1"]}
    pair.answer(status, {"error": {"message": f"nöpe {status}"}})
    theirs, _ = pair.capture(
        lambda c: c.workflows.trigger(suprsend.WorkflowTriggerRequest(copy.deepcopy(body))), pair.official
    )
    ours, _ = pair.capture(
        lambda c: c.workflows.trigger(suprsend_typed.WorkflowTriggerRequest(body)), pair.ours
    )
    assert ours == theirs and dict(ours) == theirs


def test_users_async_edit_sends_the_same_identity_event(pair: Pair) -> None:
    pair.answer(202, {})
    theirs, official_requests = pair.capture(
        lambda c: c.users.async_edit(_edit_instance(c, "ü @/1")), pair.official
    )
    ours, our_requests = pair.capture(lambda c: c.users.async_edit(_edit_instance(c, "ü @/1")), pair.ours)
    assert_same_requests(official_requests, our_requests)
    assert ours["success"] is theirs["success"] is True
    assert ours["status_code"] == theirs["status_code"]
