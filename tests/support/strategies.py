"""Hypothesis strategies for seed inputs: workflow bodies, events and profile calls.

Most generated inputs are valid; a share is deliberately broken (missing keys, wrong types, reserved names)
so that differential tests also compare which inputs each SDK refuses.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

CHANNELS = (
    "androidpush",
    "iospush",
    "webpush",
    "email",
    "sms",
    "whatsapp",
    "slack",
    "inbox",
    "messenger",
    "ms_teams",
)
RESERVED_EVENT_NAMES = (
    "$identify",
    "$notification_delivered",
    "$notification_dismiss",
    "$notification_clicked",
    "$app_launched",
    "$user_login",
    "$user_logout",
)
CHANNEL_KEYS = ("$email", "$sms", "$whatsapp", "$androidpush", "$iospush", "$webpush", "$slack", "$ms_teams")
PROVIDERS = ("fcm", "xiaomi", "oppo", "apns", "vapid", "other")
MAX_TEXT = 12

# Any Unicode except lone surrogates (which no JSON text can carry), so ensure_ascii=False is exercised.
_chars = st.characters(blacklist_categories=("Cs",))


def texts(min_size: int = 0, max_size: int = MAX_TEXT) -> st.SearchStrategy[str]:
    return st.text(_chars, min_size=min_size, max_size=max_size)


json_leaves = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**12), max_value=10**12)
    | st.floats(allow_nan=False, allow_infinity=False)
    | texts()
)


def _written_apart(obj: dict[Any, Any]) -> bool:
    """No two keys that json.dumps writes alike (``1`` and ``"1"``), which our SDK refuses by design."""
    return len({str(key) for key in obj}) == len(obj)


# json.dumps writes int keys as strings and the official SDK relies on it: {1: "x"} is sent as {"1": "x"}.
json_keys = texts() | st.integers(min_value=-(10**6), max_value=10**6)


def json_dicts(values: st.SearchStrategy[Any], max_size: int) -> st.SearchStrategy[dict[Any, Any]]:
    return st.dictionaries(json_keys, values, max_size=max_size).filter(_written_apart)


json_values = st.recursive(
    json_leaves,
    lambda inner: st.lists(inner, max_size=3) | json_dicts(inner, max_size=3),
    max_leaves=8,
)
json_objects = json_dicts(json_values, max_size=4)

user_settings = st.fixed_dictionaries(
    {},
    optional={
        "distinct_id": texts(min_size=1) | st.none(),
        "is_transient": st.booleans() | st.none(),
        "$email": texts(min_size=1) | st.lists(texts(min_size=2), min_size=1, max_size=2),
        "$channels": st.lists(st.sampled_from(CHANNELS), max_size=3),
        "$preferred_language": st.sampled_from(["en", "fr", "hi"]) | st.none(),
        "$androidpush": st.fixed_dictionaries(
            {"token": texts(min_size=1), "provider": st.sampled_from(["fcm", "xiaomi", "oppo"])},
            optional={"bundle_id": texts() | st.none()},
        ),
        "$slack": st.fixed_dictionaries(
            {}, optional={"access_token": st.just("xoxb-1"), "channel_id": st.just("C01")}
        ),
        "plan": json_values,
    },
)
deliveries = st.fixed_dictionaries(
    {},
    optional={
        "smart": st.booleans(),
        "success": st.sampled_from(["seen", "delivered", "interaction"]),
        "time_to_live": st.sampled_from(["1h", "2d3h"]),
        "mandatory_channels": st.lists(st.sampled_from(CHANNELS), max_size=2),
    },
)


def _broken(
    bodies: st.SearchStrategy[dict[str, Any]], required: tuple[str, ...]
) -> st.SearchStrategy[dict[str, Any]]:
    """Bodies with one required key dropped or given a value of the wrong type."""

    def drop(body: dict[str, Any], key: str) -> dict[str, Any]:
        return {k: v for k, v in body.items() if k != key}

    def retype(body: dict[str, Any], key: str, value: Any) -> dict[str, Any]:
        return {**body, key: value}

    keys = st.sampled_from(required)
    return st.one_of(
        st.builds(drop, bodies, keys),
        st.builds(retype, bodies, keys, st.integers() | st.lists(st.integers(), max_size=1) | st.just("")),
    )


_legacy_valid = st.fixed_dictionaries(
    {
        "name": texts(min_size=2),
        "template": texts(min_size=2),
        "notification_category": st.sampled_from(["transactional", "system", "promotional"]),
        "users": st.lists(user_settings, min_size=1, max_size=3),
    },
    optional={
        "data": json_objects | st.none(),
        "delay": st.integers(min_value=0, max_value=10**6) | st.sampled_from(["1d2h30m10s", "15m"]),
        "trigger_at": st.just("2026-08-27T20:14:51.643Z"),
        "delivery": deliveries,
        "custom_extra": json_values,
    },
)
legacy_workflow_bodies = st.one_of(
    _legacy_valid, _legacy_valid, _legacy_valid, _broken(_legacy_valid, ("name", "template", "users", "data"))
)

_recipients = texts(min_size=1) | user_settings
_trigger_valid = st.fixed_dictionaries(
    {"workflow": texts(min_size=1), "recipients": st.lists(_recipients, min_size=1, max_size=3)},
    optional={
        "data": json_objects | st.none(),
        "actor": _recipients,
        "metadata": json_objects,
    },
)
trigger_bodies = st.one_of(
    _trigger_valid,
    _trigger_valid,
    _trigger_valid,
    _broken(_trigger_valid, ("workflow", "recipients", "data")),
    st.builds(lambda body, value: {**body, "brand_id": value}, _trigger_valid, texts(min_size=1)),
)

idempotency_keys = st.none() | texts(min_size=1, max_size=40) | st.just("k" * 256)
tenant_ids = st.none() | texts(min_size=1, max_size=20) | st.just("t" * 65)

distinct_ids = texts(min_size=1) | st.just("   ") | st.integers()
event_names = (
    texts(min_size=1)
    | st.sampled_from(RESERVED_EVENT_NAMES)
    | st.sampled_from(["ss_signup", "SS_Login", "$custom", "order_placed", "x"])
)
event_properties = st.none() | json_objects | st.just(["not", "a", "dict"])

# ---------------------------------------------------------------------------------------------- profile calls

_providers = st.none() | st.sampled_from(PROVIDERS)
_bundle_ids = st.none() | texts()
_channel_objects = st.dictionaries(texts(min_size=1), json_leaves, max_size=2)
_keys = texts() | st.sampled_from(CHANNEL_KEYS) | st.integers()
_key_value_dicts = st.dictionaries(
    _keys | st.sampled_from(["$id_provider", "$bundle_id"]), json_values | _providers, max_size=4
)


def _call(name: str, *args: st.SearchStrategy[Any]) -> st.SearchStrategy[tuple[str, tuple[Any, ...]]]:
    return st.tuples(st.just(name), st.tuples(*args))


_generic_calls = [
    _call(name, st.one_of(_keys, _key_value_dicts, st.integers()), json_values | st.none())
    for name in ("set", "set_once", "increment", "append", "remove")
]
profile_calls = st.one_of(
    _call("add_email", texts()),
    _call("remove_email", texts()),
    _call("add_sms", texts()),
    _call("remove_sms", texts()),
    _call("add_whatsapp", texts()),
    _call("remove_whatsapp", texts()),
    _call("add_androidpush", texts(), _providers, _bundle_ids),
    _call("remove_androidpush", texts(), _providers, _bundle_ids),
    _call("add_iospush", texts(), _providers, _bundle_ids),
    _call("remove_iospush", texts(), _providers, _bundle_ids),
    _call("add_webpush", _channel_objects, _providers),
    _call("remove_webpush", _channel_objects, _providers),
    _call("add_slack", _channel_objects),
    _call("remove_slack", _channel_objects),
    _call("add_ms_teams", _channel_objects),
    _call("remove_ms_teams", _channel_objects),
    _call("unset", _keys | st.lists(_keys, max_size=3) | st.tuples(_keys, _keys)),
    _call("set_preferred_language", st.sampled_from(["en", "fr", "xx"]) | texts()),
    _call("set_locale", texts()),
    _call("set_timezone", st.sampled_from(["America/New_York", "Asia/Kolkata"]) | texts()),
    *_generic_calls,
)
profile_call_lists = st.lists(profile_calls, max_size=6)
