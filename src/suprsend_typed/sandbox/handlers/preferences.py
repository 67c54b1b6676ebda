"""Subscriber preferences (a user's or an object's, optionally within a tenant) and the categories they
choose among; the user and object namespaces expose these handlers under their operation ids."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from .base import Answer, Context, StateCall, invalid, not_found, offset_page
from .entities import TENANT_SCOPE, object_item, tenant

CANT_UNSUBSCRIBE: Final = "cant_unsubscribe"
OPT_IN: Final = "opt_in"
OPT_OUT: Final = "opt_out"
PREFERENCE_UPDATED: Final = 202
"""The hub answers a subscriber's preference PATCH with 202 Accepted."""
DEFAULT_CATEGORIES: Final = (
    (
        "transactional",
        {"name": "Transactional", "root_category": "transactional", "default_preference": CANT_UNSUBSCRIBE},
    ),
    (
        "product-updates",
        {"name": "Product updates", "root_category": "promotional", "default_preference": OPT_IN},
    ),
    ("newsletter", {"name": "Newsletter", "root_category": "promotional", "default_preference": OPT_OUT}),
)
"""The preference categories every sandbox has, before any seeded ones (a seeded one replaces its id)."""


def categories(ctx: Context) -> dict[str, dict[str, Any]]:
    """Every preference category by id: the default set, then the seeded ones."""
    return {**dict(DEFAULT_CATEGORIES), **ctx.store.entities("preference_categories")}


def category(ctx: Context, slug: str) -> dict[str, Any]:
    found = categories(ctx).get(slug)
    if found is None:
        raise not_found("category", slug)
    return found


def choices(ctx: Context, owner: str) -> dict[str, Any]:
    return ctx.store.entity("preferences", owner) or {"categories": {}, "channels": {}}


def opted_out(ctx: Context, owner: str, slug: str | None, channel: str) -> bool:
    """Whether ``owner`` (``user:<id>``) receives nothing of category ``slug`` on ``channel``: the category
    is opted out (or out by default), the channel is opted out within it, or the channel is restricted."""
    chosen = choices(ctx, owner)
    if chosen["channels"].get(channel):
        return True
    if slug is None or slug not in categories(ctx):
        return False
    definition = categories(ctx)[slug]
    choice = chosen["categories"].get(slug, {})
    default = definition.get("default_preference", OPT_IN)
    if default == CANT_UNSUBSCRIBE:
        return False
    if choice.get("preference", OPT_OUT if default == OPT_OUT else OPT_IN) == OPT_OUT:
        return True
    return channel in (choice.get("opt_out_channels") or [])


def _category_answer(ctx: Context, owner: str, slug: str, tenant_id: str | None) -> Any:
    definition = category(ctx, slug)
    default = definition.get("default_preference", OPT_IN)
    if tenant_id is not None:
        setting = ctx.store.entity(f"tenant_preference:{tenant_id}", slug) or {}
        default = setting.get("preference", default)
    choice = choices(ctx, owner)["categories"].get(slug, {})
    preference = choice.get("preference", OPT_OUT if default == OPT_OUT else OPT_IN)
    out = set(choice.get("opt_out_channels") or [])
    editable = default != CANT_UNSUBSCRIBE
    return {
        "name": definition.get("name", slug),
        "category": slug,
        "description": definition.get("description") or "",
        "tags": definition.get("tags") or [],
        "original_preference": default,
        "preference": preference,
        "is_editable": editable,
        "channels": [
            {"channel": channel, "preference": OPT_OUT if channel in out else OPT_IN, "is_editable": editable}
            for channel in sorted(out | set(choice.get("opt_in_channels") or []))
        ],
    }


def owner_of(ctx: Context, call: StateCall) -> str:
    params = call.params
    if "distinct_id" in params:
        owner = f"user:{params['distinct_id']}"
    else:
        object_item(ctx, params["object_type"], params["object_id"])
        owner = f"object:{params['object_type']}/{params['object_id']}"
    tenant_id = call.text("tenant_id")
    if tenant_id:
        tenant(ctx, tenant_id)
        owner += f"{TENANT_SCOPE}{tenant_id}"
    return owner


def _full_preference(ctx: Context, call: StateCall, owner: str) -> Any:
    tenant_id = call.text("tenant_id") or None
    sections: dict[str, list[Any]] = {}
    for slug, definition in categories(ctx).items():
        root = definition.get("root_category") or "transactional"
        sections.setdefault(root, []).append(_category_answer(ctx, owner, slug, tenant_id))
    return {
        "sections": [
            {"name": root.title(), "slug": root, "subcategories": items} for root, items in sections.items()
        ],
        "channel_preferences": _channel_list(choices(ctx, owner)["channels"]),
    }


