"""Messages: made for each recipient of a workflow run or broadcast (object recipients fanned out to their
subscribers, opted-out recipients left out), listed with the hub's filters, updated by actions, cancelled by
run.

A message is kept in the description's ``MessageResponse`` shape: ``recipient {"$type", "distinct_id"}``,
``workflow {"slug", ...}``, ``channel``, ``template``, ``vendor``, the ``*_at`` times, ``is_read`` and
``is_archived``. Each recipient gets one message, on its first channel that is not opted out (``inbox``
when it has none: every user has an inbox).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final

from ..._generated.endpoints import LIST_MESSAGES_LIMIT_MAXIMUM
from ..profiles import CHANNEL_KEYS
from .base import Answer, Context, StateCall, cursor_page, invalid
from .entities import TENANT_SCOPE
from .preferences import opted_out

MAX_MESSAGE_PAGE: Final = LIST_MESSAGES_LIMIT_MAXIMUM
DELIVERED: Final = "delivered"
SKIPPED: Final = "not_to_be_triggered"
"""The status of a message whose run was cancelled before it was sent."""
INBOX: Final = "inbox"
SANDBOX_VENDOR: Final = {"name": "suprsend_sandbox", "nickname": "Sandbox"}
_CURSOR_DIGITS: Final = 12
_DERIVED_STATUSES: Final = {
    "triggered": {"triggered", "trigger_blocked", "sent_by_vendor", "to_be_triggered", SKIPPED},
    "delivery_failed": {"trigger_failed", "failure_by_vendor", "delivery_failure"},
}
"""``status[]`` filter values that stand for several statuses (the description's list)."""
_FLAG_STATUSES: Final = {
    "read": ("is_read", True),
    "unread": ("is_read", False),
    "archived": ("is_archived", True),
}
_ACTIONS: Final = {
    # action -> (time field set, status set or None, flag set or None)
    "seen": ("seen_at", "seen", None),
    "clicked": ("clicked_at", "clicked", None),
    "dismissed": ("dismissed_at", "dismissed", None),
    "read": ("read_at", "read", ("is_read", True)),
    "unread": ("unread_at", None, ("is_read", False)),
    "archived": ("archived_at", None, ("is_archived", True)),
    "unarchived": ("unarchived_at", None, ("is_archived", False)),
}
_TIME_FIELDS: Final = (
    "triggered_at",
    "delivered_at",
    "seen_at",
    "clicked_at",
    "dismissed_at",
    "read_at",
    "unread_at",
    "archived_at",
    "unarchived_at",
)
_MAX_FANOUT_DEPTH: Final = 2  # an object's subscribers, and the subscribers of objects subscribed to it


def recipients_of(ctx: Context, recipients: Iterable[Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """``(recipient, parent)`` per user to notify: a distinct id or user object as given; an object
    recipient itself when it has channels, then its subscribers (``parent`` names the object)."""
    found: list[tuple[dict[str, Any], dict[str, Any]]] = []
    for recipient in recipients:
        if isinstance(recipient, str):
            found.append(({"distinct_id": recipient}, {}))
        elif isinstance(recipient, dict) and recipient.get("distinct_id"):
            found.append((recipient, {}))
        elif isinstance(recipient, dict) and recipient.get("object_type") and recipient.get("id"):
            found.extend(_fan_out(ctx, str(recipient["object_type"]), str(recipient["id"]), recipient))
    return found


def _fan_out(
    ctx: Context, object_type: str, object_id: str, given: Mapping[str, Any]
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    parent = {"parent_entity_type": object_type, "parent_entity_id": object_id}
    stored = ctx.store.entity(f"object:{object_type}", object_id) or {}
    found: list[tuple[dict[str, Any], dict[str, Any]]] = []
    if CHANNEL_KEYS & {*stored.keys(), *given.keys()}:
        found.append(({"object_type": object_type, "id": object_id, **stored, **given}, parent))
    pending, seen = [(object_type, object_id, 0)], {f"{object_type}/{object_id}"}
    while pending:
        kind, key, depth = pending.pop(0)
        for subscriber in ctx.store.entities(f"subscription:{kind}/{key}"):
            scheme, name = subscriber.split(":", 1)
            if scheme == "user":
                found.append(({"distinct_id": name}, parent))
            elif name not in seen and depth + 1 < _MAX_FANOUT_DEPTH:
                seen.add(name)
                inner_type, inner_id = name.split("/", 1)
                pending.append((inner_type, inner_id, depth + 1))
    return found


def make_messages(
    ctx: Context,
    *,
    base_id: str,
    recipients: Iterable[Any],
    workflow: str | None,
    category: str | None,
    run: Mapping[str, Any],
    now: str,
) -> list[dict[str, Any]]:
    """The messages of one run (``run``: ``tenant_id``, ``idempotency_key``, ``list_id``), stored; one
    message has the run's id ``base_id``, several are ``<base_id>.<n>``."""
    tenant_id = run.get("tenant_id")
    planned = []
    for recipient, parent in recipients_of(ctx, recipients):
        channel = _channel(ctx, recipient, category, tenant_id)
        if channel is not None:
            planned.append((recipient, parent, channel))
    messages = [
        _message(
            message_id=base_id if len(planned) == 1 else f"{base_id}.{index}",
            recipient=recipient,
            parent=parent,
            channel=channel,
            workflow=workflow,
            category=category,
            execution_id=base_id,
            run=run,
            now=now,
        )
        for index, (recipient, parent, channel) in enumerate(planned)
    ]
    ctx.store.add_messages(messages)
    return messages


def _channel(ctx: Context, recipient: Mapping[str, Any], category: str | None, tenant_id: Any) -> str | None:
    """The first channel of the recipient that is not opted out, or None when every one is."""
    if "distinct_id" in recipient:
        profile = ctx.store.profile(str(recipient["distinct_id"])) or {}
        owner = f"user:{recipient['distinct_id']}"
    else:
        profile, owner = {}, f"object:{recipient['object_type']}/{recipient['id']}"
    names = [key[1:] for key in sorted(CHANNEL_KEYS) if profile.get(key) or recipient.get(key)]
    wanted = recipient.get("$channels")
    if isinstance(wanted, list) and wanted:
        names = [name for name in names if name in wanted] or [str(name) for name in wanted]
    if not names and "distinct_id" in recipient:
        names = [INBOX]
    owners = [
        owner,
        *([f"{owner}{TENANT_SCOPE}{tenant_id}"] if isinstance(tenant_id, str) and tenant_id else []),
    ]
    for name in names:
        if not any(opted_out(ctx, key, category, name) for key in owners):
            return name
    return None


def _message(
    *,
    message_id: str,
    recipient: Mapping[str, Any],
    parent: Mapping[str, Any],
    channel: str,
    workflow: str | None,
    category: str | None,
    execution_id: str,
    run: Mapping[str, Any],
    now: str,
) -> dict[str, Any]:
    if "distinct_id" in recipient:
        who = {"$type": "user", "distinct_id": str(recipient["distinct_id"]), "object_type": None, "id": None}
    else:
        who = {
            "$type": "object",
            "distinct_id": None,
            "object_type": recipient["object_type"],
            "id": recipient["id"],
        }
    times = dict.fromkeys(_TIME_FIELDS)
    times.update(triggered_at=now, delivered_at=now)
    list_id = run.get("list_id")
    return {
        "message_id": message_id,
        "created_at": now,
        "updated_at": now,
        **times,
        "is_read": False,
        "is_archived": False,
        "status": DELIVERED,
        "channel": channel,
        "idempotency_key": run.get("idempotency_key"),
        "failure_reason": None,
        "recipient": who,
        "parent_entity_id": parent.get("parent_entity_id"),
        "parent_entity_type": parent.get("parent_entity_type"),
        "vendor": dict(SANDBOX_VENDOR),
        "execution_id": execution_id,
        "parent_execution_id": execution_id if parent else None,
        "is_campaign": list_id is not None,
        "list_id": list_id,
        "tenant_id": run.get("tenant_id"),
        "workflow": {"slug": workflow, "version_id": None, "name": workflow, "node_ref": None},
        "template": {"name": workflow, "slug": workflow, "version_no": None},
        "channel_identity": {channel: who["distinct_id"] or who["id"]},
        "category": category,
    }


def _matches(message: Mapping[str, Any], call: StateCall) -> bool:
    statuses = call.texts("status")
    if statuses and not any(_has_status(message, status) for status in statuses):
        return False
    recipient = message.get("recipient") or {}
    checks = (
        ("recipient_id", recipient.get("distinct_id")),
        ("category", message.get("category")),
        ("channel", message.get("channel")),
        ("workflow_slug", (message.get("workflow") or {}).get("slug")),
        ("idempotency_key", message.get("idempotency_key")),
        ("message_id", message.get("message_id")),
        ("tenant_id", message.get("tenant_id")),
    )
    for name, value in checks:
        wanted = call.texts(name)
        if wanted and value not in wanted:
            return False
    execution = call.text("execution_id")
    if execution and execution not in (message.get("execution_id"), message.get("parent_execution_id")):
        return False
    campaign = call.text("is_campaign")
    if (
        campaign is not None
        and campaign != ""
        and (campaign.lower() == "true") != bool(message.get("is_campaign"))
    ):
        return False
    return _object_matches(message, call) and _time_matches(message, call)


def _has_status(message: Mapping[str, Any], status: str) -> bool:
    if status in _FLAG_STATUSES:
        flag, value = _FLAG_STATUSES[status]
        return bool(message.get(flag)) == value
    return message.get("status") in _DERIVED_STATUSES.get(status, {status})


def _object_matches(message: Mapping[str, Any], call: StateCall) -> bool:
    object_type, object_id = call.text("object_type"), call.text("object_id")
    if not object_type and not object_id:
        return True
    if not (object_type and object_id):
        raise invalid(
            "object_id" if object_type else "object_type", "give object_type and object_id together"
        )
    recipient = message.get("recipient") or {}
    return (message.get("parent_entity_type"), message.get("parent_entity_id")) == (
        object_type,
        object_id,
    ) or (
        recipient.get("object_type"),
        recipient.get("id"),
    ) == (object_type, object_id)


def _time_matches(message: Mapping[str, Any], call: StateCall) -> bool:
    """``created_at_gte`` / ``created_at_lte``, compared to the second (the hub's precision)."""
    created = str(message.get("created_at") or "")[:19]
    low, high = call.text("created_at_gte"), call.text("created_at_lte")
    return (not low or created >= low[:19]) and (not high or created <= high[:19])


def list_messages(ctx: Context, call: StateCall) -> Answer:
    matching = [
        (f"{seq:0{_CURSOR_DIGITS}d}", _public(message))
        for seq, message in ctx.store.messages()
        if _matches(message, call)
    ]
    return 200, cursor_page(call, matching, max_limit=MAX_MESSAGE_PAGE)


def _public(message: Mapping[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in message.items() if key != "list_id"}


def bulk_update_messages(ctx: Context, call: StateCall) -> Answer:
    by_id = {message["message_id"]: message for _, message in ctx.store.messages()}
    outcomes, changed = [], []
    for item in call.body["messages"]:
        message = by_id.get(item["message_id"])
        action = _ACTIONS.get(item["action"])
        error = None
        if message is None:
            error = {"type": "not_found", "message": f"message {item['message_id']!r} not found"}
        elif action is None:
            error = {
                "type": "validation_error",
                "message": f"action {item['action']!r} is not one of {sorted(_ACTIONS)}",
            }
        else:
            time_field, status, flag = action
            message.update({time_field: call.now, "updated_at": call.now})
            if status is not None:
                message["status"] = status
            if flag is not None:
                message[flag[0]] = flag[1]
            changed.append(message)
        code = 202 if error is None else 404 if message is None else 400
        outcomes.append({"message_id": item["message_id"], "status_code": code, "error": error})
    ctx.store.save_messages(changed)
    return 202, {"records": outcomes}


def cancel_runs(ctx: Context, conditions: Mapping[str, Sequence[str]], *, broadcast: bool) -> list[str]:
    """Skip the messages of the runs matching ``conditions`` (message fields -> accepted values), of
    broadcasts or of workflow runs; the distinct execution ids touched, in order."""
    touched: dict[str, None] = {}
    changed = []
    for _, message in ctx.store.messages():
        if (message.get("list_id") is not None) != broadcast:
            continue
        if all(_field(message, name) in values for name, values in conditions.items()):
            message["status"] = SKIPPED
            changed.append(message)
            touched.setdefault(str(message["execution_id"]))
    ctx.store.save_messages(changed)
    return list(touched)


def _field(message: Mapping[str, Any], name: str) -> Any:
    if name == "workflow":
        return (message.get("workflow") or {}).get("slug")
    if name == "recipient_id":
        return (message.get("recipient") or {}).get("distinct_id")
    return message.get(name)
