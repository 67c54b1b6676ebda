"""Tenants and their preference settings per category."""

from __future__ import annotations

from typing import Any

from .base import NO_CONTENT, Answer, Context, StateCall, offset_page
from .entities import DEFAULT_TENANT, tenant, tenants, upsert_entity
from .preferences import OPT_IN, categories, category
from .users import CREATED


def get_tenant(ctx: Context, call: StateCall) -> Answer:
    return 200, tenant(ctx, call.params["tenant_id"])


def upsert_tenant(ctx: Context, call: StateCall) -> Answer:
    tenant_id = call.params["tenant_id"]
    if tenant_id == DEFAULT_TENANT and ctx.store.entity("tenants", tenant_id) is None:
        ctx.store.save_entities(
            "tenants", [(tenant_id, {"tenant_name": DEFAULT_TENANT, "created_at": call.now})]
        )
    return CREATED, upsert_entity(ctx, "tenants", "tenant_id", tenant_id, call)


def delete_tenant(ctx: Context, call: StateCall) -> Answer:
    tenant_id = call.params["tenant_id"]
    tenant(ctx, tenant_id)
    ctx.store.delete_entities("tenants", [tenant_id])
    ctx.store.delete_entities(f"tenant_profile:{tenant_id}")
    ctx.store.delete_entities(f"tenant_preference:{tenant_id}")
    return NO_CONTENT, None


def list_tenants(ctx: Context, call: StateCall) -> Answer:
    return 200, offset_page(call, [{"tenant_id": key, **item} for key, item in tenants(ctx).items()])


def _tenant_category(ctx: Context, tenant_id: str, slug: str) -> Any:
    definition = category(ctx, slug)
    setting = ctx.store.entity(f"tenant_preference:{tenant_id}", slug) or {}
    default = definition.get("default_preference", OPT_IN)
    return {
        "name": definition.get("name", slug),
        "category": slug,
        "description": definition.get("description") or "",
        "tags": definition.get("tags") or [],
        "root_category": definition.get("root_category") or "transactional",
        "default_preference": default,
        "default_mandatory_channels": definition.get("mandatory_channels") or [],
        "enabled_for_tenant": True,
        "visible_to_subscriber": True,
        "preference": default,
        "mandatory_channels": [],
        "blocked_channels": [],
        **setting,
    }


def _tenant_categories(ctx: Context, call: StateCall) -> list[Any]:
    tenant_id = call.params["tenant_id"]
    tenant(ctx, tenant_id)
    return [_tenant_category(ctx, tenant_id, key) for key in categories(ctx)]


def get_tenant_full_preference(ctx: Context, call: StateCall) -> Answer:
    roots: dict[str, list[Any]] = {}
    for item in _tenant_categories(ctx, call):
        roots.setdefault(item["root_category"], []).append(item)
    return 200, {
        "root_categories": [
            {"root_category": root, "sections": [{"name": root.title(), "slug": root, "categories": items}]}
            for root, items in roots.items()
        ]
    }


def list_tenant_categories(ctx: Context, call: StateCall) -> Answer:
    return 200, offset_page(call, _tenant_categories(ctx, call))


def list_tenant_default_preferences(ctx: Context, call: StateCall) -> Answer:
    items = _tenant_categories(ctx, call)
    return 200, {"meta": {"count": len(items), "limit": len(items), "offset": 0}, "results": items}


def get_tenant_category(ctx: Context, call: StateCall) -> Answer:
    tenant_id = call.params["tenant_id"]
    tenant(ctx, tenant_id)
    return 200, _tenant_category(ctx, tenant_id, call.params["category"])


def update_tenant_category(ctx: Context, call: StateCall) -> Answer:
    tenant_id, slug = call.params["tenant_id"], call.params["category"]
    tenant(ctx, tenant_id)
    category(ctx, slug)
    namespace = f"tenant_preference:{tenant_id}"
    current = ctx.store.entity(namespace, slug) or {}
    ctx.store.save_entities(namespace, [(slug, {**current, **call.body, "updated_at": call.now})])
    return 200, _tenant_category(ctx, tenant_id, slug)


update_tenant_default_preference = update_tenant_category
