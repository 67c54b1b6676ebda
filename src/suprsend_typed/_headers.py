"""The headers every request carries: content type and the two user-agent headers naming this SDK."""

from __future__ import annotations

import json
import platform
import unicodedata
from collections.abc import Mapping
from urllib.parse import quote

import attrs

from ._errors import SuprsendConfigError
from ._http import Request, Response
from ._middleware import Handler
from ._version import __version__

SDK_NAME = "suprsend-typed"
JSON_CONTENT_TYPE = "application/json; charset=utf-8"
# Printable ASCII passes into the User-Agent as it is, except the characters that end or escape an RFC 7230
# comment and the escape character itself; every other character is percent-encoded (UTF-8), so a non-ASCII
# application name reaches the hub intact and a header value never carries a raw non-ASCII byte.
_PRINTABLE_ASCII = range(0x20, 0x7F)
_ENCODED_IN_COMMENT = "()\\%"
_KEPT_AS_IS = "".join(chr(code) for code in _PRINTABLE_ASCII if chr(code) not in _ENCODED_IN_COMMENT)
_CONTROL_CATEGORY = "Cc"


def sdk_version() -> str:
    return __version__


def _header_safe(what: str, value: str) -> str:
    """``value`` as User-Agent comment text; control characters (CR, LF...) could inject headers: refused."""
    if any(unicodedata.category(char) == _CONTROL_CATEGORY for char in value):
        raise SuprsendConfigError(f"{what} must not contain control characters: {value!r}")
    return quote(value, safe=_KEPT_AS_IS)


def _app_info_suffix(app_info: Mapping[str, object] | None) -> str:
    """``name`` or ``name/version`` (version as ``str()``), the official format; empty without a name."""
    if not app_info or not app_info.get("name"):
        return ""
    name = app_info["name"]
    if not isinstance(name, str):
        raise SuprsendConfigError(f"app_info name must be a string, got {type(name).__name__}")
    text = _header_safe("app_info name", name)
    version = app_info.get("version")
    if version:
        text += "/" + _header_safe("app_info version", str(version))
    return text


@attrs.frozen(kw_only=True, slots=True)
class UserAgents:
    """``User-Agent`` and ``X-Suprsend-Client-User-Agent`` values, computed once per client."""

    user_agent: str
    client_user_agent: str

    @classmethod
    def build(cls, app_info: Mapping[str, object] | None = None) -> UserAgents:
        """Same format and JSON key order as the official SDK (fact sheet §1.2), naming this SDK."""
        if app_info is not None and not isinstance(app_info, Mapping):
            raise SuprsendConfigError(f"app_info must be a dict, got {type(app_info).__name__}")
        suffix = _app_info_suffix(app_info)
        uname = platform.uname()
        os_name, os_version = uname.system.lower(), uname.release.lower()
        version, python_version = sdk_version(), platform.python_version()
        description = {
            "sdk": SDK_NAME,
            "sdk_version": version,
            "lang": "python",
            "lang_version": python_version,
            "platform": "server",
            "os": os_name,
            "os_version": os_version,
            "app_info": dict(app_info) if app_info is not None else None,
        }
        user_agent = f"{SDK_NAME}/{version} (python/{python_version}; {os_name})"
        if suffix:
            user_agent += f" ({suffix})"
        try:
            client_user_agent = json.dumps(description)
        except (TypeError, ValueError) as exc:
            raise SuprsendConfigError(f"app_info must be JSON-serialisable: {exc}") from None
        return cls(user_agent=user_agent, client_user_agent=client_user_agent)


@attrs.frozen(kw_only=True, slots=True)
class HeadersMiddleware:
    """Adds the user-agent headers, and the JSON content type when the request has none (also on GET)."""

    agents: UserAgents
    # The headers added, built once: without and with the JSON content type (never changed once built).
    _agent_headers: dict[str, str] = attrs.field(init=False, eq=False, repr=False)
    _typed_agent_headers: dict[str, str] = attrs.field(init=False, eq=False, repr=False)

    def __attrs_post_init__(self) -> None:
        agent_headers = {
            "User-Agent": self.agents.user_agent,
            "X-Suprsend-Client-User-Agent": self.agents.client_user_agent,
        }
        object.__setattr__(self, "_agent_headers", agent_headers)
        object.__setattr__(self, "_typed_agent_headers", {**agent_headers, "Content-Type": JSON_CONTENT_TYPE})

    def __call__(self, request: Request, call_next: Handler) -> Response:
        return call_next(self.prepare(request))

    def prepare(self, request: Request) -> Request:
        """``request`` with the headers added: the pure part, shared with the async chain."""
        has_type = "Content-Type" in request.headers
        return request.with_constant_headers(self._agent_headers if has_type else self._typed_agent_headers)
