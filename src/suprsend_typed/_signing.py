"""HMAC request signing (fact sheet §1.3) as pure functions, plus the HMAC and Bearer auth middleware.

The signature covers the ``Date`` header, so the auth layer sits inside the retry layer and every attempt is
signed again with a fresh date.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable
from email.utils import formatdate

import attrs

from ._http import Request, Response
from ._middleware import Handler

# Methods whose body is never hashed: the official SDK signs an empty MD5 field for them.
_UNHASHED_METHODS = frozenset({"GET"})
_FIELD_SEPARATOR = "\n"


def content_md5(method: str, content: bytes) -> str:
    """Lower-case hex MD5 of the body as sent; empty for GET and for an empty body."""
    if method.upper() in _UNHASHED_METHODS or not content:
        return ""
    return hashlib.md5(content, usedforsecurity=False).hexdigest()


def string_to_sign(method: str, content_md5: str, content_type: str, date: str, request_uri: str) -> str:
    """The five signed fields joined by LF, without a trailing newline."""
    return _FIELD_SEPARATOR.join((method.upper(), content_md5, content_type, date, request_uri))


def sign(secret: str, string_to_sign: str) -> str:
    """Standard base64 of HMAC-SHA256(secret, string_to_sign)."""
    # ``hmac.digest`` with a digest name is OpenSSL's one-shot HMAC: the same bytes as ``hmac.new(...)``
    # without building an HMAC object (and two hash objects) per request.
    digest = hmac.digest(secret.encode("utf-8"), string_to_sign.encode("utf-8"), "sha256")
    return base64.b64encode(digest).decode("ascii")


# Within this much of the next second, ``formatdate``'s rounding to microseconds may carry into it.
_SAFE_FRACTION = 0.999


class HttpDates:
    """``formatdate(seconds, usegmt=True)``, the ``Date`` header, formatted once per whole second.

    Every request signed within one second carries the same text, so one entry is kept (replaced as a whole
    tuple, so threads never see half of it); a time that ``formatdate`` could round up is formatted directly.
    """

    __slots__ = ("_last",)

    def __init__(self) -> None:
        self._last: tuple[int, str] = (-1, "")

    def __call__(self, seconds: float) -> str:
        whole = int(seconds)
        if seconds < 0 or seconds - whole >= _SAFE_FRACTION:
            return formatdate(seconds, usegmt=True)
        last_whole, text = self._last
        if last_whole != whole:
            text = formatdate(whole, usegmt=True)
            self._last = (whole, text)
        return text


def request_signature(secret: str, request: Request) -> str:
    """The signature of a request as it will be sent (its ``Content-Type`` and ``Date`` headers included)."""
    to_sign = string_to_sign(
        request.method,
        content_md5(request.method, request.content),
        request.headers.get("Content-Type", ""),
        request.headers.get("Date", ""),
        request.path_and_query,
    )
    return sign(secret, to_sign)


def verify_signature(
    *,
    secret: str,
    method: str,
    content: bytes,
    content_type: str,
    date: str,
    request_uri: str,
    signature: str,
) -> bool:
    """Whether ``signature`` is the one ``secret`` gives for these request fields (constant-time compare)."""
    to_sign = string_to_sign(method, content_md5(method, content), content_type, date, request_uri)
    return hmac.compare_digest(sign(secret, to_sign).encode("ascii"), signature.encode("utf-8"))


@attrs.frozen(kw_only=True, slots=True)
class HmacAuth:
    """Signs each request with the workspace key and secret; a fresh ``Date`` on every call."""

    workspace_key: str
    secret: str = attrs.field(repr=False)
    clock: Callable[[], float]
    http_date: HttpDates = attrs.field(factory=HttpDates, eq=False, repr=False)

    def __call__(self, request: Request, call_next: Handler) -> Response:
        return call_next(self.prepare(request))

    def prepare(self, request: Request) -> Request:
        """``request`` dated now and signed: the pure part, shared with the async chain."""
        date = self.http_date(self.clock())
        method, content = request.method, request.content
        to_sign = string_to_sign(
            method,
            content_md5(method, content),
            request.headers.get("Content-Type", ""),
            date,
            request.path_and_query,
        )
        # Both headers in one step (what adding Date, signing, then adding Authorization gives).
        signed = {"Date": date, "Authorization": f"{self.workspace_key}:{sign(self.secret, to_sign)}"}
        return request.with_headers(signed)


@attrs.frozen(kw_only=True, slots=True)
class BearerAuth:
    """Adds ``Authorization: Bearer <api key>``; no ``Date`` header, as in the official SDK's API-key mode."""

    api_key: str = attrs.field(repr=False)

    def __call__(self, request: Request, call_next: Handler) -> Response:
        return call_next(self.prepare(request))

    def prepare(self, request: Request) -> Request:
        """``request`` with the Bearer header: the pure part, shared with the async chain."""
        return request.with_headers({"Authorization": f"Bearer {self.api_key}"})
