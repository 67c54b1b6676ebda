"""``ClientAuth``: how a client signs, made from its credentials alike by ``Suprsend`` and ``AsyncSuprsend``.

Imported when a client is made, not with the package (an attrs class costs import time).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Literal

import attrs

from ._config import resolve_api_key_credentials, resolve_hmac_credentials
from ._http import BEARER_PREFIX, HMAC_SEPARATOR
from ._signing import BearerAuth, HmacAuth


@attrs.frozen(kw_only=True, slots=True)
class ClientAuth:
    """How a client signs, made from its credentials alike by ``Suprsend`` and ``AsyncSuprsend``."""

    kind: Literal["hmac", "api_key"]
    # The workspace key (HMAC) or UID (Bearer): ``env`` in bodies, ``{workspace}`` in paths.
    workspace: str
    # The workspace secret or API key, and the public start of the Authorization header it goes with:
    # both are masked in logs, reprs and errors once the client registers them.
    secret: str = attrs.field(repr=False)
    authorization_prefix: str
    # The signing layer of the chain (its ``prepare`` is the async chain's too).
    signer: HmacAuth | BearerAuth


def hmac_client_auth(
    workspace_key: object,
    workspace_secret: object,
    *,
    clock: Callable[[], float],
    environ: Mapping[str, str] | None = None,
) -> ClientAuth:
    """HMAC signing with the workspace key and secret (arguments, else the environment), dated by
    ``clock``; ``SuprsendConfigError`` names a missing or malformed credential."""
    credentials = resolve_hmac_credentials(workspace_key, workspace_secret, _environ(environ))
    return ClientAuth(
        kind="hmac",
        workspace=credentials.workspace_key,
        secret=credentials.workspace_secret,
        authorization_prefix=credentials.workspace_key + HMAC_SEPARATOR,
        signer=HmacAuth(
            workspace_key=credentials.workspace_key, secret=credentials.workspace_secret, clock=clock
        ),
    )


def api_key_client_auth(
    workspace_uid: object, api_key: object, *, environ: Mapping[str, str] | None = None
) -> ClientAuth:
    """Bearer auth with the workspace UID and API key (the key may come from the environment)."""
    credentials = resolve_api_key_credentials(workspace_uid, api_key, _environ(environ))
    return ClientAuth(
        kind="api_key",
        workspace=credentials.workspace_uid,
        secret=credentials.api_key,
        authorization_prefix=BEARER_PREFIX,
        signer=BearerAuth(api_key=credentials.api_key),
    )


def _environ(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ
