"""Objects, their subscribers, what they are subscribed to, and their preferences."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from ..profiles import upsert
from . import preferences
from .base import NO_CONTENT, Answer, Context, StateCall, cursor_page, invalid
from .entities import apply_edit, namespaces, object_item, object_summary, recipient_keys
from .users import CREATED, subscribed_to

SUBSCRIBED: Final = 200
"""The hub answers ``POST .../subscription/`` with 200."""


def _object_answer(ctx: Context, object_type: str, object_id: str, item: Mapping[str, Any]) -> Any:
    count = len(ctx.store.entities(f"subscription:{object_type}/{object_id}"))
    return {"id": object_id, "object_type": object_type, "subscriptions_count": count, **item}


def upsert_object(ctx: Context, call: StateCall) -> Answer:
    object_type, object_id = call.params["object_type"], call.params["object_id"]
    current = ctx.store.entity(f"object:{object_type}", object_id)
    item = upsert(current, call.body or {}, now=call.now)
    ctx.store.save_entities(f"object:{object_type}", [(object_id, item)])
    return CREATED, _object_answer(ctx, object_type, object_id, item)


def get_object(ctx: Context, call: StateCall) -> Answer:
    object_type, object_id = call.params["object_type"], call.params["object_id"]
    return 200, _object_answer(ctx, object_type, object_id, object_item(ctx, object_type, object_id))


def edit_object(ctx: Context, call: StateCall) -> Answer:
    object_type, object_id = call.params["object_type"], call.params["object_id"]
    item = apply_edit(object_item(ctx, object_type, object_id), call.body, call.now)
    ctx.store.save_entities(f"object:{object_type}", [(object_id, item)])
    return 200, _object_answer(ctx, object_type, object_id, item)


def delete_object(ctx: Context, call: StateCall) -> Answer:
    object_type, object_id = call.params["object_type"], call.params["object_id"]
    object_item(ctx, object_type, object_id)
    _forget_objects(ctx, object_type, [object_id])
    return NO_CONTENT, None


def bulk_delete_objects(ctx: Context, call: StateCall) -> Answer:
    _forget_objects(ctx, call.params["object_type"], call.body.get("object_ids") or [])
    return NO_CONTENT, None


def _forget_objects(ctx: Context, object_type: str, object_ids: Sequence[str]) -> None:
    ctx.store.delete_entities(f"object:{object_type}", object_ids)
    for object_id in object_ids:
        ctx.store.delete_entities(f"subscription:{object_type}/{object_id}")
    for namespace in namespaces(ctx, "subscription:"):
        ctx.store.delete_entities(namespace, [f"object:{object_type}/{key}" for key in object_ids])


def list_objects(ctx: Context, call: StateCall) -> Answer:
    object_type = call.params["object_type"]
    items = ctx.store.entities(f"object:{object_type}")
    return 200, cursor_page(
        call, [(key, _object_answer(ctx, object_type, key, item)) for key, item in items.items()]
    )


def create_object_subscriptions(ctx: Context, call: StateCall) -> Answer:
    object_type, object_id = call.params["object_type"], call.params["object_id"]
    object_item(ctx, object_type, object_id)
    recipients = recipient_keys(call.body.get("recipients") or [])
    if not recipients:
        raise invalid("recipients", "at least one recipient is required")
    namespace = f"subscription:{object_type}/{object_id}"
    properties = call.body.get("properties") or {}
    rows = []
    for key in recipients:
        current = ctx.store.entity(namespace, key) or {"created_at": call.now}
        rows.append((key, {**current, "properties": properties, "updated_at": call.now}))
    ctx.store.save_entities(namespace, rows)
    key, subscription = rows[-1]
    return SUBSCRIBED, _subscription_answer(ctx, key, subscription)


def _subscription_answer(ctx: Context, key: str, subscription: Mapping[str, Any]) -> Any:
    kind, recipient = key.split(":", 1)
    answer: dict[str, Any] = {
        "properties": subscription.get("properties"),
        "created_at": subscription.get("created_at"),
        "updated_at": subscription.get("updated_at"),
    }
    if kind == "user":
        answer["user"] = {"distinct_id": recipient, "updated_at": subscription.get("updated_at")}
    else:
        answer["object"] = object_summary(ctx, *recipient.split("/", 1))
    return answer


def subscribers(ctx: Context, object_type: str, object_id: str) -> list[str]:
    """The recipient keys subscribed to an object, in key order."""
    return list(ctx.store.entities(f"subscription:{object_type}/{object_id}"))


def delete_object_subscriptions(ctx: Context, call: StateCall) -> Answer:
    object_type, object_id = call.params["object_type"], call.params["object_id"]
    object_item(ctx, object_type, object_id)
    recipients = recipient_keys(call.body.get("recipients") or [])
    ctx.store.delete_entities(f"subscription:{object_type}/{object_id}", recipients)
    return NO_CONTENT, None


def list_object_subscriptions(ctx: Context, call: StateCall) -> Answer:
    object_type, object_id = call.params["object_type"], call.params["object_id"]
    object_item(ctx, object_type, object_id)
    items = ctx.store.entities(f"subscription:{object_type}/{object_id}")
    return 200, cursor_page(
        call, [(key, _subscription_answer(ctx, key, item)) for key, item in items.items()]
    )


def list_object_object_subscriptions(ctx: Context, call: StateCall) -> Answer:
    object_type, object_id = call.params["object_type"], call.params["object_id"]
    object_item(ctx, object_type, object_id)
    return 200, cursor_page(call, subscribed_to(ctx, f"object:{object_type}/{object_id}"))


get_object_full_preference = preferences.get_full_preference
update_object_full_preference = preferences.update_full_preference
get_object_channel_preferences = preferences.get_channel_preferences
update_object_channel_preferences = preferences.update_channel_preferences
list_object_category_preferences = preferences.list_category_preferences
get_object_category_preference = preferences.get_category_preference
update_object_category_preference = preferences.update_category_preference
