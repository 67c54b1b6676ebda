"""Credentials and hub URL for the command line: flags, ``SUPRSEND_*`` variables, and named profiles.

Profiles live in an INI file, ``$SUPRSEND_CONFIG`` or ``$XDG_CONFIG_HOME/suprsend-typed/config.ini``
(``~/.config/suprsend-typed/config.ini``), one section per workspace or environment::

    [default]
    workspace_key = ...
    workspace_secret = ...

    [staging]
    workspace_uid = ...
    api_key = ...
    base_url = https://hub.example.com/

Where each value comes from, first match wins: command-line flags; the profile named by ``--profile``; the
``SUPRSEND_*`` variables (``SUPRSEND_WORKSPACE_KEY``, ``SUPRSEND_WORKSPACE_SECRET``, ``SUPRSEND_API_KEY``,
``SUPRSEND_WORKSPACE_UID``, ``SUPRSEND_BASE_URL``); the profile named by ``SUPRSEND_PROFILE``, else the
``default`` profile if the file has one. Credentials are taken as a set from the first place that has any,
never a key from one place and a secret from another. Within that place the client's rule
(``_config.resolve_credentials``) picks the set: a workspace key or secret means HMAC signing with both,
else an ``api_key`` means Bearer authentication with a ``workspace_uid``; so the sandbox's printed variables,
which hold both sets, work for the command line as for ``Suprsend()``. The file is read only when needed and
never written; secrets are never printed.
"""

from __future__ import annotations

import argparse
import configparser
from collections.abc import Mapping
from pathlib import Path

import attrs

from .._client import Suprsend
from .._config import (
    ENV_API_KEY,
    ENV_BASE_URL,
    ENV_WORKSPACE_KEY,
    ENV_WORKSPACE_SECRET,
    ENV_WORKSPACE_UID,
    ApiKeyCredentials,
    HmacCredentials,
    chooses_api_key,
    resolve_credentials,
)
from .._errors import SuprsendConfigError

ENV_PROFILE = "SUPRSEND_PROFILE"
ENV_CONFIG = "SUPRSEND_CONFIG"
ENV_XDG_CONFIG_HOME = "XDG_CONFIG_HOME"
DEFAULT_PROFILE = "default"
CONFIG_DIR_NAME = "suprsend-typed"
CONFIG_FILE_NAME = "config.ini"

CREDENTIAL_FIELDS = ("workspace_key", "workspace_secret", "workspace_uid", "api_key")
SECRET_FIELDS = frozenset({"workspace_secret", "api_key"})
FIELDS = (*CREDENTIAL_FIELDS, "base_url")
ENVIRONMENT = {
    "workspace_key": ENV_WORKSPACE_KEY,
    "workspace_secret": ENV_WORKSPACE_SECRET,
    "workspace_uid": ENV_WORKSPACE_UID,
    "api_key": ENV_API_KEY,
    "base_url": ENV_BASE_URL,
}


FLAGS_ORIGIN = "command-line flags"
ENVIRONMENT_ORIGIN = "SUPRSEND_* environment variables"


@attrs.frozen(kw_only=True, slots=True)
class Origin:
    """One place values can come from, and the values it holds (only the fields it sets)."""

    name: str
    values: Mapping[str, str] = attrs.field(repr=False)


