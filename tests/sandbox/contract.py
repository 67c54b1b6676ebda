"""Requests for any operation of the table, generated from its schemas, built with the generated
``build_<op>``, signed, sent to a sandbox, and read back with the generated ``parse_<op>``.

A generated request names entities that exist: ``Contract.prepare`` creates, over the API, the user, tenant,
object, list, version or brand its path names (templates come from a seed), so that a read, edit or delete of
them can succeed. Body fields whose meaning the schema cannot carry (a category that exists, a user to merge
from, a run selector) are set by ``SEMANTIC_FIXES``.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Callable, Mapping
from email.utils import formatdate
from typing import Any, Final

from hypothesis import strategies as st
from models.kind_strategies import wire_objects

from suprsend_typed._errors import APIStatusError
from suprsend_typed._generated import endpoints, models
from suprsend_typed._generated.operations import OPERATIONS
from suprsend_typed._http import Response
from suprsend_typed._operation import OperationInfo
from suprsend_typed._signing import request_signature
from suprsend_typed._urllib3_transport import Urllib3Transport
from suprsend_typed.sandbox import Sandbox
from suprsend_typed.sandbox.handlers.preferences import DEFAULT_CATEGORIES

from .wire import TIMEOUT

TEMPLATE: Final = {"slug": "welcome", "name": "Welcome", "channels": ["email", "sms"]}
SEED: Final = {"templates": [TEMPLATE]}
EDITABLE_CATEGORIES: Final = tuple(
    key for key, item in DEFAULT_CATEGORIES if item["default_preference"] != "cant_unsubscribe"
)
ids = st.from_regex(r"[a-z][a-z0-9_-]{0,11}", fullmatch=True)
"""Path ids: short, so that every id-length limit of the spec holds."""

# Bodies of operations whose body is not one model in the table.
_ITEM_BODIES: Final[dict[str, Callable[[], st.SearchStrategy[Any]]]] = {
    "trigger_legacy_workflow": lambda: wire_objects(models.LegacyWorkflow),
    "trigger_workflow": lambda: wire_objects(models.WorkflowTrigger),
    "track_events_bulk": lambda: st.lists(wire_objects(models.EventPayload), min_size=1, max_size=3),
    "send_identity_events": lambda: wire_objects(models.IdentityEvent),
    "upsert_brand": lambda: st.fixed_dictionaries({}, optional={"brand_name": st.text(max_size=8)}),
}
_PAGED_QUERY: Final = {
    "limit": st.integers(min_value=1, max_value=20).map(str),
    "offset": st.integers(min_value=0, max_value=5).map(str),
}


def body_strategy(op: OperationInfo) -> st.SearchStrategy[Any]:
    """Bodies that the operation's schema accepts (None for an operation without a body)."""
    if op.id in _ITEM_BODIES:
        return _ITEM_BODIES[op.id]()
    if op.body_model is not None:
        return wire_objects(getattr(models, op.body_model))
    return st.none()


def has_body(op: OperationInfo) -> bool:
    return op.id in _ITEM_BODIES or op.body_model is not None


def query_strategy(op: OperationInfo) -> st.SearchStrategy[dict[str, str]]:
    """Paging parameters the operation has (the filters are exercised by the lifecycle tests)."""
    optional = {name: _PAGED_QUERY[name] for name in op.query_params if name in _PAGED_QUERY}
    return st.fixed_dictionaries({}, optional=optional)


def _choose_categories(body: dict[str, Any], pick: Callable[[int], str]) -> dict[str, Any]:
    for index, setting in enumerate(body.get("categories") or []):
        setting["category"] = pick(index)
    return body


def _cancel_workflow(body: dict[str, Any], _: Mapping[str, str], __: Contract) -> dict[str, Any]:
    if not any(body.get(key) for key in ("execution_id", "idempotency_key", "workflow_slug")):
        body["execution_id"] = "no-such-run"
    if "recipients" in body:
        body.setdefault("workflow_slug", "welcome")
    return body


