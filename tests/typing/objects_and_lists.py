"""Typed use of ``client.objects`` and ``client.subscriber_lists``, checked by ``mypy --strict tests/typing``
(not run by pytest). Each ``# type: ignore[...]`` marks a mistake the types must refuse."""

from __future__ import annotations

from suprsend_typed import (
    ObjectEdit,
    Page,
    SeedResult,
    StatusResult,
    SubscriberListBroadcast,
    Suprsend,
    models,
)


def objects(client: Suprsend) -> None:
    edit: ObjectEdit = client.objects.get_edit_instance("team", "t1")
    edit.set("name", "Team one")
    edit.add_email("team@example.com")
    profile: models.ObjectProfile = client.objects.edit(edit, max_retries=0)
    same: models.ObjectProfile = client.objects.edit("team", "t1", {"operations": [{"$set": {"a": 1}}]})
    listed: Page[models.ObjectProfile, models.ObjectPage] = client.objects.list("team", {"limit": 10})
    fetched: models.ObjectProfile = client.objects.get("team", "t1", timeout=5)
    deleted: StatusResult = client.objects.delete("team", "t1")
    preference = client.objects.get_category_preference("team", "t1", "alerts", {"tenant_id": "acme"})
    kind = preference.preference
    print(profile, same, listed, fetched.id, deleted.status_code, kind)


def subscriber_lists(client: Suprsend) -> None:
    created: models.SubscriberList = client.subscriber_lists.create({"list_id": "vip"})
    keyword: models.SubscriberList = client.subscriber_lists.create(list_id="vip", list_name="VIPs")
    page: Page[models.SubscriberList, models.SubscriberListPage] = client.subscriber_lists.get_all(10, 0)
    added = client.subscriber_lists.add("vip", ["u1", "u2"], {"q": 1})
    count = added.affected_count if isinstance(added, models.AffectedCount) else None
    version: models.SubscriberListVersion = client.subscriber_lists.start_sync("vip")
    broadcast = SubscriberListBroadcast(
        {"list_id": "vip", "template": "promo", "notification_category": "promotional"}, tenant_id="acme"
    )
    sent: SeedResult = client.subscriber_lists.broadcast(broadcast)
    accepted: models.AcceptedMessage = client.subscriber_lists.broadcast(
        {"list_id": "vip", "template": "promo", "notification_category": "promotional"}
    )
    print(created, keyword, page, count, version.version_id, sent, accepted)


def mistakes_are_type_errors(client: Suprsend, edit: ObjectEdit) -> None:
    client.objects.get("team", "t1", timeuot=5)  # type: ignore[call-arg]
    wrong: SeedResult = client.objects.edit(edit)  # type: ignore[assignment]
    client.subscriber_lists.add("vip", ["u1"], max_retries="2")  # type: ignore[arg-type]
    typed: models.AcceptedMessage = client.subscriber_lists.broadcast(  # type: ignore[assignment]
        SubscriberListBroadcast({"list_id": "vip"})
    )
    print(wrong, typed)