@attrs.frozen(kw_only=True, slots=True)
class Settings:
    """Resolved connection settings; ``origin`` says where the credentials came from."""

    origin: str
    workspace_key: str | None = None
    workspace_secret: str | None = attrs.field(default=None, repr=False)
    workspace_uid: str | None = None
    api_key: str | None = attrs.field(default=None, repr=False)
    base_url: str | None = None
    base_url_origin: str | None = None

    @property
    def uses_api_key(self) -> bool:
        """Whether these settings authenticate with the API key (Bearer), by the client's rule."""
        return chooses_api_key(self.workspace_key, self.workspace_secret, self.api_key, {})

    def credentials(self) -> HmacCredentials | ApiKeyCredentials:
        """The credential set the client's rule picks; ``SuprsendConfigError`` names what is missing and
        where it would come from."""
        origin = self.origin

        def hint(name: str, env_name: str | None) -> str:
            if origin == ENVIRONMENT_ORIGIN:
                return f"set {env_name} (credentials from {origin})"
            if origin == FLAGS_ORIGIN:
                return f"pass --{name.replace('_', '-')} too (credentials from {origin})"
            return f"add {name} to the {origin}"

        return resolve_credentials(
            workspace_key=self.workspace_key,
            workspace_secret=self.workspace_secret,
            workspace_uid=self.workspace_uid,
            api_key=self.api_key,
            environ={},  # the values are the origin's whole set, never completed from elsewhere
            hint=hint,
        )

    def client(self) -> Suprsend:
        """A client for these settings; ``SuprsendConfigError`` names what is missing."""
        credentials = self.credentials()
        if isinstance(credentials, ApiKeyCredentials):
            return Suprsend.with_workspace_api_key(
                credentials.workspace_uid, credentials.api_key, self.base_url
            )
        return Suprsend(credentials.workspace_key, credentials.workspace_secret, self.base_url)

    def shown(self) -> dict[str, str | None]:
        """Every field, secrets masked, for ``profile show``."""
        shown: dict[str, str | None] = {
            "credentials from": self.origin,
            "authentication": "api key (Bearer)" if self.uses_api_key else "workspace key/secret (HMAC)",
        }
        for field in FIELDS:
            value = getattr(self, field)
            shown[field] = "********" if value and field in SECRET_FIELDS else value
        shown["base_url from"] = self.base_url_origin
        return shown


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The connection flags of every command that talks to the hub."""
    group = parser.add_argument_group(
        "connection (flags > --profile > SUPRSEND_* variables > default profile)"
    )
    group.add_argument("--profile", help="profile of the config file (see `suprsend-typed profile list`)")
    group.add_argument("--workspace-key")
    group.add_argument(
        "--workspace-secret", help=f"prefer {ENV_WORKSPACE_SECRET} or a profile: flags show in `ps`"
    )
    group.add_argument("--workspace-uid", help="workspace UID, with --api-key (Bearer authentication)")
    group.add_argument("--api-key", help=f"prefer {ENV_API_KEY} or a profile: flags show in `ps`")
    group.add_argument("--base-url", help="hub URL (default https://hub.suprsend.com/)")


def config_path(environ: Mapping[str, str]) -> Path:
    explicit = environ.get(ENV_CONFIG)
    if explicit:
        return Path(explicit).expanduser()
    base = environ.get(ENV_XDG_CONFIG_HOME) or str(Path("~/.config").expanduser())
    return Path(base) / CONFIG_DIR_NAME / CONFIG_FILE_NAME


def read_profiles(path: Path) -> dict[str, dict[str, str]]:
    """Every profile of the file (none if it does not exist); unknown keys are configuration errors."""
    if not path.exists():
        return {}
    parser = configparser.ConfigParser(interpolation=None, default_section="__no_defaults__")
    try:
        with open(path, encoding="utf-8") as file:
            parser.read_file(file)
    except (OSError, configparser.Error) as exc:
        raise SuprsendConfigError(f"cannot read config file {path}: {exc}") from None
    profiles: dict[str, dict[str, str]] = {}
    for name in parser.sections():
        values = dict(parser.items(name))
        unknown = sorted(set(values) - set(FIELDS))
        if unknown:
            raise SuprsendConfigError(
                f"config file {path}, profile {name!r}: unknown keys {unknown} (known: {list(FIELDS)})"
            )
        profiles[name] = {key: value for key, value in values.items() if value}
    return profiles


def resolve(args: argparse.Namespace, environ: Mapping[str, str]) -> Settings:
    """The settings of a command, from its flags and the environment (see the module docstring)."""
    flags = {field: value for field in FIELDS if (value := getattr(args, field, None))}
    origins = [Origin(name=FLAGS_ORIGIN, values=flags)]
    path = config_path(environ)
    profiles: dict[str, dict[str, str]] | None = None

    def profile(name: str, *, required: bool, why: str) -> Origin | None:
        nonlocal profiles
        if profiles is None:
            profiles = read_profiles(path)
        if name not in profiles:
            if required:
                known = ", ".join(sorted(profiles)) or "none"
                raise SuprsendConfigError(f"no profile {name!r} ({why}) in {path}; profiles: {known}")
            return None
        return Origin(name=f"profile {name!r} of {path}", values=profiles[name])

    explicit = getattr(args, "profile", None)
    if explicit:
        origins.append(_present(profile(explicit, required=True, why="--profile")))
    environment = {field: environ[name] for field, name in ENVIRONMENT.items() if environ.get(name)}
    origins.append(Origin(name=ENVIRONMENT_ORIGIN, values=environment))
    if not explicit:
        named = environ.get(ENV_PROFILE)
        fallback = profile(named or DEFAULT_PROFILE, required=bool(named), why=ENV_PROFILE)
        if fallback is not None:
            origins.append(fallback)
    return _settings(origins)


def _present(origin: Origin | None) -> Origin:
    assert origin is not None  # a required profile was found or raised
    return origin


def _settings(origins: list[Origin]) -> Settings:
    credentials = next((o for o in origins if any(f in o.values for f in CREDENTIAL_FIELDS)), None)
    url = next((o for o in origins if "base_url" in o.values), None)
    if credentials is None:
        raise SuprsendConfigError(
            "no credentials: pass --workspace-key/--workspace-secret (or --api-key/--workspace-uid), set "
            f"{ENV_WORKSPACE_KEY} and {ENV_WORKSPACE_SECRET}, or use a profile (--profile NAME)"
        )
    values = credentials.values
    return Settings(
        origin=credentials.name,
        workspace_key=values.get("workspace_key"),
        workspace_secret=values.get("workspace_secret"),
        workspace_uid=values.get("workspace_uid"),
        api_key=values.get("api_key"),
        base_url=url.values["base_url"] if url else None,
        base_url_origin=url.name if url else None,
    )
