"""Checks made on a request's head, before its body is read: ``Host``, ``Origin``, content type, length.

A sandbox runs on a developer's machine, where a web page in a browser can reach it: by DNS rebinding (a
name of the page's that resolves to 127.0.0.1, sent as ``Host``) or by a cross-site form post. So every
request must name the sandbox itself in ``Host``, and control requests (``/_sandbox/``), which need no
credentials, must also come with a JSON content type (which a browser sends cross-site only after a CORS
preflight the sandbox never grants) and no foreign ``Origin``. ``Content-Length`` is checked here so that a
bad or oversized one (``check_size``) is refused before anything is read.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from email.message import Message
from http import HTTPStatus
from typing import Final
from urllib.parse import urlsplit

import attrs

from .limits import MAX_CONTENT_LENGTH

LOOPBACK_NAMES: Final = frozenset({"localhost"})
WILDCARD_ADDRESSES: Final = frozenset({"0.0.0.0", "::"})
JSON_MEDIA_TYPE: Final = "application/json"
_SAFE_METHODS: Final = frozenset({"GET", "HEAD"})
_HEADER_NAME: Final = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")
"""A header name is an RFC 9110 token."""


@attrs.frozen(kw_only=True, slots=True)
class Refusal:
    """Why a request is refused before its body is read."""

    status: int
    message: str
    error_type: str


def is_loopback(host: str) -> bool:
    """``localhost`` or a loopback address (``127.0.0.0/8``, ``::1``)."""
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@attrs.frozen(kw_only=True, slots=True)
class HostPolicy:
    """The names a request may give in ``Host``: loopback ones, plus the address the server is bound to.

    A server bound to a wildcard address (``0.0.0.0``) also accepts any IP literal: DNS rebinding needs a
    host *name*, so refusing names other than ``localhost`` is what protects it.
    """

    bound_host: str
    port: int

    def allows(self, host: str) -> bool:
        if is_loopback(host):
            return True
        if self.bound_host in WILDCARD_ADDRESSES:
            return _is_ip_literal(host)
        return host.lower() == self.bound_host.lower()

    def check_host(self, header: str | None) -> Refusal | None:
        """A refusal unless ``header`` (the ``Host`` value) names this sandbox."""
        if not header:
            return Refusal(status=400, message="missing Host header", error_type="validation_error")
        name = _host_of(f"//{header}")
        if name is None or not self.allows(name):
            return Refusal(
                status=int(HTTPStatus.FORBIDDEN),
                message=f"Host {header!r} is not this sandbox: use 127.0.0.1 or localhost",
                error_type="forbidden_host",
            )
        return None

    def check_control(self, method: str, content_type: str | None, origin: str | None) -> Refusal | None:
        """A refusal for a control request from a foreign ``Origin``, or one changing state without JSON."""
        if origin is not None and not self._own_origin(origin):
            return Refusal(
                status=int(HTTPStatus.FORBIDDEN),
                message=f"Origin {origin!r} may not control this sandbox",
                error_type="forbidden_origin",
            )
        if method not in _SAFE_METHODS and _media_type(content_type) != JSON_MEDIA_TYPE:
            return Refusal(
                status=int(HTTPStatus.UNSUPPORTED_MEDIA_TYPE),
                message=f"control requests that change state need Content-Type: {JSON_MEDIA_TYPE}, "
                f"got {content_type or 'none'}",
                error_type="unsupported_media_type",
            )
        return None

    def _own_origin(self, origin: str) -> bool:
        try:
            parts = urlsplit(origin)
            port = parts.port
        except ValueError:
            return False
        return (
            parts.scheme == "http"
            and parts.hostname is not None
            and self.allows(parts.hostname)
            and port == self.port
        )


def _host_of(authority: str) -> str | None:
    try:
        parts = urlsplit(authority)
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number
    except ValueError:
        return None
    return parts.hostname


def _media_type(content_type: str | None) -> str:
    return (content_type or "").split(";", 1)[0].strip().lower()


def check_header_names(headers: Message) -> Refusal | None:
    """A 400 for a head with a line that is not a header, or a header name that is not a token.

    Python's header parser stops at such a line and leaves every later header, ``Content-Length``
    included, unread: serving the request would ignore its body and leave the rest on the connection.
    """
    if headers.defects or headers.get_payload():
        return Refusal(
            status=400,
            message="a header line is not 'name: value' (an invalid header name): the request is refused",
            error_type="bad_request",
        )
    for name in headers.keys():
        if not _HEADER_NAME.fullmatch(name):
            return Refusal(
                status=400, message=f"header name {name!r} is not a valid token", error_type="bad_request"
            )
    return None


def content_length(values: Sequence[str], transfer_encoding: str | None) -> int | Refusal:
    """The body length a request declares, or why it is refused (400, 411) before reading it."""
    if transfer_encoding:
        return Refusal(
            status=int(HTTPStatus.LENGTH_REQUIRED),
            message=f"Transfer-Encoding {transfer_encoding!r} is not supported: send a Content-Length",
            error_type="length_required",
        )
    distinct = {value.strip() for value in values}
    if not distinct:
        return 0
    if len(distinct) > 1:
        return Refusal(
            status=400,
            message=f"conflicting Content-Length headers {sorted(distinct)}",
            error_type="bad_request",
        )
    [text] = distinct
    if not (text.isascii() and text.isdigit()):
        return Refusal(
            status=400,
            message=f"Content-Length {text!r} is not a number of bytes",
            error_type="bad_request",
        )
    return int(text)


def check_size(length: int) -> Refusal | None:
    """413 for a declared body larger than any request within the hub's limits."""
    if length <= MAX_CONTENT_LENGTH:
        return None
    return Refusal(
        status=int(HTTPStatus.REQUEST_ENTITY_TOO_LARGE),
        message=f"body too big - Content-Length {length} bytes, the sandbox reads at most "
        f"{MAX_CONTENT_LENGTH}",
        error_type="request_too_large",
    )
