"""Templates (read only: a seed provides them)."""

from __future__ import annotations

from typing import Any

from .base import Answer, Context, StateCall, not_found, offset_page


def _template(ctx: Context, slug: str) -> dict[str, Any]:
    template = ctx.store.entity("templates", slug)
    if template is None:
        raise not_found("template", slug)
    return _answer(slug, template)


def _answer(slug: str, template: dict[str, Any]) -> dict[str, Any]:
    """The hub's template: each channel an object ``{"channel": {"name", "slug"}, ...}``; a seed may name
    a channel by its slug alone."""
    channels = [_channel(item) for item in template.get("channels") or []]
    return {"slug": slug, **template, "channels": channels}


def _channel(item: Any) -> Any:
    if isinstance(item, str):
        return {"channel": {"name": item, "slug": item}, "is_active": True, "is_enabled": True}
    return item


def _channel_slug(item: Any) -> str:
    channel = item.get("channel") if isinstance(item, dict) else None
    slug = channel.get("slug") if isinstance(channel, dict) else None
    return str(slug if slug is not None else item.get("slug") if isinstance(item, dict) else item)


def list_templates(ctx: Context, call: StateCall) -> Answer:
    templates = [_answer(key, item) for key, item in ctx.store.entities("templates").items()]
    return 200, offset_page(call, templates)


def get_template(ctx: Context, call: StateCall) -> Answer:
    return 200, _template(ctx, call.params["template_slug"])


def get_template_channel(ctx: Context, call: StateCall) -> Answer:
    slug, channel = call.params["template_slug"], call.params["channel"]
    channels = _template(ctx, slug).get("channels") or []
    names = [_channel_slug(item) for item in channels]
    if channel not in names:
        raise not_found("template channel", f"{slug}/{channel}")
    return 200, {
        "channel": {"name": channel, "slug": channel},
        "is_active": True,
        "is_enabled": True,
        "versions": [],
    }


def template_category(ctx: Context, slug: str | None) -> str | None:
    """The notification category a seeded template (or workflow of that slug) declares, if any."""
    item = ctx.store.entity("templates", slug) if slug else None
    category = (item or {}).get("category")
    return category if isinstance(category, str) else None
