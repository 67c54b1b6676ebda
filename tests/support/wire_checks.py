"""Independent checks on captured requests: HMAC signature validity and volatile-field removal.

The signature is recomputed here from the fact sheet's algorithm (§1.3), not with the SDK's own signer, so a
bug there cannot hide itself.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

from .capture_server import CapturedRequest

# Keys whose values differ between two otherwise identical calls (ids, clocks, SDK version strings).
VOLATILE_KEYS = frozenset({"$insert_id", "$time", "$ss_sdk_version"})


def expected_signature(request: CapturedRequest, secret: str) -> str:
    """Base64 HMAC-SHA256 over method, body MD5, Content-Type, Date and request-URI."""
    body_md5 = hashlib.md5(request.body).hexdigest() if request.method != "GET" and request.body else ""
    string_to_sign = "\n".join(
        [
            request.method,
            body_md5,
            request.headers.get("content-type", ""),
            request.headers.get("date", ""),
            request.path,
        ]
    )
    digest = hmac.new(secret.encode(), string_to_sign.encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def has_valid_signature(request: CapturedRequest, workspace_key: str, secret: str) -> bool:
    expected = f"{workspace_key}:{expected_signature(request, secret)}"
    return hmac.compare_digest(request.headers.get("authorization", ""), expected)


def without_volatile(value: Any) -> Any:
    """The JSON value with every volatile key removed at any depth."""
    if isinstance(value, dict):
        return {key: without_volatile(item) for key, item in value.items() if key not in VOLATILE_KEYS}
    if isinstance(value, list):
        return [without_volatile(item) for item in value]
    return value
