"""Subscriber lists, their versions (a sync replaces the members), and broadcasts to them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Final

from .base import NO_CONTENT, Answer, Context, StateCall, cursor_page, invalid, not_found, offset_page
from .entities import check_workspace, list_answer, list_item, namespaces
from .messages import make_messages

MEMBERS_CHANGED: Final = 201
"""The hub answers adding or removing list members, and finishing a sync, with 201."""


def create_subscriber_list(ctx: Context, call: StateCall) -> Answer:
    list_id = call.body["list_id"]
    current = ctx.store.entity("lists", list_id) or {
        "list_type": "static_list",
        "source": "api",
        "status": "active",
        "is_readonly": False,
        "created_at": call.now,
    }
    fields = {key: value for key, value in call.body.items() if key != "list_id"}
    ctx.store.save_entities("lists", [(list_id, {**current, **fields, "updated_at": call.now})])
    return 201, list_answer(ctx, list_id)


def get_subscriber_list(ctx: Context, call: StateCall) -> Answer:
    list_id = call.params["list_id"]
    list_item(ctx, list_id)
    return 200, list_answer(ctx, list_id)


def delete_subscriber_list(ctx: Context, call: StateCall) -> Answer:
    list_id = call.params["list_id"]
    list_item(ctx, list_id)
    ctx.store.delete_entities("lists", [list_id])
    ctx.store.delete_entities(f"members:{list_id}")
    ctx.store.delete_entities(f"version:{list_id}")
    for namespace in namespaces(ctx, f"version_members:{list_id}/"):
        ctx.store.delete_entities(namespace)
    return NO_CONTENT, None


def list_subscriber_lists(ctx: Context, call: StateCall) -> Answer:
    return 200, offset_page(call, [list_answer(ctx, key) for key in ctx.store.entities("lists")])


def list_subscriber_list_members(ctx: Context, call: StateCall) -> Answer:
    list_id = call.params["list_id"]
    list_item(ctx, list_id)
    members = ctx.store.entities(f"members:{list_id}")
    return 200, cursor_page(
        call,
        [
            (key, {"id": key, "distinct_id": key, "created_at": member.get("created_at")})
            for key, member in members.items()
        ],
    )


def _add_members(ctx: Context, namespace: str, distinct_ids: Sequence[str], now: str) -> Any:
    present = ctx.store.entities(namespace)
    fresh = [key for key in dict.fromkeys(distinct_ids) if key not in present]
    ctx.store.save_entities(namespace, [(key, {"created_at": now}) for key in fresh])
    return {"success": True, "affected_count": len(fresh)}


def add_subscribers(ctx: Context, call: StateCall) -> Answer:
    list_id = call.params["list_id"]
    list_item(ctx, list_id)
    return MEMBERS_CHANGED, _add_members(ctx, f"members:{list_id}", call.body["distinct_ids"], call.now)


def remove_subscribers(ctx: Context, call: StateCall) -> Answer:
    list_id = call.params["list_id"]
    list_item(ctx, list_id)
    removed = ctx.store.delete_entities(f"members:{list_id}", call.body["distinct_ids"])
    return MEMBERS_CHANGED, {"success": True, "affected_count": removed}


def _version(ctx: Context, call: StateCall) -> tuple[str, str, dict[str, Any]]:
    list_id, version_id = call.params["list_id"], call.params["version_id"]
    list_item(ctx, list_id)
    version = ctx.store.entity(f"version:{list_id}", version_id)
    if version is None:
        raise not_found("list version", f"{list_id}/{version_id}")
    return list_id, version_id, version


def start_subscriber_list_sync(ctx: Context, call: StateCall) -> Answer:
    list_id = call.params["list_id"]
    list_item(ctx, list_id)
    version_id = ctx.new_id()
    ctx.store.save_entities(
        f"version:{list_id}", [(version_id, {"status": "running", "created_at": call.now})]
    )
    return 201, {"version_id": version_id, "list_id": list_id, "status": "running"}


def get_subscriber_list_version(ctx: Context, call: StateCall) -> Answer:
    list_id, version_id, version = _version(ctx, call)
    count = len(ctx.store.entities(f"version_members:{list_id}/{version_id}"))
    return 200, {"version_id": version_id, "list_id": list_id, **version, "subscribers_count": count}


def delete_subscriber_list_version(ctx: Context, call: StateCall) -> Answer:
    list_id, version_id, _ = _version(ctx, call)
    ctx.store.delete_entities(f"version:{list_id}", [version_id])
    ctx.store.delete_entities(f"version_members:{list_id}/{version_id}")
    return NO_CONTENT, None


def add_subscribers_to_version(ctx: Context, call: StateCall) -> Answer:
    list_id, version_id, _ = _version(ctx, call)
    namespace = f"version_members:{list_id}/{version_id}"
    return MEMBERS_CHANGED, _add_members(ctx, namespace, call.body["distinct_ids"], call.now)


def remove_subscribers_from_version(ctx: Context, call: StateCall) -> Answer:
    list_id, version_id, _ = _version(ctx, call)
    removed = ctx.store.delete_entities(f"version_members:{list_id}/{version_id}", call.body["distinct_ids"])
    return MEMBERS_CHANGED, {"success": True, "affected_count": removed}


def finish_subscriber_list_sync(ctx: Context, call: StateCall) -> Answer:
    """The version's members become the list's: the list's members are replaced, the version is done."""
    list_id, version_id, version = _version(ctx, call)
    members = ctx.store.entities(f"version_members:{list_id}/{version_id}")
    ctx.store.delete_entities(f"members:{list_id}")
    ctx.store.save_entities(f"members:{list_id}", members.items())
    ctx.store.delete_entities(f"version_members:{list_id}/{version_id}")
    finished = {**version, "status": "completed", "updated_at": call.now}
    ctx.store.save_entities(f"version:{list_id}", [(version_id, finished)])
    return MEMBERS_CHANGED, {"version_id": version_id, "list_id": list_id, **finished}


def broadcast_to_list(ctx: Context, call: StateCall) -> Answer:
    """One message per member of the list that has not opted out, all of one broadcast run."""
    check_workspace(ctx, call.params["workspace"])
    body = call.body
    list_id = body["list_id"]
    if ctx.store.entity("lists", list_id) is None:
        raise invalid("list_id", f"list {list_id!r} not found")
    execution_id = ctx.new_id()
    make_messages(
        ctx,
        base_id=execution_id,
        recipients=list(ctx.store.entities(f"members:{list_id}")),
        workflow=body["template"],
        category=body["notification_category"],
        run={
            "tenant_id": body.get("tenant_id"),
            "idempotency_key": body.get("$idempotency_key"),
            "list_id": list_id,
        },
        now=call.now,
    )
    return 202, {"message": "OK", "status": "success", "execution_id": execution_id}
