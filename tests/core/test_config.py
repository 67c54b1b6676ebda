"""Credentials come from arguments, else the environment; base URLs are normalised and checked."""

from __future__ import annotations

import pytest

from suprsend_typed._client_auth import api_key_client_auth, hmac_client_auth
from suprsend_typed._config import (
    DEFAULT_BASE_URL,
    ApiKeyCredentials,
    HmacCredentials,
    resolve_api_key_credentials,
    resolve_base_url,
    resolve_credentials,
    resolve_hmac_credentials,
)
from suprsend_typed._errors import SuprsendConfigError
from suprsend_typed._signing import BearerAuth, HmacAuth

ENV = {
    "SUPRSEND_WORKSPACE_KEY": "env-key",
    "SUPRSEND_WORKSPACE_SECRET": "env-secret",
    "SUPRSEND_API_KEY": "env-api-key",
    "SUPRSEND_BASE_URL": "https://env.example.com",
}


def test_arguments_win_over_environment() -> None:
    creds = resolve_hmac_credentials("arg-key", "arg-secret", ENV)
    assert (creds.workspace_key, creds.workspace_secret) == ("arg-key", "arg-secret")


def test_environment_fills_what_is_not_passed() -> None:
    creds = resolve_hmac_credentials(None, None, ENV)
    assert (creds.workspace_key, creds.workspace_secret) == ("env-key", "env-secret")
    api = resolve_api_key_credentials("ws-uid", None, ENV)
    assert (api.workspace_uid, api.api_key) == ("ws-uid", "env-api-key")
    assert resolve_base_url(None, ENV) == "https://env.example.com/"


# A missing credential names the keyword and the variable that would give it.
MISSING_KEY = "Missing workspace_key: pass workspace_key=... to the client or set SUPRSEND_WORKSPACE_KEY"
MISSING_SECRET = (
    "Missing workspace_secret: pass workspace_secret=... to the client or set SUPRSEND_WORKSPACE_SECRET"
)


@pytest.mark.parametrize(
    ("key", "secret", "message"),
    [
        (None, "s", MISSING_KEY),
        ("k", None, MISSING_SECRET),
        ("", "s", MISSING_KEY),
    ],
)
def test_missing_hmac_credentials(key: str | None, secret: str | None, message: str) -> None:
    with pytest.raises(SuprsendConfigError) as info:
        resolve_hmac_credentials(key, secret, {})
    assert info.value.message == message


def test_missing_api_key_credentials() -> None:
    missing_uid = (
        r"^Missing workspace_uid: pass workspace_uid=\.\.\. to the client or set SUPRSEND_WORKSPACE_UID$"
    )
    with pytest.raises(SuprsendConfigError, match=missing_uid):
        resolve_api_key_credentials(None, "k", ENV)
    with pytest.raises(SuprsendConfigError, match="Missing api_key"):
        resolve_api_key_credentials("uid", None, {})


def test_the_workspace_uid_comes_from_the_environment_too() -> None:
    api = resolve_api_key_credentials(None, None, {**ENV, "SUPRSEND_WORKSPACE_UID": "env-uid"})
    assert (api.workspace_uid, api.api_key) == ("env-uid", "env-api-key")


@pytest.mark.parametrize(
    ("environ", "passed", "expected"),
    [
        ({**ENV, "SUPRSEND_WORKSPACE_UID": "env-uid"}, {}, HmacCredentials),  # both sets: key and secret win
        ({"SUPRSEND_API_KEY": "a", "SUPRSEND_WORKSPACE_UID": "u"}, {}, ApiKeyCredentials),
        ({}, {"api_key": "a", "workspace_uid": "u"}, ApiKeyCredentials),
        ({"SUPRSEND_WORKSPACE_KEY": "k"}, {"api_key": "a", "workspace_uid": "u"}, HmacCredentials),
    ],
)
def test_one_rule_picks_the_credential_set(
    environ: dict[str, str], passed: dict[str, str], expected: type[object]
) -> None:
    if expected is HmacCredentials and "SUPRSEND_WORKSPACE_SECRET" not in environ:
        with pytest.raises(SuprsendConfigError, match="^Missing workspace_secret"):  # never half a set
            resolve_credentials(environ=environ, **passed)
        return
    assert isinstance(resolve_credentials(environ=environ, **passed), expected)


def test_with_no_credentials_the_workspace_key_is_missing() -> None:
    with pytest.raises(SuprsendConfigError) as info:
        resolve_credentials(environ={})
    assert info.value.message == MISSING_KEY


@pytest.mark.parametrize("bad", ["s3cr3t\n", " s3cr3t", "s3\x00cr3t"])
def test_malformed_credential_is_refused_without_echoing_it(bad: str) -> None:
    with pytest.raises(SuprsendConfigError) as info:
        resolve_hmac_credentials("k", bad, {})
    assert "cr3t" not in str(info.value)