def _cancel_broadcast(body: dict[str, Any], _: Mapping[str, str], __: Contract) -> dict[str, Any]:
    if not any(body.get(key) for key in ("execution_id", "list_id", "idempotency_key")):
        body["execution_id"] = "no-such-run"
    return body


def _categories(body: dict[str, Any], _: Mapping[str, str], __: Contract) -> dict[str, Any]:
    return _choose_categories(body, lambda index: EDITABLE_CATEGORIES[index % len(EDITABLE_CATEGORIES)])


def _category_preference(body: dict[str, Any], _: Mapping[str, str], __: Contract) -> dict[str, Any]:
    if "preference" in body:
        body["preference"] = "opt_out" if len(str(body["preference"])) % 2 else "opt_in"
    return body


def _merge(body: dict[str, Any], params: Mapping[str, str], contract: Contract) -> dict[str, Any]:
    source = f"{params['distinct_id']}-from"
    contract.call("upsert_user", {"distinct_id": source}, {"$email": ["merged@example.com"]})
    return {"from_user_id": source}


def _broadcast(body: dict[str, Any], _: Mapping[str, str], contract: Contract) -> dict[str, Any]:
    body["list_id"] = contract.call("create_subscriber_list", {}, {"list_id": "broadcast-list"})["list_id"]
    return body


def _subscription_recipients(body: dict[str, Any], _: Mapping[str, str], __: Contract) -> dict[str, Any]:
    recipients = body.get("recipients") or []
    body["recipients"] = [r for r in recipients if isinstance(r, str) or r.get("distinct_id")] or ["u1"]
    return body


def _operations(body: dict[str, Any], _: Mapping[str, str], __: Contract) -> dict[str, Any]:
    """The schema leaves an operation's verb open; the hub knows $set and friends: set what was drawn."""
    body["operations"] = [
        {"$set": {f"p_{key}": value for key, value in op.items()}} for op in body["operations"]
    ]
    return body


def _channel_settings(body: dict[str, Any], _: Mapping[str, str], __: Contract) -> dict[str, Any]:
    settings = body.get("channel_preferences") or []
    body["channel_preferences"] = [
        item for item in settings if isinstance(item.get("channel"), str) and item["channel"]
    ]
    return body


SEMANTIC_FIXES: Final[dict[str, Callable[[dict[str, Any], Mapping[str, str], Contract], dict[str, Any]]]] = {
    "cancel_workflow_run": _cancel_workflow,
    "edit_user": _operations,
    "edit_user_for_tenant": _operations,
    "edit_object": _operations,
    "update_user_channel_preferences": _channel_settings,
    "update_object_channel_preferences": _channel_settings,
    "cancel_broadcast_run": _cancel_broadcast,
    "update_user_full_preference": _categories,
    "update_object_full_preference": _categories,
    "bulk_update_user_preferences": _categories,
    "update_user_category_preference": _category_preference,
    "update_object_category_preference": _category_preference,
    "merge_users": _merge,
    "broadcast_to_list": _broadcast,
    "create_object_subscriptions": _subscription_recipients,
    "delete_object_subscriptions": _subscription_recipients,
}


