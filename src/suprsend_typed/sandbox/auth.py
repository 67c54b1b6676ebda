"""Checking credentials as the hub does: an HMAC signature over the bytes received, or a Bearer key."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Collection, Iterable, Mapping
from datetime import timezone
from email.utils import parsedate_to_datetime
from typing import Final, Literal

import attrs

from .._signing import verify_signature

MAX_DATE_SKEW_SECONDS: Final = 15 * 60
"""How far a signed request's ``Date`` may be from the hub's clock (replay protection)."""

AuthScheme = Literal["hmac", "bearer"]


def _frozen_keys(keys: Iterable[str]) -> frozenset[str]:
    return frozenset(keys)


@attrs.frozen(kw_only=True, slots=True)
class Credentials:
    """What the sandbox accepts: one workspace key and secret, and any of ``api_keys`` as Bearer tokens."""

    workspace_key: str
    workspace_secret: str = attrs.field(repr=False)
    api_keys: frozenset[str] = attrs.field(repr=False, converter=_frozen_keys, factory=frozenset)
    # The workspace UID that Bearer clients put in paths and `env`; the key when not set.
    workspace_uid: str = ""

    @property
    def workspace_names(self) -> frozenset[str]:
        return frozenset(name for name in (self.workspace_key, self.workspace_uid) if name)


@attrs.frozen(kw_only=True, slots=True)
class AuthResult:
    """``error`` is None when the request is authenticated, else a message safe to send back."""

    scheme: AuthScheme | None
    error: str | None = None


def authenticate(
    credentials: Credentials,
    *,
    method: str,
    request_uri: str,
    headers: Mapping[str, str],
    content: bytes,
    now: float,
    checked_head: AuthResult | None = None,
) -> AuthResult:
    """Check ``Authorization`` against ``credentials``; every secret comparison is constant-time.

    ``checked_head`` is what ``authenticate_headers`` already found for these headers: only the body's part
    is then left to check.
    """
    early = checked_head or authenticate_headers(credentials, headers=headers, now=now)
    if early.error is not None or early.scheme == "bearer":
        return early
    return _check_signature(credentials, method, request_uri, headers, content)


def authenticate_headers(credentials: Credentials, *, headers: Mapping[str, str], now: float) -> AuthResult:
    """Everything ``authenticate`` checks that needs no body: the scheme, the key and the ``Date``.

    The server calls it before reading a body, so a request that cannot be authenticated is refused without
    its body being read (only an HMAC signature needs the body). ``error`` is None when the body is worth
    reading.
    """
    authorization = headers.get("Authorization", "")
    if not authorization:
        return AuthResult(scheme=None, error="missing Authorization header")
    scheme, _, token = authorization.partition(" ")
    if scheme.lower() == "bearer":
        if _known_key(token.strip(), credentials.api_keys):
            return AuthResult(scheme="bearer")
        return AuthResult(scheme="bearer", error="invalid API key")
    return _check_hmac_headers(credentials, authorization, headers, now)


def _known_key(token: str, api_keys: Collection[str]) -> bool:
    found = False
    for key in api_keys:
        found |= hmac.compare_digest(token.encode("utf-8"), key.encode("utf-8"))
    return found


def _check_hmac_headers(
    credentials: Credentials, authorization: str, headers: Mapping[str, str], now: float
) -> AuthResult:
    key, separator, signature = authorization.rpartition(":")
    if not separator or not key or not signature:
        return AuthResult(
            scheme=None, error="Authorization must be '<workspace key>:<signature>' or 'Bearer <key>'"
        )
    if not hmac.compare_digest(key.encode("utf-8"), credentials.workspace_key.encode("utf-8")):
        return AuthResult(scheme="hmac", error="unknown workspace key")
    date = headers.get("Date", "")
    if not date:
        return AuthResult(scheme="hmac", error="missing Date header: signed requests must carry one")
    try:
        parsed = parsedate_to_datetime(date)
        if parsed.tzinfo is None:  # "-0000": UTC with the zone not stated, never the hub's local time
            parsed = parsed.replace(tzinfo=timezone.utc)
        sent_at = parsed.timestamp()
    except (TypeError, ValueError, OverflowError):  # OverflowError: a zone offset too large for a C int
        return AuthResult(scheme="hmac", error=f"Date header {date!r} is not an HTTP date")
    skew = sent_at - now
    if abs(skew) > MAX_DATE_SKEW_SECONDS:
        direction = "ahead of" if skew > 0 else "behind"
        return AuthResult(
            scheme="hmac",
            error=f"Date header is {abs(skew):.0f} s {direction} the server clock "
            f"(at most {MAX_DATE_SKEW_SECONDS} s allowed): check the client clock",
        )
    return AuthResult(scheme="hmac")


def _check_signature(
    credentials: Credentials,
    method: str,
    request_uri: str,
    headers: Mapping[str, str],
    content: bytes,
) -> AuthResult:
    """The body-dependent half of HMAC: ``Content-MD5`` and the signature (headers already checked)."""
    signature = headers.get("Authorization", "").rpartition(":")[2]
    declared_md5 = headers.get("Content-MD5", "")
    if declared_md5 and declared_md5.lower() != hashlib.md5(content, usedforsecurity=False).hexdigest():
        return AuthResult(scheme="hmac", error="Content-MD5 does not match the body received")
    valid = verify_signature(
        secret=credentials.workspace_secret,
        method=method,
        content=content,
        content_type=headers.get("Content-Type", ""),
        date=headers.get("Date", ""),
        request_uri=request_uri,
        signature=signature,
    )
    if not valid:
        return AuthResult(
            scheme="hmac",
            error="signature mismatch: the HMAC of method, MD5 of the body received, Content-Type, Date and "
            "request URI does not match (wrong secret, or the body changed after signing)",
        )
    return AuthResult(scheme="hmac")
