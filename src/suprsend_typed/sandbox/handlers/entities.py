"""Looking up and forgetting the hub's entities, shared by the handlers of several namespaces.

Items live in the store's ``entities`` table under these namespaces (user profiles in its ``profiles``
table):

- ``tenants``, ``brands``, ``templates``, ``preference_categories``, ``lists``: by id;
- ``object:<type>``: objects by id; ``subscription:<type>/<id>``: an object's subscribers by recipient key
  (``user:<distinct_id>`` or ``object:<type>/<id>``);
- ``tenant_profile:<tenant_id>``: tenant-scoped profile overlays by distinct id;
- ``members:<list_id>``, ``version:<list_id>``: list members by distinct id, list versions by version id;
  ``version_members:<list_id>/<version_id>``: a version's members by distinct id;
- ``preferences``: a subscriber's choices by owner key (``user:<id>`` or ``object:<type>/<id>``, plus
  ``#tenant:<tenant_id>`` when tenant-scoped); ``tenant_preference:<tenant_id>``: a tenant's category
  settings.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from ..profiles import OperationError, apply_operations
from .base import Context, StateCall, invalid, not_found

TENANT_SCOPE: Final = "#tenant:"
"""Joins an owner key and a tenant id: the key of a subscriber's preferences within one tenant."""
DEFAULT_TENANT: Final = "default"
DEFAULT_BRAND: Final = "default"
"""Every workspace has a ``default`` tenant and a ``default`` brand; ``get`` finds them before any upsert."""


def user(ctx: Context, distinct_id: str) -> dict[str, Any]:
    profile = ctx.store.profile(distinct_id)
    if profile is None:
        raise not_found("user", distinct_id)
    return {"distinct_id": distinct_id, **profile}


def namespaces(ctx: Context, *prefixes: str) -> list[str]:
    """The namespaces under ``prefixes`` that hold at least one item."""
    seen: dict[str, None] = {}
    for prefix in prefixes:
        for namespace, _, _ in ctx.store.entities_under(prefix):
            seen.setdefault(namespace)
    return list(seen)


def forget_users(ctx: Context, distinct_ids: Sequence[str]) -> None:
    """Remove the profiles and everything that names them: tenant overlays, list memberships,
    subscriptions and preferences."""
    store = ctx.store
    store.delete_profiles(distinct_ids)
    for namespace in namespaces(ctx, "tenant_profile:", "members:", "version_members:"):
        store.delete_entities(namespace, distinct_ids)
    for namespace in namespaces(ctx, "subscription:"):
        store.delete_entities(namespace, [f"user:{key}" for key in distinct_ids])
    owners = {f"user:{key}" for key in distinct_ids}
    store.delete_entities(
        "preferences", [key for key in store.entities("preferences") if key.split(TENANT_SCOPE)[0] in owners]
    )


def tenant(ctx: Context, tenant_id: str) -> dict[str, Any]:
    item = ctx.store.entity("tenants", tenant_id)
    if item is None:
        if tenant_id != DEFAULT_TENANT:
            raise not_found("tenant", tenant_id)
        item = {"tenant_name": DEFAULT_TENANT}
    return {"tenant_id": tenant_id, **item}


def tenants(ctx: Context) -> dict[str, dict[str, Any]]:
    """Every tenant by id, the ``default`` one included."""
    return dict(
        sorted({DEFAULT_TENANT: {"tenant_name": DEFAULT_TENANT}, **ctx.store.entities("tenants")}.items())
    )


def brand(ctx: Context, brand_id: str) -> dict[str, Any]:
    item = ctx.store.entity("brands", brand_id)
    if item is None:
        if brand_id != DEFAULT_BRAND:
            raise not_found("brand", brand_id)
        item = {"brand_name": DEFAULT_BRAND}
    return {"brand_id": brand_id, **item}


def brands(ctx: Context) -> dict[str, dict[str, Any]]:
    return dict(
        sorted({DEFAULT_BRAND: {"brand_name": DEFAULT_BRAND}, **ctx.store.entities("brands")}.items())
    )


def upsert_entity(ctx: Context, namespace: str, id_key: str, key: str, call: StateCall) -> dict[str, Any]:
    """The item of ``namespace`` with the body's keys set over its current ones."""
    current = ctx.store.entity(namespace, key) or {"created_at": call.now}
    document = {**current, **(call.body or {}), "updated_at": call.now}
    document.pop(id_key, None)
    ctx.store.save_entities(namespace, [(key, document)])
    return {id_key: key, **document}


def object_item(ctx: Context, object_type: str, object_id: str) -> dict[str, Any]:
    item = ctx.store.entity(f"object:{object_type}", object_id)
    if item is None:
        raise not_found("object", f"{object_type}/{object_id}")
    return item


def object_summary(ctx: Context, object_type: str, object_id: str) -> Any:
    item = ctx.store.entity(f"object:{object_type}", object_id) or {}
    return {
        "id": object_id,
        "object_type": object_type,
        "properties": item.get("properties"),
        "subscriptions_count": len(ctx.store.entities(f"subscription:{object_type}/{object_id}")),
        "updated_at": item.get("updated_at"),
    }


def list_item(ctx: Context, list_id: str) -> dict[str, Any]:
    item = ctx.store.entity("lists", list_id)
    if item is None:
        raise not_found("list", list_id)
    return item


def list_answer(ctx: Context, list_id: str) -> Any:
    item = ctx.store.entity("lists", list_id) or {}
    count = len(ctx.store.entities(f"members:{list_id}"))
    return {"list_id": list_id, **item, "subscribers_count": count}


def check_workspace(ctx: Context, workspace: str) -> None:
    if workspace not in set(ctx.workspaces()):
        raise not_found("workspace", workspace)


def apply_edit(current: Mapping[str, Any] | None, body: Any, now: str) -> dict[str, Any]:
    """A profile edit body (``{"operations": [...]}``) applied to ``current``."""
    try:
        return apply_operations(current, body["operations"], now=now)
    except OperationError as exc:
        raise invalid(f"operations{exc.path}", exc.reason) from None


def recipient_keys(recipients: Iterable[Any], field: str = "recipients") -> list[str]:
    """``user:<distinct_id>`` or ``object:<type>/<id>`` per recipient (a distinct_id or an object)."""
    keys = []
    for index, recipient in enumerate(recipients):
        if isinstance(recipient, str):
            keys.append(f"user:{recipient}")
        elif isinstance(recipient, dict) and recipient.get("distinct_id"):
            keys.append(f"user:{recipient['distinct_id']}")
        elif isinstance(recipient, dict) and recipient.get("object_type") and recipient.get("id"):
            keys.append(f"object:{recipient['object_type']}/{recipient['id']}")
        else:
            raise invalid(f"{field}[{index}]", "a distinct_id, or an object with object_type and id")
    return keys