def _channel_list(channels: Mapping[str, bool]) -> list[Any]:
    return [
        {"channel": channel, "is_restricted": restricted} for channel, restricted in sorted(channels.items())
    ]


def save_choices(
    ctx: Context,
    owner: str,
    settings: Sequence[Mapping[str, Any]],
    channels: Sequence[Mapping[str, Any]],
    field: str,
) -> None:
    chosen = choices(ctx, owner)
    for index, setting in enumerate(settings):
        slug = setting.get("category")
        _settable(ctx, str(slug), setting.get("preference"), f"{field}[{index}].preference")
        current = chosen["categories"].get(slug, {})
        chosen["categories"][slug] = {**current, **{k: v for k, v in setting.items() if k != "category"}}
    for setting in channels:
        chosen["channels"][setting["channel"]] = bool(setting.get("is_restricted"))
    ctx.store.save_entities("preferences", [(owner, chosen)])


def _settable(ctx: Context, slug: str, preference: Any, field: str) -> None:
    definition = category(ctx, slug)
    if preference == OPT_OUT and definition.get("default_preference") == CANT_UNSUBSCRIBE:
        raise invalid(field, f"category {slug!r} cannot be unsubscribed from")


def get_full_preference(ctx: Context, call: StateCall) -> Answer:
    return 200, _full_preference(ctx, call, owner_of(ctx, call))


def update_full_preference(ctx: Context, call: StateCall) -> Answer:
    owner = owner_of(ctx, call)
    body = call.body
    save_choices(
        ctx, owner, body.get("categories") or [], body.get("channel_preferences") or [], "categories"
    )
    return PREFERENCE_UPDATED, _full_preference(ctx, call, owner)


def get_channel_preferences(ctx: Context, call: StateCall) -> Answer:
    return 200, {"channel_preferences": _channel_list(choices(ctx, owner_of(ctx, call))["channels"])}


def update_channel_preferences(ctx: Context, call: StateCall) -> Answer:
    owner = owner_of(ctx, call)
    settings = call.body.get("channel_preferences") or []
    for index, setting in enumerate(settings):
        if not isinstance(setting.get("channel"), str) or not setting["channel"]:
            raise invalid(f"channel_preferences[{index}].channel", "required, a channel name")
    save_choices(ctx, owner, [], settings, "channel_preferences")
    return PREFERENCE_UPDATED, {"channel_preferences": _channel_list(choices(ctx, owner)["channels"])}


def list_category_preferences(ctx: Context, call: StateCall) -> Answer:
    owner, tenant_id = owner_of(ctx, call), call.text("tenant_id") or None
    return 200, offset_page(call, [_category_answer(ctx, owner, key, tenant_id) for key in categories(ctx)])


def get_category_preference(ctx: Context, call: StateCall) -> Answer:
    owner = owner_of(ctx, call)
    return 200, _category_answer(ctx, owner, call.params["category"], call.text("tenant_id") or None)


def update_category_preference(ctx: Context, call: StateCall) -> Answer:
    owner, slug = owner_of(ctx, call), call.params["category"]
    category(ctx, slug)
    setting = {"category": slug, **call.body}
    if setting.get("preference") not in (None, OPT_IN, OPT_OUT):
        raise invalid("preference", f"expected opt_in or opt_out, got {setting['preference']!r}")
    save_choices(ctx, owner, [setting], [], "body")
    return PREFERENCE_UPDATED, _category_answer(ctx, owner, slug, call.text("tenant_id") or None)


def tenant_suffix(ctx: Context, call: StateCall) -> str:
    tenant_id = call.text("tenant_id")
    if not tenant_id:
        return ""
    tenant(ctx, tenant_id)
    return f"{TENANT_SCOPE}{tenant_id}"


def bulk_update_user_preferences(ctx: Context, call: StateCall) -> Answer:
    body, suffix = call.body, tenant_suffix(ctx, call)
    for distinct_id in body["distinct_ids"]:
        save_choices(
            ctx,
            f"user:{distinct_id}{suffix}",
            body.get("categories") or [],
            body.get("channel_preferences") or [],
            "categories",
        )
    return 202, {"success": True}


def reset_user_preferences(ctx: Context, call: StateCall) -> Answer:
    body, suffix = call.body, tenant_suffix(ctx, call)
    everything = not body.get("reset_channel_preferences") and not body.get("reset_categories")
    for distinct_id in body["distinct_ids"]:
        owner = f"user:{distinct_id}{suffix}"
        chosen = choices(ctx, owner)
        if everything or body.get("reset_categories"):
            chosen["categories"] = {}
        if everything or body.get("reset_channel_preferences"):
            chosen["channels"] = {}
        ctx.store.save_entities("preferences", [(owner, chosen)])
    return 202, {"success": True}
