"""The §4.4 format rules: what passes, and that every failure names the offending value."""

from __future__ import annotations

import pytest

from suprsend_typed import _profile_checks as checks


@pytest.mark.parametrize("value", ["a@b.co", "user@example.com", "first.last+tag@sub.example.org"])
def test_valid_emails_pass(value: str) -> None:
    assert checks.email_problem(value) is None


@pytest.mark.parametrize(
    "value",
    ["", "   ", None, 42, "userexample.com", "user@example", "us er@example.com", "a@b.c\n", "@b.co", "a@.c"],
)
def test_invalid_emails_are_named(value: object) -> None:
    problem = checks.email_problem(value)
    assert problem is not None and repr(value) in problem


def test_email_length_bounds() -> None:
    too_long = "u" * (checks.EMAIL_MAX_LENGTH - len("@example.com") + 1) + "@example.com"
    assert checks.email_problem(too_long[1:]) is None
    assert checks.email_problem(too_long) is not None


@pytest.mark.parametrize("value", ["+41446681800", "+91 99999 99999", "+1555000100"])
def test_valid_phone_numbers_pass(value: str) -> None:
    assert checks.phone_problem(value) is None


@pytest.mark.parametrize("value", ["41446681800", "+1234", "+abcdefghij", "", None])
def test_invalid_phone_numbers_are_named(value: object) -> None:
    problem = checks.phone_problem(value)
    assert problem is not None and repr(value) in problem


@pytest.mark.parametrize(
    ("provider", "allowed", "ok"),
    [
        (None, checks.ANDROIDPUSH_PROVIDERS, True),
        ("fcm", checks.ANDROIDPUSH_PROVIDERS, True),
        ("xiaomi", checks.ANDROIDPUSH_PROVIDERS, True),
        ("oppo", checks.ANDROIDPUSH_PROVIDERS, True),
        ("apns", checks.ANDROIDPUSH_PROVIDERS, False),
        ("FCM", checks.ANDROIDPUSH_PROVIDERS, True),
        ("Xiaomi", checks.ANDROIDPUSH_PROVIDERS, True),
        ("APNS", checks.IOSPUSH_PROVIDERS, True),
        ("VAPID", checks.WEBPUSH_PROVIDERS, True),
        ("APNS", checks.ANDROIDPUSH_PROVIDERS, False),
        ("apns", checks.IOSPUSH_PROVIDERS, True),
        ("fcm", checks.IOSPUSH_PROVIDERS, False),
        ("vapid", checks.WEBPUSH_PROVIDERS, True),
        ("fcm", checks.WEBPUSH_PROVIDERS, False),
    ],
)
def test_push_providers(provider: str | None, allowed: frozenset[str], ok: bool) -> None:
    problem = checks.provider_problem(provider, allowed)
    assert (problem is None) is ok
    if problem is not None:
        assert repr(provider) in problem


def test_language_codes_are_the_183_iso_639_1_codes() -> None:
    assert len(checks.ISO_639_1_CODES) == 183
    assert all(len(code) == 2 and code.islower() for code in checks.ISO_639_1_CODES)
    assert checks.language_problem("en") is None
    for bad in ("EN", "eng", "en-US", "xx", None):
        problem = checks.language_problem(bad)
        assert problem is not None and repr(bad) in problem


def test_objects_and_tokens() -> None:
    assert checks.object_problem({"endpoint": "https://push.example"}) is None
    assert checks.object_problem({}) is not None
    assert checks.object_problem("not-a-dict") is not None
    assert checks.token_problem("tok") is None
    assert checks.token_problem(" ") is not None


@pytest.mark.parametrize("value", [[], {"fcm": 1}, ["en"]])
def test_unhashable_values_are_reported_not_crashed_on(value: object) -> None:
    assert checks.provider_problem(value, checks.ANDROIDPUSH_PROVIDERS) is not None
    assert checks.language_problem(value) is not None
