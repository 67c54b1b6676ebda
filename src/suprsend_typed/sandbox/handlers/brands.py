"""Brands."""

from __future__ import annotations

from .base import Answer, Context, StateCall, invalid, offset_page
from .entities import DEFAULT_BRAND, brand, brands, upsert_entity


def upsert_brand(ctx: Context, call: StateCall) -> Answer:
    if not isinstance(call.body, dict):
        raise invalid("body", "expected a JSON object")
    brand_id = call.params["brand_id"]
    if brand_id == DEFAULT_BRAND and ctx.store.entity("brands", brand_id) is None:
        ctx.store.save_entities("brands", [(brand_id, {"brand_name": DEFAULT_BRAND, "created_at": call.now})])
    return 200, upsert_entity(ctx, "brands", "brand_id", brand_id, call)


def get_brand(ctx: Context, call: StateCall) -> Answer:
    return 200, brand(ctx, call.params["brand_id"])


def list_brands(ctx: Context, call: StateCall) -> Answer:
    return 200, offset_page(call, [{"brand_id": key, **item} for key, item in brands(ctx).items()])
