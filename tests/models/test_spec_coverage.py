"""The spec covers the whole data plane: every Bearer operation of the third-party description, and every
network call of the official SDK 0.20.0 under the official namespace and method name."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml
from suprsend import Suprsend, WorkflowTriggerRequest
from suprsend.subscriber_list import SubscriberListBroadcast

SPEC = Path(__file__).resolve().parents[2] / "spec" / "suprsend.yaml"
THIRD_PARTY = Path("/work/shared/reference/third-party-openapi.yml")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_METHODS = ("get", "put", "post", "patch", "delete")
RETRY_POLICIES = {"safe", "dedupe-key", "never"}

# Operations of the third-party description that the official SDK 0.20.0 replaced with another request;
# our spec has the replacement (and says so in its description), not the described one.
REPLACED = {
    ("PATCH", "/v1/subscriber_list/{}/delete/"): (
        "DELETE",
        "/v1/subscriber_list/{list_id}/",
        "0.19.6+ deletes a list with DELETE on the list, without a body",
    ),
    ("PATCH", "/v1/subscriber_list/{}/version/{}/delete/"): (
        "DELETE",
        "/v1/subscriber_list/{list_id}/version/{version_id}/",
        "0.19.6+ deletes a draft version with DELETE on the version, without a body",
    ),
}


def _value(name: str) -> str:
    """The sample value of a path parameter: its own name, so a path shows which argument went where."""
    return f"{name}-v"


V = _value
OfficialCall = Callable[[Suprsend], object]

# Every network call of the official 0.20.0 namespaces, read from its source (users_api.py, tenant.py,
# brand.py, objects_api.py, subscriber_list.py, messages_api.py, workflow_api.py):
# (namespace, official method, HTTP method, path template, the call, our method when it differs).
OFFICIAL_CALLS: list[tuple[str, str, str, str, OfficialCall, str | None]] = [
    ("users", "list", "GET", "/v1/user/", lambda c: c.users.list(), None),
    ("users", "get", "GET", "/v1/user/{distinct_id}/", lambda c: c.users.get(V("distinct_id")), None),
    ("users", "upsert", "POST", "/v1/user/{distinct_id}/", lambda c: c.users.upsert(V("distinct_id")), None),
    (
        "users",
        "edit",
        "PATCH",
        "/v1/user/{distinct_id}/",
        lambda c: c.users.edit(V("distinct_id"), {"operations": []}),
        None,
    ),
    (
        "users",
        "edit",
        "PATCH",
        "/v1/user/{distinct_id}/tenant/{tenant_id}/",
        lambda c: c.users.edit(V("distinct_id"), {"operations": []}, tenant_id=V("tenant_id")),
        "edit_for_tenant",
    ),
    (
        "users",
        "async_edit",
        "POST",
        "/event/",
        lambda c: c.users.async_edit(_user_edit(c)),
        "send_identity_events",
    ),
    (
        "users",
        "merge",
        "POST",
        "/v1/user/{distinct_id}/merge/",
        lambda c: c.users.merge(V("distinct_id"), "u2"),
        None,
    ),
    (
        "users",
        "delete",
        "DELETE",
        "/v1/user/{distinct_id}/",
        lambda c: c.users.delete(V("distinct_id")),
        None,
    ),
    (
        "users",
        "bulk_delete",
        "DELETE",
        "/v1/bulk/user/",
        lambda c: c.users.bulk_delete({"distinct_ids": []}),
        None,
    ),
    (
        "users",
        "list_associated_tenants",
        "GET",
        "/v1/user/{distinct_id}/associated_tenant/",
        lambda c: c.users.list_associated_tenants(V("distinct_id")),
        None,
    ),
    (
        "users",
        "get_for_tenant",
        "GET",
        "/v1/user/{distinct_id}/tenant/{tenant_id}/",
        lambda c: c.users.get_for_tenant(V("distinct_id"), V("tenant_id")),
        None,
    ),
    (
        "users",
        "upsert_for_tenant",
        "POST",
        "/v1/user/{distinct_id}/tenant/{tenant_id}/",
        lambda c: c.users.upsert_for_tenant(V("distinct_id"), V("tenant_id")),
        None,
    ),
    (
        "users",
        "unlink_tenant",
        "DELETE",
        "/v1/user/{distinct_id}/tenant/{tenant_id}/",
        lambda c: c.users.unlink_tenant(V("distinct_id"), V("tenant_id")),
        None,
    ),
    (
        "users",
        "get_objects_subscribed_to",
        "GET",
        "/v1/user/{distinct_id}/subscribed_to/object/",
        lambda c: c.users.get_objects_subscribed_to(V("distinct_id")),
        None,
    ),
    (
        "users",
        "get_lists_subscribed_to",
        "GET",
        "/v1/user/{distinct_id}/subscribed_to/list/",
        lambda c: c.users.get_lists_subscribed_to(V("distinct_id")),
        None,
    ),
    (
        "users",
        "get_full_preference",
        "GET",
        "/v1/user/{distinct_id}/preference/",
        lambda c: c.users.get_full_preference(V("distinct_id")),
        None,
    ),
    (
        "users",
        "update_global_channels_preference",
        "PATCH",
        "/v1/user/{distinct_id}/preference/channel_preference/",
        lambda c: c.users.update_global_channels_preference(V("distinct_id"), {"channel_preferences": []}),
        None,
    ),
    (
        "users",
        "get_category_preference",
        "GET",
        "/v1/user/{distinct_id}/preference/category/{category}/",
        lambda c: c.users.get_category_preference(V("distinct_id"), V("category")),
        None,
    ),
    (
        "users",
        "update_category_preference",
        "PATCH",
        "/v1/user/{distinct_id}/preference/category/{category}/",
        lambda c: c.users.update_category_preference(
            V("distinct_id"), V("category"), {"preference": "opt_in"}
        ),
        None,
    ),
    ("tenants", "list", "GET", "/v1/tenant/", lambda c: c.tenants.list(), None),
    ("tenants", "get", "GET", "/v1/tenant/{tenant_id}/", lambda c: c.tenants.get(V("tenant_id")), None),
    (
        "tenants",
        "upsert",
        "POST",
        "/v1/tenant/{tenant_id}/",
        lambda c: c.tenants.upsert(V("tenant_id"), {"tenant_name": "T"}),
        None,
    ),
    (
        "tenants",
        "delete",
        "DELETE",
        "/v1/tenant/{tenant_id}/",
        lambda c: c.tenants.delete(V("tenant_id")),
        None,
    ),
    (
        "tenants",
        "list_preference_categories",
        "GET",
        "/v1/tenant/{tenant_id}/preference/category/",
        lambda c: c.tenants.list_preference_categories(V("tenant_id")),
        None,
    ),
    (
        "tenants",
        "get_preference_category",
        "GET",
        "/v1/tenant/{tenant_id}/preference/category/{category}/",
        lambda c: c.tenants.get_preference_category(V("tenant_id"), V("category")),
        None,
    ),
    (
        "tenants",
        "update_preference_category",
        "PATCH",
        "/v1/tenant/{tenant_id}/preference/category/{category}/",
        lambda c: c.tenants.update_preference_category(
            V("tenant_id"), V("category"), {"preference": "opt_in"}
        ),
        None,
    ),
    ("brands", "list", "GET", "/v1/brand/", lambda c: c.brands.list(), None),
    ("brands", "get", "GET", "/v1/brand/{brand_id}/", lambda c: c.brands.get(V("brand_id")), None),
    (
        "brands",
        "upsert",
        "POST",
        "/v1/brand/{brand_id}/",
        lambda c: c.brands.upsert(V("brand_id"), {"brand_name": "B"}),
        None,
    ),
    (
        "objects",
        "list",
        "GET",
        "/v1/object/{object_type}/",
        lambda c: c.objects.list(V("object_type")),
        None,
    ),
    (
        "objects",
        "get",
        "GET",
        "/v1/object/{object_type}/{object_id}/",
        lambda c: c.objects.get(V("object_type"), V("object_id")),
        None,
    ),
    (
        "objects",
        "upsert",
        "POST",
        "/v1/object/{object_type}/{object_id}/",
        lambda c: c.objects.upsert(V("object_type"), V("object_id")),
        None,
    ),
    (
        "objects",
        "edit",
        "PATCH",
        "/v1/object/{object_type}/{object_id}/",
        lambda c: c.objects.edit(V("object_type"), V("object_id"), {"operations": []}),
        None,
    ),
    (
        "objects",
        "delete",
        "DELETE",
        "/v1/object/{object_type}/{object_id}/",
        lambda c: c.objects.delete(V("object_type"), V("object_id")),
        None,
    ),
    (
        "objects",
        "bulk_delete",
        "DELETE",
        "/v1/bulk/object/{object_type}/",
        lambda c: c.objects.bulk_delete(V("object_type"), {"object_ids": ["o1"]}),
        None,
    ),
    (
        "objects",
        "get_subscriptions",
        "GET",
        "/v1/object/{object_type}/{object_id}/subscription/",
        lambda c: c.objects.get_subscriptions(V("object_type"), V("object_id")),
        None,
    ),
    (
        "objects",
        "create_subscriptions",
        "POST",
        "/v1/object/{object_type}/{object_id}/subscription/",
        lambda c: c.objects.create_subscriptions(V("object_type"), V("object_id"), {"recipients": ["u1"]}),
        None,
    ),
    (
        "objects",
        "delete_subscriptions",
        "DELETE",
        "/v1/object/{object_type}/{object_id}/subscription/",
        lambda c: c.objects.delete_subscriptions(V("object_type"), V("object_id"), {"recipients": ["u1"]}),
        None,
    ),
    (
        "objects",
        "get_objects_subscribed_to",
        "GET",
        "/v1/object/{object_type}/{object_id}/subscribed_to/object/",
        lambda c: c.objects.get_objects_subscribed_to(V("object_type"), V("object_id")),
        None,
    ),
    (
        "objects",
        "get_full_preference",
        "GET",
        "/v1/object/{object_type}/{object_id}/preference/",
        lambda c: c.objects.get_full_preference(V("object_type"), V("object_id")),
        None,
    ),
    (
        "objects",
        "update_global_channels_preference",
        "PATCH",
        "/v1/object/{object_type}/{object_id}/preference/channel_preference/",
        lambda c: c.objects.update_global_channels_preference(
            V("object_type"), V("object_id"), {"channel_preferences": []}
        ),
        None,
    ),
    (
        "objects",
        "get_category_preference",
        "GET",
        "/v1/object/{object_type}/{object_id}/preference/category/{category}/",
        lambda c: c.objects.get_category_preference(V("object_type"), V("object_id"), V("category")),
        None,
    ),
    (
        "objects",
        "update_category_preference",
        "PATCH",
        "/v1/object/{object_type}/{object_id}/preference/category/{category}/",
        lambda c: c.objects.update_category_preference(
            V("object_type"), V("object_id"), V("category"), {"preference": "opt_in"}
        ),
        None,
    ),
    (
        "subscriber_lists",
        "create",
        "POST",
        "/v1/subscriber_list/",
        lambda c: c.subscriber_lists.create({"list_id": "l1"}),
        None,
    ),
    (
        "subscriber_lists",
        "get_all",
        "GET",
        "/v1/subscriber_list/",
        lambda c: c.subscriber_lists.get_all(),
        None,
    ),
    (
        "subscriber_lists",
        "get",
        "GET",
        "/v1/subscriber_list/{list_id}/",
        lambda c: c.subscriber_lists.get(V("list_id")),
        None,
    ),
    (
        "subscriber_lists",
        "add",
        "POST",
        "/v1/subscriber_list/{list_id}/subscriber/add/",
        lambda c: c.subscriber_lists.add(V("list_id"), ["u1"]),
        None,
    ),
    (
        "subscriber_lists",
        "remove",
        "POST",
        "/v1/subscriber_list/{list_id}/subscriber/remove/",
        lambda c: c.subscriber_lists.remove(V("list_id"), ["u1"]),
        None,
    ),
    (
        "subscriber_lists",
        "delete",
        "DELETE",
        "/v1/subscriber_list/{list_id}/",
        lambda c: c.subscriber_lists.delete(V("list_id")),
        None,
    ),
    (
        "subscriber_lists",
        "broadcast",
        "POST",
        "/{workspace}/broadcast/",
        lambda c: c.subscriber_lists.broadcast(
            SubscriberListBroadcast(
                {"list_id": "l1", "template": "tmpl", "notification_category": "transactional", "data": {}}
            )
        ),
        None,
    ),
    (
        "subscriber_lists",
        "start_sync",
        "POST",
        "/v1/subscriber_list/{list_id}/start_sync/",
        lambda c: c.subscriber_lists.start_sync(V("list_id")),
        None,
    ),
    (
        "subscriber_lists",
        "get_version",
        "GET",
        "/v1/subscriber_list/{list_id}/version/{version_id}/",
        lambda c: c.subscriber_lists.get_version(V("list_id"), V("version_id")),
        None,
    ),
    (
        "subscriber_lists",
        "add_to_version",
        "POST",
        "/v1/subscriber_list/{list_id}/version/{version_id}/subscriber/add/",
        lambda c: c.subscriber_lists.add_to_version(V("list_id"), V("version_id"), ["u1"]),
        None,
    ),
    (
        "subscriber_lists",
        "remove_from_version",
        "POST",
        "/v1/subscriber_list/{list_id}/version/{version_id}/subscriber/remove/",
        lambda c: c.subscriber_lists.remove_from_version(V("list_id"), V("version_id"), ["u1"]),
        None,
    ),
    (
        "subscriber_lists",
        "finish_sync",
        "PATCH",
        "/v1/subscriber_list/{list_id}/version/{version_id}/finish_sync/",
        lambda c: c.subscriber_lists.finish_sync(V("list_id"), V("version_id")),
        None,
    ),
    (
        "subscriber_lists",
        "delete_version",
        "DELETE",
        "/v1/subscriber_list/{list_id}/version/{version_id}/",
        lambda c: c.subscriber_lists.delete_version(V("list_id"), V("version_id")),
        None,
    ),
    ("messages", "list", "GET", "/v1/message/", lambda c: c.messages.list(), None),
    (
        "messages",
        "bulk_update",
        "PATCH",
        "/v1/bulk/message/",
        lambda c: c.messages.bulk_update([{"message_id": "m1", "action": "read"}]),
        None,
    ),
    (
        "workflows",
        "trigger",
        "POST",
        "/trigger/",
        lambda c: c.workflows.trigger(WorkflowTriggerRequest({"workflow": "w", "recipients": ["u1"]})),
        None,
    ),
]


def _user_edit(client: Suprsend) -> Any:
    edit = client.users.get_edit_instance(V("distinct_id"))
    edit.set("a", 1)
    return edit


class _Sent:
    """What the official client would have sent: it answers every request with an empty 200 JSON object."""

    status_code = 200
    text = "{}"

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []

    def json(self) -> dict[str, Any]:
        return {}

    def __call__(self, method: str, url: str, body: object = None) -> _Sent:
        self.requests.append((method, url))
        return self


def _spec() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.load(SPEC.read_text("utf-8"), Loader=_LOADER)
    return loaded


SPEC_DOC = _spec()
OPERATIONS: dict[tuple[str, str], dict[str, Any]] = {
    (method.upper(), path): operation
    for path, item in SPEC_DOC["paths"].items()
    for method, operation in item.items()
    if method in _METHODS
}


def _shape(path: str) -> str:
    """A path with its parameter names left out, to compare paths that name a parameter differently."""
    return re.sub(r"\{[^}]*\}", "{}", path)


def _third_party_data_plane() -> list[tuple[str, str]]:
    document: dict[str, Any] = yaml.load(THIRD_PARTY.read_text("utf-8"), Loader=_LOADER)
    found = []
    for path, item in document["paths"].items():
        for method, operation in item.items():
            if method in _METHODS and operation.get("security", document.get("security")) == [
                {"BearerAuth": []}
            ]:
                found.append((method.upper(), path))
    return found


def test_the_third_party_data_plane_has_66_operations_and_none_of_the_management_api() -> None:
    found = _third_party_data_plane()
    assert len(found) == 66
    assert not [path for _, path in found if re.match(r"^/v[12]/\{workspace\}/", path)]


def test_every_third_party_data_plane_operation_is_in_the_spec_or_replaced_as_the_official_sdk_does() -> None:
    ours = {(method, _shape(path)) for method, path in OPERATIONS}
    missing = []
    for method, path in _third_party_data_plane():
        key = (method, _shape(path))
        if key in REPLACED:
            replacement_method, replacement_path, _reason = REPLACED[key]
            replacement = OPERATIONS[(replacement_method, replacement_path)]
            assert "0.20.0" in replacement["description"], replacement_path
            assert key not in ours, f"{method} {path} is replaced; it should not be in the spec as well"
        elif key not in ours:
            missing.append(f"{method} {path}")
    assert missing == []


def test_every_operation_has_one_namespace_a_method_name_and_a_retry_policy() -> None:
    taken: dict[tuple[str, str], str] = {}
    for (method, path), operation in OPERATIONS.items():
        where = f"{method} {path}"
        assert "tags" in operation, f"{where} has no tag"
        assert isinstance(operation["tags"], list) and len(operation["tags"]) == 1, where
        namespace = operation["tags"][0]
        name = operation.get("x-suprsend-method")
        assert isinstance(name, str) and re.fullmatch(r"[a-z][a-z0-9_]*", name), where
        assert operation.get("x-suprsend-retry") in RETRY_POLICIES, where
        assert (namespace, name) not in taken, f"{namespace}.{name}: {where} and {taken[(namespace, name)]}"
        taken[(namespace, name)] = where


@pytest.mark.parametrize(
    ("namespace", "official", "method", "path", "call", "ours"),
    OFFICIAL_CALLS,
    ids=[f"{namespace}.{name}:{method}" for namespace, name, method, *_ in OFFICIAL_CALLS],
)
def test_the_official_sdk_sends_each_call_of_the_table(
    namespace: str,
    official: str,
    method: str,
    path: str,
    call: OfficialCall,
    ours: str | None,
) -> None:
    client = Suprsend(V("workspace"), "secret", base_url="https://hub.example/")
    sent = _Sent()
    client.request = sent  # type: ignore[method-assign]
    call(client)
    filled = re.sub(r"\{([^}]*)\}", lambda match: V(match.group(1)), path)
    assert [(m, url.split("?")[0]) for m, url in sent.requests] == [(method, "https://hub.example" + filled)]


@pytest.mark.parametrize(
    ("namespace", "official", "method", "path", "call", "ours"),
    OFFICIAL_CALLS,
    ids=[f"{namespace}.{name}:{method}" for namespace, name, method, *_ in OFFICIAL_CALLS],
)
def test_each_official_call_is_our_operation_of_the_same_namespace_and_name(
    namespace: str,
    official: str,
    method: str,
    path: str,
    call: OfficialCall,
    ours: str | None,
) -> None:
    operation = OPERATIONS.get((method, path))
    assert operation is not None, f"no {method} {path} in the spec"
    assert operation["tags"] == [namespace]
    assert operation["x-suprsend-method"] == (ours or official)


def test_the_table_has_every_network_call_of_the_official_namespaces() -> None:
    client = Suprsend(V("workspace"), "secret")
    helpers = {"get_edit_instance", "get_bulk_edit_instance", "bulk_trigger_instance", "cleaned_limit_offset"}
    tabled = {(namespace, name) for namespace, name, *_ in OFFICIAL_CALLS}
    for namespace in ("users", "tenants", "brands", "objects", "subscriber_lists", "messages", "workflows"):
        api = getattr(client, namespace)
        public = {
            name
            for name in dir(api)
            if not name.startswith("_") and callable(getattr(api, name)) and name not in helpers
        }
        public -= {name for name in public if name.startswith(("detail_url", "list_url"))}
        assert {(namespace, name) for name in public} <= tabled, namespace
