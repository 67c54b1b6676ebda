"""The hub's state operations: users, tenants, brands, objects and subscriptions, subscriber lists and their
versions, broadcasts, preferences, templates and run cancellation, one handler per operation id.

Every handler takes a ``StateCall`` (path parameters, query, the body already checked against the operation's
generated model) and returns ``(status, document)``, or raises ``StateError`` with the hub's error status and
a message naming the bad field or the unknown id. Items live in the store's ``entities`` table under these
namespaces (user profiles in its ``profiles`` table):

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

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import attrs

from .._generated.operations import OPERATIONS
from .profiles import CHANNEL_KEYS, OperationError, apply_operations, upsert
from .store import Store

Answer = tuple[int, Any]
"""An HTTP status and the JSON document to answer with (None: no body)."""

NO_CONTENT: Final = 204
DEFAULT_PAGE_LIMIT: Final = 10
CANCELLED: Final = "cancelled"
CANT_UNSUBSCRIBE: Final = "cant_unsubscribe"
OPT_IN: Final = "opt_in"
OPT_OUT: Final = "opt_out"
TENANT_SCOPE: Final = "#tenant:"
"""Joins an owner key and a tenant id: the key of a subscriber's preferences within one tenant."""
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


class StateError(Exception):
    """A request the hub refuses: ``status`` (400, 404), a ``message`` naming the field or id."""

    def __init__(self, status: int, message: str, error_type: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_type = error_type


def not_found(what: str, key: str) -> StateError:
    return StateError(404, f"{what} {key!r} not found", "not_found")


def invalid(field: str, reason: str) -> StateError:
    return StateError(400, f"{field}: {reason}", "validation_error")


@attrs.frozen(kw_only=True, slots=True)
class StateCall:
    params: Mapping[str, str]
    query: Mapping[str, list[str]]
    body: Any
    now: str  # ISO 8601, the hub's time of the request

    def text(self, name: str) -> str | None:
        values = self.query.get(name) or self.query.get(f"{name}[]")
        return values[-1] if values else None

    def number(self, name: str, default: int) -> int:
        value = self.text(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise invalid(name, f"expected an integer, got {value!r}") from None
        if number < (1 if name == "limit" else 0):
            raise invalid(name, f"must be at least {1 if name == 'limit' else 0}, got {number}")
        return number


def cursor_page(call: StateCall, items: Sequence[tuple[str, Any]]) -> dict[str, Any]:
    """The hub's cursor page of ``items`` (``(cursor key, result)`` in key order) for ``limit``/``after``/
    ``before``: ``{"meta": {count, limit, has_prev, before, has_next, after}, "results": [...]}``."""
    limit = call.number("limit", DEFAULT_PAGE_LIMIT)
    after, before = call.text("after"), call.text("before")
    if after:
        selected = [item for item in items if item[0] > after]
        page, has_prev, has_next = selected[:limit], True, len(selected) > limit
    elif before:
        selected = [item for item in items if item[0] < before]
        page, has_prev, has_next = selected[-limit:], len(selected) > limit, True
    else:
        page, has_prev, has_next = list(items[:limit]), False, len(items) > limit
    meta = {
        "count": len(page),
        "limit": limit,
        "has_prev": has_prev,
        "before": page[0][0] if page and has_prev else None,
        "has_next": has_next,
        "after": page[-1][0] if page and has_next else None,
    }
    return {"meta": meta, "results": [result for _, result in page]}


def offset_page(call: StateCall, results: Sequence[Any]) -> dict[str, Any]:
    """The hub's offset page: ``{"meta": {count (the total), limit, offset}, "results": [...]}``."""
    limit = call.number("limit", DEFAULT_PAGE_LIMIT)
    offset = call.number("offset", 0)
    return {
        "meta": {"count": len(results), "limit": limit, "offset": offset},
        "results": list(results[offset : offset + limit]),
    }


Handler = Callable[[StateCall], Answer]


class State:
    """The state operations over one store; ``handlers()`` maps operation ids to them."""

    def __init__(
        self, *, store: Store, new_id: Callable[[], str], workspaces: Callable[[], Iterable[str]]
    ) -> None:
        self.store = store
        self._new_id = new_id
        self._workspaces = workspaces

    def handlers(self) -> dict[str, Handler]:
        """Operation id -> handler, for every method named like an operation of the table."""
        return {name: getattr(self, name) for name in dir(type(self)) if name in OPERATIONS}

    # Users

    def _user(self, distinct_id: str) -> dict[str, Any]:
        profile = self.store.profile(distinct_id)
        if profile is None:
            raise not_found("user", distinct_id)
        return {"distinct_id": distinct_id, **profile}

    def upsert_user(self, call: StateCall) -> Answer:
        distinct_id = call.params["distinct_id"]
        profile = upsert(self.store.profile(distinct_id), call.body or {}, now=call.now)
        self.store.save_profiles([(distinct_id, profile)])
        return 200, {"distinct_id": distinct_id, **profile}

    def delete_user(self, call: StateCall) -> Answer:
        distinct_id = call.params["distinct_id"]
        self._user(distinct_id)
        self._forget_users([distinct_id])
        return NO_CONTENT, None

    def bulk_delete_users(self, call: StateCall) -> Answer:
        self._forget_users(call.body.get("distinct_ids") or [])
        return NO_CONTENT, None

    def _forget_users(self, distinct_ids: Sequence[str]) -> None:
        """Remove the profiles and everything that names them: tenant overlays, list memberships,
        subscriptions and preferences."""
        self.store.delete_profiles(distinct_ids)
        for namespace, _, _ in self._namespaces("tenant_profile:", "members:", "version_members:"):
            self.store.delete_entities(namespace, distinct_ids)
        for namespace, _, _ in self._namespaces("subscription:"):
            self.store.delete_entities(namespace, [f"user:{key}" for key in distinct_ids])
        owners = {f"user:{key}" for key in distinct_ids}
        self.store.delete_entities(
            "preferences",
            [key for key in self.store.entities("preferences") if key.split(TENANT_SCOPE)[0] in owners],
        )

    def _namespaces(self, *prefixes: str) -> list[tuple[str, str, dict[str, Any]]]:
        """One ``(namespace, id, item)`` per namespace under ``prefixes`` (its first item)."""
        seen: dict[str, tuple[str, str, dict[str, Any]]] = {}
        for prefix in prefixes:
            for row in self.store.entities_under(prefix):
                seen.setdefault(row[0], row)
        return list(seen.values())

    def list_users(self, call: StateCall) -> Answer:
        users = self.store.profiles()
        return 200, cursor_page(call, [(key, {"distinct_id": key, **p}) for key, p in users.items()])

    def merge_users(self, call: StateCall) -> Answer:
        distinct_id, source_id = call.params["distinct_id"], call.body.get("from_user_id")
        if not source_id:
            raise invalid("from_user_id", "required, a distinct_id")
        target = self._user(distinct_id)
        source = self.store.profile(source_id)
        if source is None:
            raise invalid("from_user_id", f"user {source_id!r} not found")
        merged = upsert({k: v for k, v in target.items() if k != "distinct_id"}, {}, now=call.now)
        merged["properties"] = {**source.get("properties", {}), **merged["properties"]}
        for channel in CHANNEL_KEYS & source.keys():  # the source's channel entries join the target's
            entries = merged.setdefault(channel, [])
            known = [entry["value"] for entry in entries]  # a list: a web push value is an object
            entries.extend(entry for entry in source[channel] if entry["value"] not in known)
        self._forget_users([source_id])
        self.store.save_profiles([(distinct_id, merged)])
        return 200, {"distinct_id": distinct_id, **merged}

    # Tenant-scoped profiles: the user's profile with the tenant's overlay of properties and channels.

    def _scoped(self, call: StateCall) -> tuple[str, str, dict[str, Any], dict[str, Any] | None]:
        distinct_id, tenant_id = call.params["distinct_id"], call.params["tenant_id"]
        self._tenant(tenant_id)
        base = self._user(distinct_id)
        return distinct_id, tenant_id, base, self.store.entity(f"tenant_profile:{tenant_id}", distinct_id)

    def _scoped_answer(self, base: Mapping[str, Any], overlay: Mapping[str, Any], tenant_id: str) -> Any:
        merged = {**base, **{k: v for k, v in overlay.items() if k != "properties"}}
        merged["properties"] = {**base.get("properties", {}), **overlay.get("properties", {})}
        return {**merged, "tenant_id": tenant_id}

    def get_user_for_tenant(self, call: StateCall) -> Answer:
        _, tenant_id, base, overlay = self._scoped(call)
        return 200, self._scoped_answer(base, overlay or {}, tenant_id)

    def upsert_user_for_tenant(self, call: StateCall) -> Answer:
        distinct_id, tenant_id = call.params["distinct_id"], call.params["tenant_id"]
        self._tenant(tenant_id)
        if self.store.profile(distinct_id) is None:
            self.store.save_profiles([(distinct_id, upsert(None, {}, now=call.now))])
        _, _, base, overlay = self._scoped(call)
        overlay = upsert(overlay, call.body or {}, now=call.now)
        self.store.save_entities(f"tenant_profile:{tenant_id}", [(distinct_id, overlay)])
        return 200, self._scoped_answer(base, overlay, tenant_id)

    def edit_user_for_tenant(self, call: StateCall) -> Answer:
        distinct_id, tenant_id, base, overlay = self._scoped(call)
        overlay = _operations(overlay, call.body, call.now)
        self.store.save_entities(f"tenant_profile:{tenant_id}", [(distinct_id, overlay)])
        return 200, self._scoped_answer(base, overlay, tenant_id)

    def unlink_user_tenant(self, call: StateCall) -> Answer:
        distinct_id, tenant_id, _, overlay = self._scoped(call)
        if overlay is None:
            raise not_found("tenant link", f"{distinct_id}/{tenant_id}")
        self.store.delete_entities(f"tenant_profile:{tenant_id}", [distinct_id])
        return NO_CONTENT, None

    def list_user_associated_tenants(self, call: StateCall) -> Answer:
        distinct_id = call.params["distinct_id"]
        self._user(distinct_id)
        tenants = [
            namespace.split(":", 1)[1]
            for namespace, _, _ in self._namespaces("tenant_profile:")
            if self.store.entity(namespace, distinct_id) is not None
        ]
        results = [(key, {"tenant_id": key, **(self.store.entity("tenants", key) or {})}) for key in tenants]
        return 200, cursor_page(call, results)

    def list_user_object_subscriptions(self, call: StateCall) -> Answer:
        distinct_id = call.params["distinct_id"]
        self._user(distinct_id)
        return 200, cursor_page(call, self._subscribed_to(f"user:{distinct_id}"))

    def list_object_object_subscriptions(self, call: StateCall) -> Answer:
        object_type, object_id = call.params["object_type"], call.params["object_id"]
        self._object(object_type, object_id)
        return 200, cursor_page(call, self._subscribed_to(f"object:{object_type}/{object_id}"))

    def _subscribed_to(self, recipient: str) -> list[tuple[str, Any]]:
        links = []
        for namespace, key, subscription in self.store.entities_under("subscription:"):
            if key != recipient:
                continue
            object_key = namespace.split(":", 1)[1]
            object_type, object_id = object_key.split("/", 1)
            links.append(
                (
                    object_key,
                    {
                        "object": self._object_summary(object_type, object_id),
                        "properties": subscription.get("properties"),
                        "created_at": subscription.get("created_at"),
                        "updated_at": subscription.get("updated_at"),
                    },
                )
            )
        return links

    def list_user_list_subscriptions(self, call: StateCall) -> Answer:
        distinct_id = call.params["distinct_id"]
        self._user(distinct_id)
        memberships = []
        for namespace, key, member in self.store.entities_under("members:"):
            if key == distinct_id:
                list_id = namespace.split(":", 1)[1]
                memberships.append(
                    (list_id, {"list": self._list_answer(list_id), "created_at": member.get("created_at")})
                )
        return 200, cursor_page(call, memberships)

    # Tenants and brands

    def _tenant(self, tenant_id: str) -> dict[str, Any]:
        tenant = self.store.entity("tenants", tenant_id)
        if tenant is None:
            raise not_found("tenant", tenant_id)
        return {"tenant_id": tenant_id, **tenant}

    def upsert_tenant(self, call: StateCall) -> Answer:
        return 200, self._upsert("tenants", "tenant_id", call.params["tenant_id"], call)

    def _upsert(self, namespace: str, id_key: str, key: str, call: StateCall) -> dict[str, Any]:
        current = self.store.entity(namespace, key) or {"created_at": call.now}
        document = {**current, **(call.body or {}), "updated_at": call.now}
        document.pop(id_key, None)
        self.store.save_entities(namespace, [(key, document)])
        return {id_key: key, **document}

    def get_tenant(self, call: StateCall) -> Answer:
        return 200, self._tenant(call.params["tenant_id"])

    def delete_tenant(self, call: StateCall) -> Answer:
        tenant_id = call.params["tenant_id"]
        self._tenant(tenant_id)
        self.store.delete_entities("tenants", [tenant_id])
        self.store.delete_entities(f"tenant_profile:{tenant_id}")
        self.store.delete_entities(f"tenant_preference:{tenant_id}")
        return NO_CONTENT, None

    def list_tenants(self, call: StateCall) -> Answer:
        tenants = self.store.entities("tenants")
        return 200, offset_page(call, [{"tenant_id": key, **item} for key, item in tenants.items()])

    def upsert_brand(self, call: StateCall) -> Answer:
        if not isinstance(call.body, dict):
            raise invalid("body", "expected a JSON object")
        return 200, self._upsert("brands", "brand_id", call.params["brand_id"], call)

    def get_brand(self, call: StateCall) -> Answer:
        brand_id = call.params["brand_id"]
        brand = self.store.entity("brands", brand_id)
        if brand is None:
            raise not_found("brand", brand_id)
        return 200, {"brand_id": brand_id, **brand}

    def list_brands(self, call: StateCall) -> Answer:
        brands = self.store.entities("brands")
        return 200, offset_page(call, [{"brand_id": key, **item} for key, item in brands.items()])

    # Objects and their subscriptions

    def _object(self, object_type: str, object_id: str) -> dict[str, Any]:
        item = self.store.entity(f"object:{object_type}", object_id)
        if item is None:
            raise not_found("object", f"{object_type}/{object_id}")
        return item

    def _object_answer(self, object_type: str, object_id: str, item: Mapping[str, Any]) -> Any:
        count = len(self.store.entities(f"subscription:{object_type}/{object_id}"))
        return {"id": object_id, "object_type": object_type, "subscriptions_count": count, **item}

    def _object_summary(self, object_type: str, object_id: str) -> Any:
        item = self.store.entity(f"object:{object_type}", object_id) or {}
        return {
            "id": object_id,
            "object_type": object_type,
            "properties": item.get("properties"),
            "subscriptions_count": len(self.store.entities(f"subscription:{object_type}/{object_id}")),
            "updated_at": item.get("updated_at"),
        }

    def upsert_object(self, call: StateCall) -> Answer:
        object_type, object_id = call.params["object_type"], call.params["object_id"]
        current = self.store.entity(f"object:{object_type}", object_id)
        item = upsert(current, call.body or {}, now=call.now)
        self.store.save_entities(f"object:{object_type}", [(object_id, item)])
        return 200, self._object_answer(object_type, object_id, item)

    def get_object(self, call: StateCall) -> Answer:
        object_type, object_id = call.params["object_type"], call.params["object_id"]
        return 200, self._object_answer(object_type, object_id, self._object(object_type, object_id))

    def edit_object(self, call: StateCall) -> Answer:
        object_type, object_id = call.params["object_type"], call.params["object_id"]
        item = _operations(self._object(object_type, object_id), call.body, call.now)
        self.store.save_entities(f"object:{object_type}", [(object_id, item)])
        return 200, self._object_answer(object_type, object_id, item)

    def delete_object(self, call: StateCall) -> Answer:
        object_type, object_id = call.params["object_type"], call.params["object_id"]
        self._object(object_type, object_id)
        self._forget_objects(object_type, [object_id])
        return NO_CONTENT, None

    def bulk_delete_objects(self, call: StateCall) -> Answer:
        self._forget_objects(call.params["object_type"], call.body.get("object_ids") or [])
        return NO_CONTENT, None

    def _forget_objects(self, object_type: str, object_ids: Sequence[str]) -> None:
        self.store.delete_entities(f"object:{object_type}", object_ids)
        for object_id in object_ids:
            self.store.delete_entities(f"subscription:{object_type}/{object_id}")
        for namespace, _, _ in self._namespaces("subscription:"):
            self.store.delete_entities(namespace, [f"object:{object_type}/{key}" for key in object_ids])

    def list_objects(self, call: StateCall) -> Answer:
        object_type = call.params["object_type"]
        items = self.store.entities(f"object:{object_type}")
        return 200, cursor_page(
            call, [(key, self._object_answer(object_type, key, item)) for key, item in items.items()]
        )

    def create_object_subscriptions(self, call: StateCall) -> Answer:
        object_type, object_id = call.params["object_type"], call.params["object_id"]
        self._object(object_type, object_id)
        recipients = _recipient_keys(call.body.get("recipients") or [])
        if not recipients:
            raise invalid("recipients", "at least one recipient is required")
        namespace = f"subscription:{object_type}/{object_id}"
        properties = call.body.get("properties") or {}
        rows = []
        for key in recipients:
            current = self.store.entity(namespace, key) or {"created_at": call.now}
            rows.append((key, {**current, "properties": properties, "updated_at": call.now}))
        self.store.save_entities(namespace, rows)
        key, subscription = rows[-1]
        return 201, self._subscription_answer(object_type, object_id, key, subscription)

    def _subscription_answer(
        self, object_type: str, object_id: str, key: str, subscription: Mapping[str, Any]
    ) -> Any:
        kind, recipient = key.split(":", 1)
        answer: dict[str, Any] = {
            "properties": subscription.get("properties"),
            "created_at": subscription.get("created_at"),
            "updated_at": subscription.get("updated_at"),
        }
        if kind == "user":
            answer["user"] = {"distinct_id": recipient, "updated_at": subscription.get("updated_at")}
        else:
            answer["object"] = self._object_summary(*recipient.split("/", 1))
        return answer

    def delete_object_subscriptions(self, call: StateCall) -> Answer:
        object_type, object_id = call.params["object_type"], call.params["object_id"]
        self._object(object_type, object_id)
        recipients = _recipient_keys(call.body.get("recipients") or [])
        self.store.delete_entities(f"subscription:{object_type}/{object_id}", recipients)
        return NO_CONTENT, None

    def list_object_subscriptions(self, call: StateCall) -> Answer:
        object_type, object_id = call.params["object_type"], call.params["object_id"]
        self._object(object_type, object_id)
        subscriptions = self.store.entities(f"subscription:{object_type}/{object_id}")
        return 200, cursor_page(
            call,
            [
                (key, self._subscription_answer(object_type, object_id, key, item))
                for key, item in subscriptions.items()
            ],
        )

    # Subscriber lists, their versions and broadcasts

    def _list(self, list_id: str) -> dict[str, Any]:
        item = self.store.entity("lists", list_id)
        if item is None:
            raise not_found("list", list_id)
        return item

    def _list_answer(self, list_id: str) -> Any:
        item = self.store.entity("lists", list_id) or {}
        count = len(self.store.entities(f"members:{list_id}"))
        return {"list_id": list_id, **item, "subscribers_count": count}

    def create_subscriber_list(self, call: StateCall) -> Answer:
        list_id = call.body["list_id"]
        current = self.store.entity("lists", list_id) or {
            "list_type": "static_list",
            "source": "api",
            "status": "active",
            "is_readonly": False,
            "created_at": call.now,
        }
        fields = {key: value for key, value in call.body.items() if key != "list_id"}
        self.store.save_entities("lists", [(list_id, {**current, **fields, "updated_at": call.now})])
        return 201, self._list_answer(list_id)

    def get_subscriber_list(self, call: StateCall) -> Answer:
        list_id = call.params["list_id"]
        self._list(list_id)
        return 200, self._list_answer(list_id)

    def delete_subscriber_list(self, call: StateCall) -> Answer:
        list_id = call.params["list_id"]
        self._list(list_id)
        self.store.delete_entities("lists", [list_id])
        self.store.delete_entities(f"members:{list_id}")
        self.store.delete_entities(f"version:{list_id}")
        for namespace, _, _ in self._namespaces(f"version_members:{list_id}/"):
            self.store.delete_entities(namespace)
        return NO_CONTENT, None

    def list_subscriber_lists(self, call: StateCall) -> Answer:
        return 200, offset_page(call, [self._list_answer(key) for key in self.store.entities("lists")])

    def list_subscriber_list_members(self, call: StateCall) -> Answer:
        list_id = call.params["list_id"]
        self._list(list_id)
        members = self.store.entities(f"members:{list_id}")
        return 200, cursor_page(
            call,
            [
                (key, {"id": key, "distinct_id": key, "created_at": member.get("created_at")})
                for key, member in members.items()
            ],
        )

    def add_subscribers(self, call: StateCall) -> Answer:
        list_id = call.params["list_id"]
        self._list(list_id)
        return 202, self._add_members(f"members:{list_id}", call.body["distinct_ids"], call.now)

    def remove_subscribers(self, call: StateCall) -> Answer:
        list_id = call.params["list_id"]
        self._list(list_id)
        removed = self.store.delete_entities(f"members:{list_id}", call.body["distinct_ids"])
        return 202, {"success": True, "affected_count": removed}

    def _add_members(self, namespace: str, distinct_ids: Sequence[str], now: str) -> Any:
        present = self.store.entities(namespace)
        fresh = [key for key in dict.fromkeys(distinct_ids) if key not in present]
        self.store.save_entities(namespace, [(key, {"created_at": now}) for key in fresh])
        return {"success": True, "affected_count": len(fresh)}

    def _version(self, call: StateCall) -> tuple[str, str, dict[str, Any]]:
        list_id, version_id = call.params["list_id"], call.params["version_id"]
        self._list(list_id)
        version = self.store.entity(f"version:{list_id}", version_id)
        if version is None:
            raise not_found("list version", f"{list_id}/{version_id}")
        return list_id, version_id, version

    def start_subscriber_list_sync(self, call: StateCall) -> Answer:
        list_id = call.params["list_id"]
        self._list(list_id)
        version_id = self._new_id()
        self.store.save_entities(
            f"version:{list_id}", [(version_id, {"status": "running", "created_at": call.now})]
        )
        return 201, {"version_id": version_id, "list_id": list_id, "status": "running"}

    def get_subscriber_list_version(self, call: StateCall) -> Answer:
        list_id, version_id, version = self._version(call)
        count = len(self.store.entities(f"version_members:{list_id}/{version_id}"))
        return 200, {"version_id": version_id, "list_id": list_id, **version, "subscribers_count": count}

    def delete_subscriber_list_version(self, call: StateCall) -> Answer:
        list_id, version_id, _ = self._version(call)
        self.store.delete_entities(f"version:{list_id}", [version_id])
        self.store.delete_entities(f"version_members:{list_id}/{version_id}")
        return NO_CONTENT, None

    def add_subscribers_to_version(self, call: StateCall) -> Answer:
        list_id, version_id, _ = self._version(call)
        namespace = f"version_members:{list_id}/{version_id}"
        return 202, self._add_members(namespace, call.body["distinct_ids"], call.now)

    def remove_subscribers_from_version(self, call: StateCall) -> Answer:
        list_id, version_id, _ = self._version(call)
        namespace = f"version_members:{list_id}/{version_id}"
        removed = self.store.delete_entities(namespace, call.body["distinct_ids"])
        return 202, {"success": True, "affected_count": removed}

    def finish_subscriber_list_sync(self, call: StateCall) -> Answer:
        """The version's members become the list's: the list's members are replaced, the version is done."""
        list_id, version_id, version = self._version(call)
        members = self.store.entities(f"version_members:{list_id}/{version_id}")
        self.store.delete_entities(f"members:{list_id}")
        self.store.save_entities(f"members:{list_id}", members.items())
        self.store.delete_entities(f"version_members:{list_id}/{version_id}")
        finished = {**version, "status": "completed", "updated_at": call.now}
        self.store.save_entities(f"version:{list_id}", [(version_id, finished)])
        return 200, {"version_id": version_id, "list_id": list_id, **finished}

    def broadcast_to_list(self, call: StateCall) -> Answer:
        """One message per member of the list, all of one broadcast run (its execution id)."""
        workspace = call.params["workspace"]
        if workspace not in set(self._workspaces()):
            raise not_found("workspace", workspace)
        body = call.body
        list_id = body["list_id"]
        if self.store.entity("lists", list_id) is None:
            raise invalid("list_id", f"list {list_id!r} not found")
        execution_id = self._new_id()
        members = list(self.store.entities(f"members:{list_id}"))
        self.store.add_messages(
            {
                "message_id": f"{execution_id}.{index}",
                "recipient_id": distinct_id,
                "workflow": body["template"],
                "status": "delivered",
                "idempotency_key": body.get("$idempotency_key"),
                "tenant_id": body.get("tenant_id"),
                "execution_id": execution_id,
                "category": body["notification_category"],
                "list_id": list_id,
                "created_at": call.now,
            }
            for index, distinct_id in enumerate(members)
        )
        return 202, {"message": "OK", "status": "success", "execution_id": execution_id}

    # Cancelling runs

    def cancel_workflow_run(self, call: StateCall) -> Answer:
        body = call.body
        conditions = _conditions(
            body,
            {
                "execution_id": "execution_id",
                "idempotency_key": "idempotency_key",
                "workflow_slug": "workflow",
            },
        )
        if "recipients" in body:
            if "workflow_slug" not in body:
                raise invalid("workflow_slug", "required with recipients")
            conditions["recipient_id"] = list(body["recipients"])
        if not conditions:
            raise invalid("execution_id", "give execution_id, idempotency_key or workflow_slug")
        return 200, {"execution_ids": self.store.cancel_messages(conditions, CANCELLED, broadcast=False)}

    def cancel_broadcast_run(self, call: StateCall) -> Answer:
        conditions = _conditions(
            call.body,
            {"execution_id": "execution_id", "list_id": "list_id", "idempotency_key": "idempotency_key"},
        )
        if not conditions:
            raise invalid("execution_id", "give execution_id, list_id or idempotency_key")
        return 200, {"execution_ids": self.store.cancel_messages(conditions, CANCELLED, broadcast=True)}

    # Templates

    def _template(self, slug: str) -> dict[str, Any]:
        template = self.store.entity("templates", slug)
        if template is None:
            raise not_found("template", slug)
        return {"slug": slug, **template}

    def list_templates(self, call: StateCall) -> Answer:
        templates = [{"slug": key, **item} for key, item in self.store.entities("templates").items()]
        return 200, offset_page(call, templates)

    def get_template(self, call: StateCall) -> Answer:
        return 200, self._template(call.params["template_slug"])

    def get_template_channel(self, call: StateCall) -> Answer:
        slug, channel = call.params["template_slug"], call.params["channel"]
        channels = self._template(slug).get("channels") or []
        names = [item if isinstance(item, str) else str(item.get("slug")) for item in channels]
        if channel not in names:
            raise not_found("template channel", f"{slug}/{channel}")
        return 200, {
            "channel": {"name": channel, "slug": channel},
            "is_active": True,
            "is_enabled": True,
            "versions": [],
        }

    # Preferences

    def categories(self) -> dict[str, dict[str, Any]]:
        """Every preference category by id: the default set, then the seeded ones."""
        return {**dict(DEFAULT_CATEGORIES), **self.store.entities("preference_categories")}

    def _category(self, category: str) -> dict[str, Any]:
        found = self.categories().get(category)
        if found is None:
            raise not_found("category", category)
        return found

    def _choices(self, owner: str) -> dict[str, Any]:
        return self.store.entity("preferences", owner) or {"categories": {}, "channels": {}}

    def _category_answer(self, owner: str, category: str, tenant_id: str | None) -> Any:
        definition = self._category(category)
        default = definition.get("default_preference", OPT_IN)
        if tenant_id is not None:
            setting = self.store.entity(f"tenant_preference:{tenant_id}", category) or {}
            default = setting.get("preference", default)
        choice = self._choices(owner)["categories"].get(category, {})
        preference = choice.get("preference", OPT_OUT if default == OPT_OUT else OPT_IN)
        opted_out = set(choice.get("opt_out_channels") or [])
        editable = default != CANT_UNSUBSCRIBE
        return {
            "name": definition.get("name", category),
            "category": category,
            "description": definition.get("description"),
            "tags": definition.get("tags") or [],
            "original_preference": default,
            "preference": preference,
            "is_editable": editable,
            "channels": [
                {
                    "channel": channel,
                    "preference": OPT_OUT if channel in opted_out else OPT_IN,
                    "is_editable": editable,
                }
                for channel in sorted(opted_out | set(choice.get("opt_in_channels") or []))
            ],
        }

    def _owner(self, call: StateCall) -> str:
        params = call.params
        if "distinct_id" in params:
            owner = f"user:{params['distinct_id']}"
        else:
            self._object(params["object_type"], params["object_id"])
            owner = f"object:{params['object_type']}/{params['object_id']}"
        tenant_id = call.text("tenant_id")
        if tenant_id:
            self._tenant(tenant_id)
            owner += f"{TENANT_SCOPE}{tenant_id}"
        return owner

    def _full_preference(self, call: StateCall, owner: str) -> Any:
        tenant_id = call.text("tenant_id") or None
        sections: dict[str, list[Any]] = {}
        for category, definition in self.categories().items():
            root = definition.get("root_category") or "transactional"
            sections.setdefault(root, []).append(self._category_answer(owner, category, tenant_id))
        channels = self._choices(owner)["channels"]
        return {
            "sections": [
                {"name": root.title(), "slug": root, "subcategories": items}
                for root, items in sections.items()
            ],
            "channel_preferences": [
                {"channel": channel, "is_restricted": restricted}
                for channel, restricted in sorted(channels.items())
            ],
        }

    def _save_choices(
        self,
        owner: str,
        categories: Sequence[Mapping[str, Any]],
        channels: Sequence[Mapping[str, Any]],
        field: str,
    ) -> None:
        choices = self._choices(owner)
        for index, setting in enumerate(categories):
            category = setting.get("category")
            self._settable(str(category), setting.get("preference"), f"{field}[{index}].preference")
            current = choices["categories"].get(category, {})
            choices["categories"][category] = {
                **current,
                **{k: v for k, v in setting.items() if k != "category"},
            }
        for setting in channels:
            choices["channels"][setting["channel"]] = bool(setting.get("is_restricted"))
        self.store.save_entities("preferences", [(owner, choices)])

    def _settable(self, category: str, preference: Any, field: str) -> None:
        definition = self._category(category)
        if preference == OPT_OUT and definition.get("default_preference") == CANT_UNSUBSCRIBE:
            raise invalid(field, f"category {category!r} cannot be unsubscribed from")

    def get_user_full_preference(self, call: StateCall) -> Answer:
        return 200, self._full_preference(call, self._owner(call))

    get_object_full_preference = get_user_full_preference

    def update_user_full_preference(self, call: StateCall) -> Answer:
        owner = self._owner(call)
        body = call.body
        self._save_choices(
            owner, body.get("categories") or [], body.get("channel_preferences") or [], "categories"
        )
        return 200, self._full_preference(call, owner)

    update_object_full_preference = update_user_full_preference

    def get_user_channel_preferences(self, call: StateCall) -> Answer:
        channels = self._choices(self._owner(call))["channels"]
        return 200, {
            "channel_preferences": [
                {"channel": channel, "is_restricted": restricted}
                for channel, restricted in sorted(channels.items())
            ]
        }

    get_object_channel_preferences = get_user_channel_preferences

    def update_user_channel_preferences(self, call: StateCall) -> Answer:
        owner = self._owner(call)
        settings = call.body.get("channel_preferences") or []
        for index, setting in enumerate(settings):
            if not isinstance(setting.get("channel"), str) or not setting["channel"]:
                raise invalid(f"channel_preferences[{index}].channel", "required, a channel name")
        self._save_choices(owner, [], settings, "channel_preferences")
        return self.get_user_channel_preferences(call)

    update_object_channel_preferences = update_user_channel_preferences

    def list_user_category_preferences(self, call: StateCall) -> Answer:
        owner, tenant_id = self._owner(call), call.text("tenant_id") or None
        results = [self._category_answer(owner, key, tenant_id) for key in self.categories()]
        return 200, offset_page(call, results)

    list_object_category_preferences = list_user_category_preferences

    def get_user_category_preference(self, call: StateCall) -> Answer:
        owner = self._owner(call)
        return 200, self._category_answer(owner, call.params["category"], call.text("tenant_id") or None)

    get_object_category_preference = get_user_category_preference

    def update_user_category_preference(self, call: StateCall) -> Answer:
        owner, category = self._owner(call), call.params["category"]
        self._category(category)
        setting = {"category": category, **call.body}
        if setting.get("preference") not in (None, OPT_IN, OPT_OUT):
            raise invalid("preference", f"expected opt_in or opt_out, got {setting['preference']!r}")
        self._save_choices(owner, [setting], [], "body")
        return 200, self._category_answer(owner, category, call.text("tenant_id") or None)

    update_object_category_preference = update_user_category_preference

    def bulk_update_user_preferences(self, call: StateCall) -> Answer:
        body, suffix = call.body, self._tenant_suffix(call)
        for distinct_id in body["distinct_ids"]:
            self._save_choices(
                f"user:{distinct_id}{suffix}",
                body.get("categories") or [],
                body.get("channel_preferences") or [],
                "categories",
            )
        return 202, {"success": True}

    def reset_user_preferences(self, call: StateCall) -> Answer:
        body, suffix = call.body, self._tenant_suffix(call)
        everything = not body.get("reset_channel_preferences") and not body.get("reset_categories")
        for distinct_id in body["distinct_ids"]:
            owner = f"user:{distinct_id}{suffix}"
            choices = self._choices(owner)
            if everything or body.get("reset_categories"):
                choices["categories"] = {}
            if everything or body.get("reset_channel_preferences"):
                choices["channels"] = {}
            self.store.save_entities("preferences", [(owner, choices)])
        return 202, {"success": True}

    def _tenant_suffix(self, call: StateCall) -> str:
        tenant_id = call.text("tenant_id")
        if not tenant_id:
            return ""
        self._tenant(tenant_id)
        return f"{TENANT_SCOPE}{tenant_id}"

    # Tenant preferences

    def _tenant_category(self, tenant_id: str, category: str) -> Any:
        definition = self._category(category)
        setting = self.store.entity(f"tenant_preference:{tenant_id}", category) or {}
        default = definition.get("default_preference", OPT_IN)
        return {
            "name": definition.get("name", category),
            "category": category,
            "description": definition.get("description"),
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

    def _tenant_categories(self, call: StateCall) -> list[Any]:
        tenant_id = call.params["tenant_id"]
        self._tenant(tenant_id)
        return [self._tenant_category(tenant_id, key) for key in self.categories()]

    def get_tenant_full_preference(self, call: StateCall) -> Answer:
        roots: dict[str, list[Any]] = {}
        for item in self._tenant_categories(call):
            roots.setdefault(item["root_category"], []).append(item)
        return 200, {
            "root_categories": [
                {
                    "root_category": root,
                    "sections": [{"name": root.title(), "slug": root, "categories": items}],
                }
                for root, items in roots.items()
            ]
        }

    def list_tenant_categories(self, call: StateCall) -> Answer:
        return 200, offset_page(call, self._tenant_categories(call))

    def list_tenant_default_preferences(self, call: StateCall) -> Answer:
        items = self._tenant_categories(call)
        return 200, {"meta": {"count": len(items), "limit": len(items), "offset": 0}, "results": items}

    def get_tenant_category(self, call: StateCall) -> Answer:
        tenant_id = call.params["tenant_id"]
        self._tenant(tenant_id)
        return 200, self._tenant_category(tenant_id, call.params["category"])

    def update_tenant_category(self, call: StateCall) -> Answer:
        tenant_id, category = call.params["tenant_id"], call.params["category"]
        self._tenant(tenant_id)
        self._category(category)
        namespace = f"tenant_preference:{tenant_id}"
        current = self.store.entity(namespace, category) or {}
        self.store.save_entities(namespace, [(category, {**current, **call.body, "updated_at": call.now})])
        return 200, self._tenant_category(tenant_id, category)

    update_tenant_default_preference = update_tenant_category


def _operations(current: Mapping[str, Any] | None, body: Any, now: str) -> dict[str, Any]:
    try:
        return apply_operations(current, body["operations"], now=now)
    except OperationError as exc:
        raise invalid(f"operations{exc.path}", exc.reason) from None


def _recipient_keys(recipients: Iterable[Any]) -> list[str]:
    """``user:<distinct_id>`` or ``object:<type>/<id>`` per recipient (a distinct_id or an object)."""
    keys = []
    for index, recipient in enumerate(recipients):
        if isinstance(recipient, str):
            keys.append(f"user:{recipient}")
        elif recipient.get("distinct_id"):
            keys.append(f"user:{recipient['distinct_id']}")
        elif recipient.get("object_type") and recipient.get("id"):
            keys.append(f"object:{recipient['object_type']}/{recipient['id']}")
        else:
            raise invalid(f"recipients[{index}]", "a distinct_id, or an object with object_type and id")
    return keys


def _conditions(body: Mapping[str, Any], columns: Mapping[str, str]) -> dict[str, list[str]]:
    return {column: [body[field]] for field, column in columns.items() if body.get(field)}
