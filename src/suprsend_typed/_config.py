"""Client configuration: credentials from arguments or environment, and the checked, normalised base URL."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from urllib.parse import urlsplit

import attrs

from ._errors import SuprsendConfigError
from ._response_limits import check_max_response_bytes

DEFAULT_BASE_URL = "https://hub.suprsend.com/"
ENV_WORKSPACE_KEY = "SUPRSEND_WORKSPACE_KEY"
ENV_WORKSPACE_SECRET = "SUPRSEND_WORKSPACE_SECRET"
ENV_API_KEY = "SUPRSEND_API_KEY"
ENV_WORKSPACE_UID = "SUPRSEND_WORKSPACE_UID"
ENV_BASE_URL = "SUPRSEND_BASE_URL"
_LOOPBACK_NAMES = frozenset({"localhost"})


@attrs.frozen(kw_only=True, slots=True)
class HmacCredentials:
    """Workspace key (public identifier) and workspace secret (never shown)."""

    workspace_key: str
    workspace_secret: str = attrs.field(repr=False)


@attrs.frozen(kw_only=True, slots=True)
class ApiKeyCredentials:
    """Workspace UID (public identifier) and API key (never shown)."""

    workspace_uid: str
    api_key: str = attrs.field(repr=False)


MissingHint = Callable[[str, str | None], str]
"""How to give a missing credential, from its name and its variable: the end of a "Missing ..." message."""


def client_hint(name: str, env_name: str | None) -> str:
    """The client's hint: the keyword argument, and the variable when there is one."""
    return f"pass {name}=... to the client" + (f" or set {env_name}" if env_name is not None else "")


def _credential(
    name: str, passed: object, environ: Mapping[str, str], env_name: str | None, hint: MissingHint
) -> str:
    """The passed value, else the environment's; missing, empty or non-text values are config errors."""
    value = environ.get(env_name) if passed is None and env_name is not None else passed
    if value is None or value == "":
        raise SuprsendConfigError(f"Missing {name}: {hint(name, env_name)}")
    if not isinstance(value, str):
        raise SuprsendConfigError(f"{name} must be a string, got {type(value).__name__}")
    if value != value.strip() or any(not char.isprintable() for char in value):
        # A key copied with a newline or space would make every request fail with a confusing auth error.
        raise SuprsendConfigError(f"{name} contains whitespace or control characters")
    return value


def resolve_hmac_credentials(
    workspace_key: object,
    workspace_secret: object,
    environ: Mapping[str, str],
    hint: MissingHint = client_hint,
) -> HmacCredentials:
    return HmacCredentials(
        workspace_key=_credential("workspace_key", workspace_key, environ, ENV_WORKSPACE_KEY, hint),
        workspace_secret=_credential(
            "workspace_secret", workspace_secret, environ, ENV_WORKSPACE_SECRET, hint
        ),
    )


def resolve_api_key_credentials(
    workspace_uid: object, api_key: object, environ: Mapping[str, str], hint: MissingHint = client_hint
) -> ApiKeyCredentials:
    return ApiKeyCredentials(
        workspace_uid=_credential("workspace_uid", workspace_uid, environ, ENV_WORKSPACE_UID, hint),
        api_key=_credential("api_key", api_key, environ, ENV_API_KEY, hint),
    )


def _is_loopback(host: str) -> bool:
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _shown(scheme: str, host: str | None) -> str:
    """The part of a base URL an error message may show: scheme and host only. The user part, port, path,
    query and fragment can all hold a key (``https://h/?api_key=...``, ``ftp://user:key@h/``)."""
    return f"{scheme}://{host}/" if scheme and host else "the given base_url"


def resolve_base_url(base_url: object, environ: Mapping[str, str], *, allow_insecure: bool = False) -> str:
    """Official normalisation (strip; empty means the default; end with ``/``), then a safety check.

    Plain ``http://`` would send signed requests and API keys in clear text, so it is refused unless the host
    is loopback or ``allow_insecure`` is set. Whitespace or control characters inside the URL (CR, LF, NUL, a
    space) are refused: they would be sent in every request line and signed, and fail every call with 401.
    No error message repeats more of the URL than its scheme and host, so a key in it is never shown.
    """
    value = environ.get(ENV_BASE_URL) if base_url is None else base_url
    if value is not None and not isinstance(value, str):
        raise SuprsendConfigError(f"base_url must be a string, got {type(value).__name__}")
    url = (value or "").strip() or DEFAULT_BASE_URL
    if not url.endswith("/"):
        url += "/"
    if any(char.isspace() or not char.isprintable() for char in url):
        raise SuprsendConfigError("Invalid base_url: it contains whitespace or control characters")
    try:
        parts = urlsplit(url)
        host = parts.hostname
        _port = parts.port  # a port that is not a number raises here, not at the first request
    except ValueError:
        raise SuprsendConfigError("Invalid base_url: it is not a URL (expected https://host/)") from None
    shown = _shown(parts.scheme, host)
    if parts.scheme not in ("https", "http") or not host:
        raise SuprsendConfigError(f"Invalid base_url {shown}: expected https://host/")
    if parts.username or parts.password:
        raise SuprsendConfigError(f"Invalid base_url {shown}: it must not contain credentials")
    if parts.query or parts.fragment:
        raise SuprsendConfigError(f"Invalid base_url {shown}: no query or fragment allowed")
    if parts.scheme == "http" and not (allow_insecure or _is_loopback(host)):
        raise SuprsendConfigError(
            f"Refusing plain http base_url {shown} for a non-loopback host; "
            "pass allow_insecure=True to allow it"
        )
    return url


def resolve_max_response_bytes(value: object) -> int:
    """A client's ``max_response_bytes`` (the default transport's cap on an answer's decoded body), checked
    when the client is built: a positive int of bytes, else ``SuprsendConfigError``."""
    try:
        return check_max_response_bytes(value)
    except ValueError as exc:
        raise SuprsendConfigError(str(exc)) from None


def chooses_api_key(
    workspace_key: object, workspace_secret: object, api_key: object, environ: Mapping[str, str]
) -> bool:
    """The one rule of which credential set the given values and ``environ`` name (the command line's too):
    an API key (Bearer) only when neither a workspace key nor a workspace secret is given or set, so the key
    and secret (HMAC) win when both sets are there, as ``Suprsend()`` reads them."""

    def given(value: object, env_name: str) -> bool:
        return (environ.get(env_name) if value is None else value) not in (None, "")

    return given(api_key, ENV_API_KEY) and not (
        given(workspace_key, ENV_WORKSPACE_KEY) or given(workspace_secret, ENV_WORKSPACE_SECRET)
    )


def resolve_credentials(
    *,
    workspace_key: object = None,
    workspace_secret: object = None,
    workspace_uid: object = None,
    api_key: object = None,
    environ: Mapping[str, str],
    hint: MissingHint = client_hint,
) -> HmacCredentials | ApiKeyCredentials:
    """The credential set ``chooses_api_key`` picks, checked: the workspace key and secret as ``Suprsend()``
    reads them, else the API key and workspace UID as ``Suprsend.with_workspace_api_key()`` reads them; with
    neither, the missing workspace key is the error."""
    if chooses_api_key(workspace_key, workspace_secret, api_key, environ):
        return resolve_api_key_credentials(workspace_uid, api_key, environ, hint)
    return resolve_hmac_credentials(workspace_key, workspace_secret, environ, hint)