class Contract:
    """Sends operations of the table to ``sandbox`` through the generated builders and parsers."""

    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox
        self.transport = Urllib3Transport()

    def close(self) -> None:
        self.transport.close()

    def send(
        self, op: OperationInfo, params: Mapping[str, str], body: Any, query: Mapping[str, str] | None = None
    ) -> Response:
        """The answer to ``op`` with these path parameters, body (JSON, or raw bytes) and query."""
        build = getattr(endpoints, f"build_{op.id}")
        content = body if isinstance(body, bytes) else b"" if body is None else json.dumps(body).encode()
        request = build(
            base_url=self.sandbox.url, content=content, query=tuple((query or {}).items()), **params
        )
        credentials = self.sandbox.credentials
        dated = request.with_headers({"Date": formatdate(time.time(), usegmt=True)})
        signature = request_signature(credentials.workspace_secret, dated)
        signed = dated.with_headers({"Authorization": f"{credentials.workspace_key}:{signature}"})
        return self.transport.send(signed, timeout=TIMEOUT)

    def call(self, op_id: str, params: Mapping[str, str], body: Any = None) -> Any:
        """``op_id`` sent and parsed; its answer as a plain document."""
        op = OPERATIONS[op_id]
        parsed = getattr(endpoints, f"parse_{op.id}")(self.send(op, params, body))
        return parsed.to_dict() if hasattr(parsed, "to_dict") else parsed

    def parse(self, op: OperationInfo, response: Response) -> Any:
        return getattr(endpoints, f"parse_{op.id}")(response)

    def prepare(self, op: OperationInfo, drawn: Mapping[str, str]) -> dict[str, str]:
        """Path parameters for ``op`` naming entities that exist, made from the drawn ids."""
        params = dict(drawn)
        if "workspace" in params:
            params["workspace"] = self.sandbox.credentials.workspace_key
        if "template_slug" in params:
            params["template_slug"] = TEMPLATE["slug"]
        if "channel" in params:
            params["channel"] = TEMPLATE["channels"][0]
        if "category" in params:
            params["category"] = EDITABLE_CATEGORIES[len(params["category"]) % len(EDITABLE_CATEGORIES)]
        if "distinct_id" in params:
            self.call("upsert_user", {"distinct_id": params["distinct_id"]}, {"name": "Ann"})
        if "tenant_id" in params:
            self.call("upsert_tenant", {"tenant_id": params["tenant_id"]}, {"tenant_name": "Acme"})
            if "distinct_id" in params:
                self.call("upsert_user_for_tenant", params_of(params, "distinct_id", "tenant_id"), {})
        if "object_id" in params:
            self.call("upsert_object", params_of(params, "object_type", "object_id"), {"name": "Team"})
        if "brand_id" in params:
            self.call("upsert_brand", params_of(params, "brand_id"), {"brand_name": "Brand"})
        if "list_id" in params:
            self.call("create_subscriber_list", {}, {"list_id": params["list_id"]})
        if "version_id" in params:
            version = self.call("start_subscriber_list_sync", params_of(params, "list_id"))
            params["version_id"] = version["version_id"]
        return params


def params_of(params: Mapping[str, str], *names: str) -> dict[str, str]:
    return {name: params[name] for name in names}


def path_strategy(op: OperationInfo) -> st.SearchStrategy[dict[str, str]]:
    return st.fixed_dictionaries({name: ids for name in op.path_params})


def fixed_body(op: OperationInfo, body: Any, params: Mapping[str, str], contract: Contract) -> Any:
    fix = SEMANTIC_FIXES.get(op.id)
    return body if fix is None else fix(dict(body or {}), params, contract)


def error_shape(response: Response, op: OperationInfo) -> dict[str, Any]:
    """The hub's error document of a 4xx answer, after checking that ``parse_<op>`` raises for it."""
    try:
        getattr(endpoints, f"parse_{op.id}")(response)
    except APIStatusError as exc:
        assert exc.status_code == response.status_code
    else:
        raise AssertionError(f"parse_{op.id} accepted a {response.status_code} answer")
    document = json.loads(response.content)
    assert_hub_error(document, response.status_code)
    return dict(document)


def assert_hub_error(document: Any, status: int) -> None:
    """The hub's error body: ``{"code", "error_code", "type", "message", "detail"}``."""
    assert set(document) == {"code", "error_code", "type", "message", "detail"}
    assert document["code"] == status and document["detail"] == document["message"]
    assert isinstance(document["message"], str) and document["message"]


def fresh_id() -> str:
    return uuid.uuid4().hex[:12]