def test_non_text_credential_is_refused() -> None:
    with pytest.raises(SuprsendConfigError, match="workspace_secret must be a string, got int"):
        resolve_hmac_credentials("k", 42, {})


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (None, DEFAULT_BASE_URL),
        ("", DEFAULT_BASE_URL),
        ("   ", DEFAULT_BASE_URL),
        (" https://eu.suprsend.com ", "https://eu.suprsend.com/"),
        ("https://eu.suprsend.com/api/", "https://eu.suprsend.com/api/"),
        ("http://127.0.0.1:8080", "http://127.0.0.1:8080/"),
        ("http://127.5.6.7:1/", "http://127.5.6.7:1/"),
        ("http://[::1]:9000", "http://[::1]:9000/"),
        ("http://localhost:9000", "http://localhost:9000/"),
    ],
)
def test_base_url_normalisation(given: str | None, expected: str) -> None:
    assert resolve_base_url(given, {}) == expected


def test_plain_http_needs_loopback_or_opt_in() -> None:
    with pytest.raises(SuprsendConfigError, match="allow_insecure"):
        resolve_base_url("http://hub.example.com", {})
    with pytest.raises(SuprsendConfigError, match="allow_insecure"):
        resolve_base_url("http://10.0.0.1/", {})
    assert resolve_base_url("http://hub.example.com", {}, allow_insecure=True) == "http://hub.example.com/"


@pytest.mark.parametrize(
    "bad", ["ftp://hub.example.com/", "hub.example.com", "https:///", "https://h/?q=1", 3]
)
def test_invalid_base_url(bad: object) -> None:
    with pytest.raises(SuprsendConfigError):
        resolve_base_url(bad, {})


def test_base_url_with_credentials_is_refused_without_echoing_them() -> None:
    with pytest.raises(SuprsendConfigError) as info:
        resolve_base_url("https://user:pa55word@hub.example.com/", {})
    assert "pa55word" not in str(info.value)


def test_credentials_repr_hides_secrets() -> None:
    assert "env-secret" not in repr(resolve_hmac_credentials(None, None, ENV))
    assert "env-api-key" not in repr(resolve_api_key_credentials("uid", None, ENV))


@pytest.mark.parametrize(
    "bad",
    [
        "https://hub.example.com/?api_key=KEY-0123456789",
        "http://hub.example.com/#KEY-0123456789",
        "ftp://user:KEY-0123456789@hub.example.com/",
        "https://hub.example.com:KEY-0123456789/",
        "http://hub.example.com/KEY-0123456789/",
        "https://hub.example.com/\nKEY-0123456789",
    ],
)
def test_base_url_errors_never_show_a_key_from_the_url(bad: str) -> None:
    with pytest.raises(SuprsendConfigError) as info:
        resolve_base_url(bad, {})
    shown = f"{info.value} {info.value!r} {info.value.args}"
    assert "KEY-0123456789" not in shown


@pytest.mark.parametrize(
    "bad",
    ["https://hub.example.com/a\r\nX: y/", "https://hub.example.com/a b/", "https://hub.\x00example.com/"],
)
def test_base_url_with_whitespace_or_control_characters_is_refused(bad: str) -> None:
    with pytest.raises(SuprsendConfigError, match="whitespace or control characters"):
        resolve_base_url(bad, {})


def test_client_auth_is_the_signing_the_credentials_give() -> None:
    def clock() -> float:
        return 1.0

    hmac = hmac_client_auth(None, "arg-secret", clock=clock, environ=ENV)
    assert (hmac.kind, hmac.workspace, hmac.secret, hmac.authorization_prefix) == (
        "hmac",
        "env-key",
        "arg-secret",
        "env-key:",
    )
    assert hmac.signer == HmacAuth(workspace_key="env-key", secret="arg-secret", clock=clock)
    bearer = api_key_client_auth("ws-uid", None, environ=ENV)
    assert (bearer.kind, bearer.workspace, bearer.secret, bearer.authorization_prefix) == (
        "api_key",
        "ws-uid",
        "env-api-key",
        "Bearer ",
    )
    assert bearer.signer == BearerAuth(api_key="env-api-key")
    assert "secret" not in repr(hmac) and "env-api-key" not in repr(bearer)


@pytest.mark.parametrize("client", ["Suprsend", "AsyncSuprsend"])
def test_both_clients_refuse_missing_credentials_with_the_same_messages(
    client: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import suprsend_typed

    for name in ENV:
        monkeypatch.delenv(name, raising=False)
    cls = getattr(suprsend_typed, client)
    with pytest.raises(SuprsendConfigError) as missing_key:
        cls(None, "secret")
    with pytest.raises(SuprsendConfigError) as missing_api_key:
        cls.with_workspace_api_key("ws-uid")
    assert str(missing_key.value) == MISSING_KEY
    assert str(missing_api_key.value) == (
        "Missing api_key: pass api_key=... to the client or set SUPRSEND_API_KEY"
    )
