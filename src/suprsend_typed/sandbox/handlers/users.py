"""Users: profiles, their tenant-scoped overlays, what they are subscribed to, and their preferences."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..profiles import CHANNEL_KEYS, upsert
from . import preferences
from .base import NO_CONTENT, Answer, Context, StateCall, cursor_page, invalid, not_found
from .entities import apply_edit, forget_users, list_answer, namespaces, object_summary, tenant, user

CREATED: Final = 201
"""The hub answers an upsert or a merge with 201 Created."""


def get_user(ctx: Context, call: StateCall) -> Answer:
    return 200, user(ctx, call.params["distinct_id"])


def upsert_user(ctx: Context, call: StateCall) -> Answer:
    distinct_id = call.params["distinct_id"]
    profile = upsert(ctx.store.profile(distinct_id), call.body or {}, now=call.now)
    ctx.store.save_profiles([(distinct_id, profile)])
    return CREATED, {"distinct_id": distinct_id, **profile}


def edit_user(ctx: Context, call: StateCall) -> Answer:
    """Operations applied to the profile (created when new), as the hub applies them."""
    distinct_id = call.params["distinct_id"]
    profile = apply_edit(ctx.store.profile(distinct_id), call.body, call.now)
    ctx.store.save_profiles([(distinct_id, profile)])
    return 200, {"distinct_id": distinct_id, **profile}


def delete_user(ctx: Context, call: StateCall) -> Answer:
    distinct_id = call.params["distinct_id"]
    user(ctx, distinct_id)
    forget_users(ctx, [distinct_id])
    return NO_CONTENT, None


def bulk_delete_users(ctx: Context, call: StateCall) -> Answer:
    forget_users(ctx, call.body.get("distinct_ids") or [])
    return NO_CONTENT, None


def list_users(ctx: Context, call: StateCall) -> Answer:
    users = ctx.store.profiles()
    return 200, cursor_page(call, [(key, {"distinct_id": key, **p}) for key, p in users.items()])


def merge_users(ctx: Context, call: StateCall) -> Answer:
    """The secondary user (``from_user_id``) merged into the primary one: the primary's properties win, the
    secondary's channel entries join the primary's, and the secondary is gone."""
    distinct_id, source_id = call.params["distinct_id"], call.body.get("from_user_id")
    if not source_id:
        raise invalid("from_user_id", "required, a distinct_id")
    target = user(ctx, distinct_id)
    source = ctx.store.profile(source_id)
    if source is None:
        raise invalid("from_user_id", f"user {source_id!r} not found")
    merged = upsert({k: v for k, v in target.items() if k != "distinct_id"}, {}, now=call.now)
    merged["properties"] = {**source.get("properties", {}), **merged["properties"]}
    for channel in CHANNEL_KEYS & source.keys():
        entries = merged.setdefault(channel, [])
        known = [entry["value"] for entry in entries]  # a list: a web push value is an object
        entries.extend(entry for entry in source[channel] if entry["value"] not in known)
    forget_users(ctx, [source_id])
    ctx.store.save_profiles([(distinct_id, merged)])
    return CREATED, {"distinct_id": distinct_id, **merged}


# Tenant-scoped profiles: the user's profile with the tenant's overlay of properties and channels.


def _scoped(ctx: Context, call: StateCall) -> tuple[str, str, dict[str, Any], dict[str, Any] | None]:
    distinct_id, tenant_id = call.params["distinct_id"], call.params["tenant_id"]
    tenant(ctx, tenant_id)
    base = user(ctx, distinct_id)
    return distinct_id, tenant_id, base, ctx.store.entity(f"tenant_profile:{tenant_id}", distinct_id)


def _scoped_answer(base: Mapping[str, Any], overlay: Mapping[str, Any], tenant_id: str) -> Any:
    merged = {**base, **{k: v for k, v in overlay.items() if k != "properties"}}
    merged["properties"] = {**base.get("properties", {}), **overlay.get("properties", {})}
    return {**merged, "tenant_id": tenant_id}


def get_user_for_tenant(ctx: Context, call: StateCall) -> Answer:
    _, tenant_id, base, overlay = _scoped(ctx, call)
    return 200, _scoped_answer(base, overlay or {}, tenant_id)


def upsert_user_for_tenant(ctx: Context, call: StateCall) -> Answer:
    distinct_id, tenant_id = call.params["distinct_id"], call.params["tenant_id"]
    tenant(ctx, tenant_id)
    if ctx.store.profile(distinct_id) is None:
        ctx.store.save_profiles([(distinct_id, upsert(None, {}, now=call.now))])
    _, _, base, overlay = _scoped(ctx, call)
    overlay = upsert(overlay, call.body or {}, now=call.now)
    ctx.store.save_entities(f"tenant_profile:{tenant_id}", [(distinct_id, overlay)])
    return CREATED, _scoped_answer(base, overlay, tenant_id)


def edit_user_for_tenant(ctx: Context, call: StateCall) -> Answer:
    distinct_id, tenant_id, base, overlay = _scoped(ctx, call)
    overlay = apply_edit(overlay, call.body, call.now)
    ctx.store.save_entities(f"tenant_profile:{tenant_id}", [(distinct_id, overlay)])
    return 200, _scoped_answer(base, overlay, tenant_id)


def unlink_user_tenant(ctx: Context, call: StateCall) -> Answer:
    distinct_id, tenant_id, _, overlay = _scoped(ctx, call)
    if overlay is None:
        raise not_found("tenant link", f"{distinct_id}/{tenant_id}")
    ctx.store.delete_entities(f"tenant_profile:{tenant_id}", [distinct_id])
    return NO_CONTENT, None


def list_user_associated_tenants(ctx: Context, call: StateCall) -> Answer:
    distinct_id = call.params["distinct_id"]
    user(ctx, distinct_id)
    linked = [
        namespace.split(":", 1)[1]
        for namespace in namespaces(ctx, "tenant_profile:")
        if ctx.store.entity(namespace, distinct_id) is not None
    ]
    return 200, cursor_page(call, [(key, tenant(ctx, key)) for key in linked])


def subscribed_to(ctx: Context, recipient: str) -> list[tuple[str, Any]]:
    """The objects ``recipient`` (``user:<id>`` or ``object:<type>/<id>``) is subscribed to."""
    links = []
    for namespace, key, subscription in ctx.store.entities_under("subscription:"):
        if key != recipient:
            continue
        object_key = namespace.split(":", 1)[1]
        object_type, object_id = object_key.split("/", 1)
        links.append(
            (
                object_key,
                {
                    "object": object_summary(ctx, object_type, object_id),
                    "properties": subscription.get("properties"),
                    "created_at": subscription.get("created_at"),
                    "updated_at": subscription.get("updated_at"),
                },
            )
        )
    return links


def list_user_object_subscriptions(ctx: Context, call: StateCall) -> Answer:
    distinct_id = call.params["distinct_id"]
    user(ctx, distinct_id)
    return 200, cursor_page(call, subscribed_to(ctx, f"user:{distinct_id}"))


def list_user_list_subscriptions(ctx: Context, call: StateCall) -> Answer:
    distinct_id = call.params["distinct_id"]
    user(ctx, distinct_id)
    memberships = []
    for namespace, key, member in ctx.store.entities_under("members:"):
        if key == distinct_id:
            list_id = namespace.split(":", 1)[1]
            memberships.append(
                (list_id, {"list": list_answer(ctx, list_id), "created_at": member.get("created_at")})
            )
    return 200, cursor_page(call, memberships)


get_user_full_preference = preferences.get_full_preference
update_user_full_preference = preferences.update_full_preference
get_user_channel_preferences = preferences.get_channel_preferences
update_user_channel_preferences = preferences.update_channel_preferences
list_user_category_preferences = preferences.list_category_preferences
get_user_category_preference = preferences.get_category_preference
update_user_category_preference = preferences.update_category_preference
bulk_update_user_preferences = preferences.bulk_update_user_preferences
reset_user_preferences = preferences.reset_user_preferences
