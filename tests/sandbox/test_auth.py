"""The sandbox checks credentials as the hub does, and says clearly what is wrong."""

from __future__ import annotations

import time
from email.utils import formatdate

import pytest

from suprsend_typed._http import Request, Response
from suprsend_typed._signing import request_signature
from suprsend_typed.sandbox import DEFAULT_API_KEY, MAX_DATE_SKEW_SECONDS, Sandbox

from .wire import TIMEOUT, Wire

TRIGGER = {"workflow": "welcome", "recipients": ["u1"], "data": {}}


def error_of(response: Response) -> str:
    return str(response.json()["message"])


def test_correct_signature_is_accepted_and_recorded_as_hmac(wire: Wire, hub: Sandbox) -> None:
    response = wire.send("POST", "trigger/", TRIGGER)
    assert response.status_code == 202
    assert response.json()["status"] == "success"
    [request] = hub.requests()
    assert (request["auth"], request["outcome"], request["body"]) == ("hmac", "accepted", TRIGGER)


def test_wrong_secret_is_refused_with_a_signature_message(wire: Wire, hub: Sandbox) -> None:
    response = wire.send("POST", "trigger/", TRIGGER, secret="not-the-secret")
    assert response.status_code == 401
    assert error_of(response).startswith("signature mismatch")
    assert response.json()["error_code"] == "authentication_error"
    assert hub.counts()["requests_rejected"] == 1
    assert hub.records() == []


def test_unknown_workspace_key_is_refused(wire: Wire) -> None:
    response = wire.send("POST", "trigger/", TRIGGER, key="other-workspace")
    assert (response.status_code, error_of(response)) == (401, "unknown workspace key")


def test_body_changed_after_signing_is_refused(wire: Wire) -> None:
    tampered = b'{"workflow": "welcome", "recipients": ["u2"], "data": {}}'
    response = wire.send("POST", "trigger/", TRIGGER, tamper=tampered)
    assert response.status_code == 401
    assert "body changed after signing" in error_of(response)


def test_declared_content_md5_must_match_the_bytes_received(wire: Wire) -> None:
    response = wire.send("POST", "trigger/", TRIGGER, extra_headers={"Content-MD5": "0" * 32})
    assert (response.status_code, error_of(response)) == (401, "Content-MD5 does not match the body received")


def test_stale_and_future_dates_are_refused(wire: Wire) -> None:
    too_far = MAX_DATE_SKEW_SECONDS + 60
    stale = wire.send("POST", "trigger/", TRIGGER, date=time.time() - too_far)
    future = wire.send("POST", "trigger/", TRIGGER, date=time.time() + too_far)
    assert stale.status_code == future.status_code == 401
    assert "behind the server clock" in error_of(stale)
    assert "ahead of the server clock" in error_of(future)
    assert f"at most {MAX_DATE_SKEW_SECONDS} s" in error_of(stale)


def test_date_within_the_allowed_skew_is_accepted(wire: Wire) -> None:
    response = wire.send("POST", "trigger/", TRIGGER, date=time.time() - MAX_DATE_SKEW_SECONDS + 60)
    assert response.status_code == 202


def test_missing_or_garbled_date_is_refused(wire: Wire) -> None:
    garbled = wire.request("POST", "trigger/", TRIGGER).with_headers({"Date": "yesterday"})
    response = wire.transport.send(garbled, timeout=TIMEOUT)
    assert (response.status_code, error_of(response)) == (401, "Date header 'yesterday' is not an HTTP date")


@pytest.mark.parametrize(
    "date", ["Mon, 01 Jan 2024 00:00:00 +99999999999999999999", "Mon, 01 Jan 99999 00:00:00 GMT"]
)
def test_a_date_whose_offset_or_year_overflows_is_refused_not_dropped(wire: Wire, date: str) -> None:
    """``parsedate_to_datetime`` raises OverflowError for a huge offset: the connection closed unanswered."""
    dated = wire.request("POST", "trigger/", TRIGGER).with_headers({"Date": date})
    response = wire.transport.send(dated, timeout=TIMEOUT)
    assert (response.status_code, error_of(response)) == (401, f"Date header {date!r} is not an HTTP date")


def test_a_date_with_a_minus_0000_zone_is_read_as_utc_whatever_the_hubs_zone(
    wire: Wire, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``-0000`` (RFC 5322: UTC, zone not stated) parses to a naive datetime, which ``timestamp()`` would
    read in the hub's local zone: a hub away from UTC refused a fresh, correctly signed request as skewed."""
    monkeypatch.setenv("TZ", "Asia/Kolkata")  # UTC+05:30, far beyond the allowed skew
    time.tzset()
    try:
        request = wire.request("POST", "trigger/", TRIGGER)
        dated = request.with_headers({"Date": formatdate(time.time())})  # "... -0000"
        assert dated.headers.get("Date", "").endswith("-0000")
        credentials = wire.credentials
        signature = request_signature(credentials.workspace_secret, dated)
        signed = dated.with_headers({"Authorization": f"{credentials.workspace_key}:{signature}"})
        response = wire.transport.send(signed, timeout=TIMEOUT)
    finally:
        monkeypatch.undo()
        time.tzset()
    assert response.status_code == 202, error_of(response)


def test_missing_authorization_is_refused(wire: Wire) -> None:
    signed = wire.request("POST", "trigger/", TRIGGER)
    bare = Request(
        method="POST", url=signed.url, headers=signed.headers.without("Authorization"), content=signed.content
    )
    response = wire.transport.send(bare, timeout=TIMEOUT)
    assert (response.status_code, error_of(response)) == (401, "missing Authorization header")


def test_bearer_keys_from_the_configured_set_are_accepted(wire: Wire, hub: Sandbox) -> None:
    assert wire.send("POST", "trigger/", TRIGGER, bearer=DEFAULT_API_KEY).status_code == 202
    refused = wire.send("POST", "trigger/", TRIGGER, bearer="guessed-key")
    assert (refused.status_code, error_of(refused)) == (401, "invalid API key")
    assert [r["auth"] for r in hub.requests()] == ["bearer", "bearer"]


def test_get_requests_are_signed_over_path_and_query(wire: Wire) -> None:
    assert wire.send("GET", "v1/message/?limit=5").status_code == 200
    signed = wire.request("GET", "v1/message/?limit=5")
    moved = Request(method="GET", url=signed.url.replace("limit=5", "limit=6"), headers=signed.headers)
    response = wire.transport.send(moved, timeout=TIMEOUT)
    assert (response.status_code, error_of(response)[:18]) == (401, "signature mismatch")


def test_legacy_trigger_path_must_name_this_workspace(wire: Wire, hub: Sandbox) -> None:
    legacy = {"name": "w", "template": "t", "notification_category": "transactional", "users": [], "data": {}}
    ok = wire.send("POST", f"{hub.credentials.workspace_key}/trigger/", legacy)
    other = wire.send("POST", "someone-else/trigger/", legacy)
    assert (ok.status_code, ok.text) == (202, "Accepted - OK")
    assert (other.status_code, error_of(other)) == (404, "workspace 'someone-else' not found")
