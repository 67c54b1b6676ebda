"""Where the command's credentials come from: flags, --profile, SUPRSEND_* variables, the default profile."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from suprsend_typed import SuprsendConfigError
from suprsend_typed.cli import exit_codes, profiles

from .conftest import Cli

CONFIG = """
[default]
workspace_key = default_key
workspace_secret = default_secret

[staging]
workspace_uid = staging_uid
api_key = staging_api_key
base_url = https://staging.example.com/
"""


def parsed(*argv: str) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    profiles.add_arguments(parser)
    return parser.parse_args(argv)


@pytest.fixture
def config(tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "config.ini"
    path.write_text(CONFIG, encoding="utf-8")
    return {profiles.ENV_CONFIG: str(path)}


def test_the_default_profile_is_used_when_nothing_else_is_given(config: dict[str, str]) -> None:
    settings = profiles.resolve(parsed(), config)

    assert (settings.workspace_key, settings.workspace_secret) == ("default_key", "default_secret")
    assert settings.origin.startswith("profile 'default'")


def test_variables_win_over_the_default_profile_and_a_named_profile_wins_over_variables(
    config: dict[str, str],
) -> None:
    environ = {**config, "SUPRSEND_WORKSPACE_KEY": "env_key", "SUPRSEND_WORKSPACE_SECRET": "env_secret"}

    from_environment = profiles.resolve(parsed(), environ)
    from_profile = profiles.resolve(parsed("--profile", "staging"), environ)
    from_flags = profiles.resolve(
        parsed("--profile", "staging", "--workspace-key", "k", "--workspace-secret", "s"), environ
    )

    assert from_environment.workspace_key == "env_key"
    assert (from_profile.workspace_uid, from_profile.api_key, from_profile.workspace_key) == (
        "staging_uid",
        "staging_api_key",
        None,  # never a key from one place and a secret from another
    )
    assert from_profile.base_url == "https://staging.example.com/"
    assert (from_flags.workspace_key, from_flags.base_url) == ("k", "https://staging.example.com/")


def test_suprsend_profile_names_the_fallback_profile(config: dict[str, str]) -> None:
    settings = profiles.resolve(parsed(), {**config, profiles.ENV_PROFILE: "staging"})

    assert settings.uses_api_key and settings.workspace_uid == "staging_uid"


def test_a_missing_profile_or_credentials_are_configuration_errors(
    config: dict[str, str], tmp_path: Path
) -> None:
    with pytest.raises(SuprsendConfigError, match="no profile 'prod'.*profiles: default, staging"):
        profiles.resolve(parsed("--profile", "prod"), config)
    with pytest.raises(SuprsendConfigError, match="no credentials"):
        profiles.resolve(parsed(), {profiles.ENV_CONFIG: str(tmp_path / "absent.ini")})
    with pytest.raises(
        SuprsendConfigError,
        match=r"^Missing workspace_secret: pass --workspace-secret too "
        r"\(credentials from command-line flags\)$",
    ):
        profiles.resolve(parsed("--workspace-key", "k"), config).client()


BOTH_SETS = {
    "SUPRSEND_WORKSPACE_KEY": "env_key",
    "SUPRSEND_WORKSPACE_SECRET": "env_secret",
    "SUPRSEND_API_KEY": "env_api_key",
    "SUPRSEND_WORKSPACE_UID": "env_uid",
}


def test_the_key_and_secret_win_over_an_api_key_as_for_the_client(tmp_path: Path) -> None:
    """The sandbox prints both sets; the command line signs with the key and secret, as ``Suprsend()``."""
    environ = {**BOTH_SETS, profiles.ENV_CONFIG: str(tmp_path / "absent.ini")}

    settings = profiles.resolve(parsed(), environ)
    client = settings.client()

    assert not settings.uses_api_key
    assert (client.auth_method, client.workspace_key) == ("ws_key_secret", "env_key")
    client.close()


def test_an_api_key_alone_uses_its_workspace_uid(tmp_path: Path) -> None:
    environ = {
        "SUPRSEND_API_KEY": "env_api_key",
        "SUPRSEND_WORKSPACE_UID": "env_uid",
        profiles.ENV_CONFIG: str(tmp_path / "absent.ini"),
    }

    client = profiles.resolve(parsed(), environ).client()

    assert (client.auth_method, client.workspace_uid) == ("api_key", "env_uid")
    client.close()


@pytest.mark.parametrize(
    ("given", "message"),
    [
        (
            {"SUPRSEND_API_KEY": "k"},
            "Missing workspace_uid: set SUPRSEND_WORKSPACE_UID "
            "(credentials from SUPRSEND_* environment variables)",
        ),
        (
            {"SUPRSEND_WORKSPACE_KEY": "k", "SUPRSEND_API_KEY": "k", "SUPRSEND_WORKSPACE_UID": "u"},
            "Missing workspace_secret: set SUPRSEND_WORKSPACE_SECRET "
            "(credentials from SUPRSEND_* environment variables)",
        ),
    ],
)
def test_a_missing_credential_names_the_variable_that_gives_it(
    given: dict[str, str], message: str, tmp_path: Path
) -> None:
    settings = profiles.resolve(parsed(), {**given, profiles.ENV_CONFIG: str(tmp_path / "absent.ini")})

    with pytest.raises(SuprsendConfigError) as raised:
        settings.client()

    assert raised.value.message == message


def test_a_profile_missing_a_credential_names_the_profile(tmp_path: Path) -> None:
    path = tmp_path / "config.ini"
    path.write_text("[bearer]\napi_key = k\n", encoding="utf-8")

    settings = profiles.resolve(parsed("--profile", "bearer"), {profiles.ENV_CONFIG: str(path)})

    with pytest.raises(SuprsendConfigError) as raised:
        settings.client()
    assert (
        raised.value.message == f"Missing workspace_uid: add workspace_uid to the profile 'bearer' of {path}"
    )


def test_unknown_keys_in_a_profile_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.ini"
    path.write_text("[default]\nworkspace_key = k\nworkspace_secert = typo\n", encoding="utf-8")

    with pytest.raises(SuprsendConfigError, match="unknown keys \\['workspace_secert'\\]"):
        profiles.resolve(parsed(), {profiles.ENV_CONFIG: str(path)})


def test_the_config_file_defaults_to_the_xdg_config_home(tmp_path: Path) -> None:
    path = profiles.config_path({profiles.ENV_XDG_CONFIG_HOME: str(tmp_path)})

    assert path == tmp_path / "suprsend-typed" / "config.ini"


def test_profile_list_and_show_never_print_secrets(cli: Cli, config: dict[str, str]) -> None:
    listing = cli.run("profile", "list", **config)
    shown = cli.run("profile", "show", "--profile", "staging", **config)

    assert listing.returncode == shown.returncode == exit_codes.OK
    assert listing.stdout.splitlines()[0].split("\t")[:2] == ["default", "workspace key/secret"]
    settings = json.loads(shown.stdout)
    assert settings["api_key"] == "********" and settings["workspace_uid"] == "staging_uid"
    for secret in ("default_secret", "staging_api_key"):
        assert secret not in listing.stdout + shown.stdout


def test_a_send_uses_a_named_profile(cli: Cli, tmp_path: Path) -> None:
    hub = cli.hub.credentials
    path = tmp_path / "workspaces.ini"
    path.write_text(
        f"[sandbox]\nworkspace_key = {hub.workspace_key}\nworkspace_secret = {hub.workspace_secret}\n"
        f"base_url = {cli.hub.url}\n",
        encoding="utf-8",
    )
    (tmp_path / "events.jsonl").write_text('{"distinct_id": "u1", "event": "signed_up"}\n', encoding="utf-8")
    env = {"SUPRSEND_WORKSPACE_KEY": "", "SUPRSEND_WORKSPACE_SECRET": "", "SUPRSEND_BASE_URL": ""}

    done = cli.run("send", "events", "events.jsonl", "--profile", "sandbox", SUPRSEND_CONFIG=str(path), **env)

    assert done.returncode == exit_codes.OK, done.stderr
    assert cli.hub.counts()["accepted"] == 1
