"""What an application sees in its logs: per-request lines at DEBUG, retries at INFO, giving up at WARNING,
body fields redacted by name, and never the same line twice whatever SUPRSEND_LOG and the app's logging say.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from suprsend_typed import Event, Suprsend, SuprsendConfigError
from suprsend_typed._errors import APIConnectionError
from suprsend_typed._field_redaction import DEFAULT_REDACT_FIELDS, FieldRedactor, key_words
from suprsend_typed._logging import LOGGER_NAME

from .fakes import ScriptedTransport, response

REPO = Path(__file__).resolve().parents[2]

# One event answered 503 then 202 (one retry), one answered 503 three times (two retries, then giving up):
# five attempts (DEBUG), three retries (INFO), one give-up (WARNING).
_APP_SCRIPT = """
import logging, sys
if sys.argv[1] != "none":
    logging.basicConfig(level=getattr(logging, sys.argv[1]), format="APP %(levelname)s %(message)s")
from suprsend_typed import Event, Suprsend
from tests.reliability.fakes import ScriptedTransport, response
outcomes = [response(503), response(202), response(503), response(503), response(503)]
client = Suprsend(
    "workspace_key", "workspace_secret", transport=ScriptedTransport(outcomes), sleep=lambda seconds: None
)
client.track_event(Event("u1", "signed_up", {"password": "hunter2", "card": "4111111111111111"}))
client.track_event(Event("u2", "signed_up"))
"""
_EXPECTED = {logging.DEBUG: 5, logging.INFO: 3, logging.WARNING: 1}
_MARKERS = {
    logging.DEBUG: "/v2/event/ -> ",
    logging.INFO: "retrying POST",
    logging.WARNING: "giving up on POST",
}
_LEVELS = {"debug": logging.DEBUG, "info": logging.INFO, "warning": logging.WARNING}


@pytest.mark.parametrize("app_level", ["none", "DEBUG", "INFO", "WARNING"])
@pytest.mark.parametrize("sdk_level", ["", "info", "debug"])
def test_each_line_is_written_once_at_its_level(sdk_level: str, app_level: str) -> None:
    env = {**os.environ, "SUPRSEND_LOG": sdk_level}
    done = subprocess.run(
        [sys.executable, "-c", _APP_SCRIPT, app_level],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    lines = [line for line in done.stderr.splitlines() if LOGGER_NAME in line or line.startswith("APP")]
    if sdk_level:
        shown_from: int | None = _LEVELS[sdk_level]
    else:
        shown_from = None if app_level == "none" else getattr(logging, app_level)
    for level, count in _EXPECTED.items():
        printed = [line for line in lines if _MARKERS[level] in line]
        assert len(printed) == (count if shown_from is not None and level >= shown_from else 0), done.stderr
    # Exact counts per kind above; and nothing else from the SDK (a doubled line would count twice there).
    assert all(any(marker in line for marker in _MARKERS.values()) for line in lines), done.stderr
    assert "hunter2" not in done.stderr and "4111111111111111" not in done.stderr


def test_a_retry_says_attempt_wait_and_cause(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    error = APIConnectionError("connection refused")
    transport = ScriptedTransport([error, response(503), response(202)])
    with Suprsend("workspace_key", "workspace_secret", transport=transport, sleep=lambda s: None) as client:
        assert client.track_event(Event("u1", "signed_up"))["success"]
    retries = [r for r in caplog.records if r.levelno == logging.INFO]
    assert [r.getMessage().split(" in ")[0] for r in retries] == [
        "retrying POST https://hub.suprsend.com/v2/event/: attempt 2 of 3",
        "retrying POST https://hub.suprsend.com/v2/event/: attempt 3 of 3",
    ]
    assert retries[0].getMessage().endswith("s after APIConnectionError: connection refused")
    assert retries[1].getMessage().endswith("s after status 503")
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]


def test_running_out_of_retries_is_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger=LOGGER_NAME)
    transport = ScriptedTransport([response(429)] * 2)
    client = Suprsend(
        "workspace_key", "workspace_secret", transport=transport, sleep=lambda s: None, max_retries=1
    )
    assert not client.track_event(Event("u1", "signed_up"))["success"]
    [warning] = caplog.records
    assert warning.levelno == logging.WARNING
    assert (
        warning.getMessage()
        == "giving up on POST https://hub.suprsend.com/v2/event/ after 2 attempts: status 429"
    )


# --- field redaction -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("pushToken", ("push", "token")),
        ("access_token", ("access", "token")),
        ("X-API-Key", ("x", "api", "key")),
    ],
)
def test_keys_split_into_words(key: str, words: tuple[str, ...]) -> None:
    assert key_words(key) == words


@pytest.mark.parametrize(
    ("key", "masked"),
    [
        ("password", True),
        ("new_password", True),
        ("access_token", True),
        ("pushToken", True),
        ("otp", True),
        ("card_number", True),
        ("cardNumber", True),
        ("client_secret", True),
        ("discard", False),
        ("footprint", False),
        ("tokens_left", False),
        ("workflow", False),
    ],
)
def test_default_fields_match_by_word(key: str, masked: bool) -> None:
    assert FieldRedactor().matches(key) is masked


def test_nested_fields_and_lists_are_masked_and_other_text_kept() -> None:
    redactor = FieldRedactor([*DEFAULT_REDACT_FIELDS, "api_key"])
    text = (
        '{"users": [{"$androidpush": [{"token": "t1", "provider": "fcm"}], "x-api-key": "k"}],'
        ' "data": {"otp": 123456, "name": "Ann"}}'
    )
    assert redactor.redact_text(text) == (
        '{"users": [{"$androidpush": [{"token": "***", "provider": "fcm"}], "x-api-key": "***"}],'
        ' "data": {"otp": "***", "name": "Ann"}}'
    )


def test_a_body_that_is_not_json_is_not_shown() -> None:
    assert FieldRedactor().redact_text("password=hunter2") == "<16 characters, not JSON: not shown>"


def test_client_redact_fields_add_to_the_defaults(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    transport = ScriptedTransport([response(202)])
    client = Suprsend("workspace_key", "workspace_secret", transport=transport, redact_fields=["ssn"])
    client.track_event(Event("u1", "signed_up", {"ssn": "078-05-1120", "password": "hunter2", "plan": "pro"}))
    [line] = [r.getMessage() for r in caplog.records]
    assert '"ssn": "***"' in line and '"password": "***"' in line and '"plan": "pro"' in line


@pytest.mark.parametrize("names", ["ssn", [""], [42]])
def test_bad_redact_fields_are_config_errors(names: object) -> None:
    with pytest.raises(SuprsendConfigError, match="redact_fields"):
        Suprsend("workspace_key", "workspace_secret", redact_fields=names)  # type: ignore[arg-type]
