"""User profiles built from identity events and PATCH edits as the hub applies them; a read reflects the
edits before it, and ``db_path`` keeps them across restarts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from suprsend_typed.sandbox import Sandbox
from suprsend_typed.sandbox.profiles import apply_operations, upsert

from .wire import Wire

NOW = "2026-01-01T00:00:00Z"
LATER = "2026-01-02T00:00:00Z"
ACTIVE = {"status": "active", "perma_status": "active"}


def applied(*operations: dict[str, Any], start: dict[str, Any] | None = None) -> dict[str, Any]:
    return apply_operations(start, operations, now=NOW)


def test_set_set_once_and_unset_change_properties() -> None:
    profile = applied(
        {"$set": {"name": "Ann", "plan": "free"}},
        {"$set_once": {"plan": "pro", "signed_up": "2026"}},
        {"$set": {"$preferred_language": "en", "$timezone": "Europe/Paris"}},
        {"$unset": ["plan"]},
    )
    assert profile["properties"] == {
        "name": "Ann",
        "signed_up": "2026",
        "$preferred_language": "en",
        "$timezone": "Europe/Paris",
    }
    assert (profile["created_at"], profile["updated_at"]) == (NOW, NOW)


def test_add_and_increment_count_from_zero() -> None:
    profile = applied({"$add": {"logins": 1}}, {"$increment": {"logins": 2, "credits": -5}})
    assert profile["properties"] == {"logins": 3, "credits": -5}


def test_append_and_remove_on_a_property_keep_a_list_without_repeats() -> None:
    vip, beta = {"$append": {"tags": "vip"}}, {"$append": {"tags": "beta"}}
    profile = applied(vip, vip, beta)
    assert profile["properties"]["tags"] == ["vip", "beta"]
    assert applied({"$remove": {"tags": "vip"}}, start=profile)["properties"]["tags"] == ["beta"]


def test_channels_are_entries_added_removed_and_unset() -> None:
    profile = applied(
        {"$append": {"$email": "a@example.com"}},
        {"$append": {"$email": "b@example.com"}},
        {"$append": {"$email": "a@example.com"}},
        {"$append": {"$androidpush": "tok", "$id_provider": "fcm", "$bundle_id": "com.app"}},
        {"$append": {"$sms": "+15550001"}},
        {"$remove": {"$email": "a@example.com"}},
        {"$unset": ["$sms"]},
    )
    assert profile["$email"] == [{"value": "b@example.com", **ACTIVE}]
    assert profile["$androidpush"] == [
        {"value": "tok", **ACTIVE, "id_provider": "fcm", "bundle_id": "com.app"}
    ]
    assert "$sms" not in profile
    assert profile["properties"] == {}
    emptied = applied({"$remove": {"$email": "b@example.com"}}, start=profile)
    assert "$email" not in emptied


def test_operations_leave_the_given_profile_unchanged_and_keep_created_at() -> None:
    first = applied({"$append": {"$email": "a@example.com"}}, {"$set": {"name": "Ann"}})
    edits = [{"$append": {"$email": "b@example.com"}}, {"$unset": ["name"]}]
    second = apply_operations(first, edits, now=LATER)
    assert first["properties"] == {"name": "Ann"} and len(first["$email"]) == 1
    assert (second["created_at"], second["updated_at"]) == (NOW, LATER)


def test_upsert_bodies_split_channels_from_properties() -> None:
    profile = upsert(None, {"$email": ["a@example.com"], "$sms": "+15550001", "name": "Ann"}, now=NOW)
    assert profile["$email"] == [{"value": "a@example.com", **ACTIVE}]
    assert profile["$sms"] == [{"value": "+15550001", **ACTIVE}]
    assert profile["properties"] == {"name": "Ann"}


def read(wire: Wire, distinct_id: str) -> Any:
    response = wire.send("GET", f"v1/user/{distinct_id}/")
    assert response.status_code == 200, response.content
    return response.json()


def test_a_read_reflects_identity_events_and_edits_in_order(model_hub: Sandbox, model_wire: Wire) -> None:
    client = model_hub.client()
    try:
        user = client.users.get_edit_instance("u1")
        user.add_email("ann@example.com")
        user.add_iospush("tok-1", bundle_id="com.app")
        user.set("plan", "free")
        user.increment("logins", 1)
        assert client.users.async_edit(user)["success"]
        edit = client.users.get_edit_instance("u1")
        edit.set_preferred_language("fr")
        edit.set_timezone("Europe/Paris")
        edit.increment("logins", 2)
        edit.remove_email("ann@example.com")
        edit.add_email("ann@work.example")
        edit.unset("plan")
        returned = client.users.edit(edit)
    finally:
        client.close()
    profile = read(model_wire, "u1")
    assert returned == profile
    assert profile["distinct_id"] == "u1"
    assert profile["properties"] == {"logins": 3, "$preferred_language": "fr", "$timezone": "Europe/Paris"}
    assert profile["$email"] == [{"value": "ann@work.example", **ACTIVE}]
    assert profile["$iospush"] == [{"value": "tok-1", **ACTIVE, "bundle_id": "com.app"}]


def test_a_rest_increment_edit_is_applied(model_wire: Wire) -> None:
    body = {"operations": [{"$increment": {"logins": 4}}, {"$set": {"name": "Bo"}}]}
    assert model_wire.send("PATCH", "v1/user/u2/", body).status_code == 200
    assert read(model_wire, "u2")["properties"] == {"logins": 4, "name": "Bo"}


def test_an_unknown_user_is_a_404(model_wire: Wire) -> None:
    response = model_wire.send("GET", "v1/user/nobody/")
    assert response.status_code == 404
    assert response.json()["error_code"] == "not_found"


def test_a_db_file_keeps_profiles_across_restarts(tmp_path: Path) -> None:
    db = str(tmp_path / "state.sqlite")
    with Sandbox(db_path=db) as hub:
        wire = Wire.to(hub)
        edit = {"operations": [{"$set": {"name": "Ann"}}]}
        assert wire.send("PATCH", "v1/user/u1/", edit).status_code == 200
        wire.close()
    with Sandbox(db_path=db) as hub:
        wire = Wire.to(hub)
        try:
            assert read(wire, "u1")["properties"] == {"name": "Ann"}
        finally:
            wire.close()


@pytest.mark.parametrize(
    ("operation", "message"),
    [
        ({"$add": {"logins": "one"}}, "operations[0].$add.logins: expected a number, got 'one'"),
        ({"$increment": 5}, "operations[0].$increment: expected an object"),
        ({"$incr": {"logins": 1}}, "operations[0].$incr: unknown operation"),
    ],
)
def test_an_edit_the_hub_cannot_apply_is_a_400_naming_it(
    model_wire: Wire, operation: dict[str, Any], message: str
) -> None:
    model_wire.send("PATCH", "v1/user/u1/", {"operations": [{"$set": {"name": "Ann"}}]})
    response = model_wire.send("PATCH", "v1/user/u1/", {"operations": [operation]})
    assert response.status_code == 400
    assert response.json()["message"].startswith(message)
    assert read(model_wire, "u1")["properties"] == {"name": "Ann"}


def test_appending_to_a_single_valued_property_keeps_its_value() -> None:
    profile = applied({"$set": {"tags": "vip"}}, {"$append": {"tags": "beta"}})
    assert profile["properties"]["tags"] == ["vip", "beta"]
