"""Logging: silent by default, opt-in to stderr, no process-wide side effects, and never a secret."""

from __future__ import annotations

import http.client
import logging

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suprsend_typed._errors import APITimeoutError, SuprsendConfigError
from suprsend_typed._field_redaction import MAX_REMEMBERED_KEYS, FieldRedactor
from suprsend_typed._http import Headers, Request
from suprsend_typed._logging import (
    DEBUG_BODY_PREVIEW_CHARS,
    LOGGER_NAME,
    REDACTED,
    LoggingMiddleware,
    configure_logging,
    level_from_env,
    logger,
    redact,
    redact_header,
    register_secret,
)
from tests.support.budget import examples

from .fakes import ScriptedTransport, StepClock, response

SECRET = "wsSecret-9f8e7d6c5b4a"
API_KEY = "SS.API.key-0123456789abcdef"


@pytest.fixture(autouse=True)
def registered_secrets() -> None:
    register_secret(SECRET)
    register_secret(API_KEY)


def signed_request(content: bytes = b'{"workflow": "welcome"}') -> Request:
    return Request(
        method="POST",
        url="https://hub.example.test/v1/workflow_run/",
        headers=Headers(
            {"Authorization": "WKEY:c2lnbmF0dXJlLW9mLXRoZS1ib2R5", "Cookie": "session=abc", "Date": "x"}
        ),
        content=content,
    )


def test_logger_is_silent_by_default() -> None:
    assert logger.name == LOGGER_NAME
    assert any(isinstance(h, logging.NullHandler) for h in logger.handlers)
    assert not any(isinstance(h, logging.StreamHandler) for h in logger.handlers)


def test_configure_does_nothing_without_a_request_for_output() -> None:
    before = (list(logger.handlers), logger.level)
    configure_logging(environ={})
    assert (list(logger.handlers), logger.level) == before


@pytest.mark.parametrize(
    ("environ", "debug", "level"),
    [
        ({"SUPRSEND_LOG": "debug"}, False, logging.DEBUG),
        ({"SUPRSEND_LOG": " INFO "}, False, logging.INFO),
        ({}, True, logging.DEBUG),
        ({"SUPRSEND_LOG": "info"}, True, logging.DEBUG),
    ],
)
def test_opt_in_attaches_one_stderr_handler_and_touches_no_other_logger(
    environ: dict[str, str], debug: bool, level: int
) -> None:
    others = [logging.getLogger(), logging.getLogger("urllib3"), logging.getLogger("http.client")]
    before = [(list(o.handlers), o.level, list(o.filters)) for o in others]
    debuglevel = http.client.HTTPConnection.debuglevel
    configure_logging(debug=debug, environ=environ)
    configure_logging(debug=debug, environ=environ)
    streams = [h for h in logger.handlers if isinstance(h, logging.StreamHandler)]
    assert len(streams) == 1
    assert logger.level == level
    assert logger.propagate
    assert [(list(o.handlers), o.level, list(o.filters)) for o in others] == before
    assert http.client.HTTPConnection.debuglevel == debuglevel


def test_env_var_is_read_from_the_process_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SUPRSEND_LOG", "debug")
    configure_logging()
    assert logger.level == logging.DEBUG


@pytest.mark.parametrize("value", ["verbose", "1", "trace"])
def test_unknown_log_level_is_a_config_error(value: str) -> None:
    with pytest.raises(SuprsendConfigError, match="SUPRSEND_LOG"):
        level_from_env({"SUPRSEND_LOG": value})


@pytest.mark.parametrize("value", ["", "off", "OFF"])
def test_off_means_no_output(value: str) -> None:
    assert level_from_env({"SUPRSEND_LOG": value}) is None


# --- redaction ------------------------------------------------------------------------------------------


def test_redact_masks_every_occurrence_of_every_secret() -> None:
    text = f"a {SECRET} b {API_KEY}{SECRET} c"
    assert redact(text, [SECRET, API_KEY, ""]) == f"a {REDACTED} b {REDACTED} c"


def test_redact_merges_overlapping_secrets_so_no_part_of_either_shows() -> None:
    assert redact("xxABCDEyy", ["ABCD", "CDE"]) == f"xx{REDACTED}yy"


def test_redact_without_secrets_returns_the_text() -> None:
    assert redact("plain", []) == "plain"


_secret_text = st.text(st.characters(blacklist_characters="*", blacklist_categories=("Cs",)), min_size=1)


@given(prefix=st.text(), secret=_secret_text, other=_secret_text, suffix=st.text())
@settings(max_examples=examples(60))
def test_redacted_text_never_contains_a_secret(prefix: str, secret: str, other: str, suffix: str) -> None:
    text = prefix + secret + other + secret + suffix
    masked = redact(text, [secret, other])
    assert secret not in masked
    assert other not in masked


@pytest.mark.parametrize(
    ("name", "value", "shown"),
    [
        ("Authorization", f"Bearer {API_KEY}", "Bearer ***"),
        ("authorization", "WKEY:c2lnbmF0dXJl", "WKEY:***"),
        ("Authorization", "opaque-token", "***"),
        ("Proxy-Authorization", "Basic dXNlcjpwYXNz", "***"),
        ("Cookie", "session=abc", "***"),
        ("Set-Cookie", "session=abc; HttpOnly", "***"),
        ("Content-Type", "application/json; charset=utf-8", "application/json; charset=utf-8"),
    ],
)
def test_header_redaction_keeps_only_the_non_secret_part(name: str, value: str, shown: str) -> None:
    assert redact_header(name, value) == shown


def test_filter_masks_secrets_in_messages_args_and_tracebacks(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    logger.warning(f"formatted into the template: {SECRET}")
    logger.debug("passed as an argument: %r", {"key": API_KEY})
    try:
        raise ValueError(f"an exception that quotes {SECRET}")
    except ValueError:
        logger.exception("failed")
    assert SECRET not in caplog.text and API_KEY not in caplog.text
    assert caplog.text.count(REDACTED) >= 3
    assert all(SECRET not in r.getMessage() for r in caplog.records)


def test_filter_survives_a_broken_format_string(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    logger.info("two placeholders %s %s", SECRET)
    assert SECRET not in caplog.text


# --- LoggingMiddleware ----------------------------------------------------------------------------------


def test_one_debug_line_per_attempt_with_redacted_headers_and_bodies(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    transport = ScriptedTransport([response(202, content=b'{"message": "OK"}')])
    middleware = LoggingMiddleware(timer=StepClock(100.0, step=0.25))
    result = middleware(signed_request(b'{"workflow": "welcome", "password": "hunter2"}'), transport)
    assert result.status_code == 202
    [line] = [record.getMessage() for record in caplog.records]
    assert "\n" not in line and all(record.levelno == logging.DEBUG for record in caplog.records)
    assert line.startswith("POST https://hub.example.test/v1/workflow_run/ -> 202 in 0.250s; headers=")
    assert "'Authorization': 'WKEY:***'" in line and "'Cookie': '***'" in line
    assert "c2lnbmF0dXJlLW9mLXRoZS1ib2R5" not in line and "session=abc" not in line
    assert 'body={"workflow": "welcome", "password": "***"}' in line
    assert "hunter2" not in line
    assert line.endswith('response={"message": "OK"}')


def test_nothing_is_logged_per_request_at_info(caplog: pytest.LogCaptureFixture) -> None:
    """An app that logs at INFO (``logging.basicConfig(level=INFO)``) sees no line per request."""
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    transport = ScriptedTransport([response(202)])
    LoggingMiddleware()(signed_request(), transport)
    assert caplog.records == []


def test_debug_bodies_are_cut_to_the_preview_length(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    big = b'{"data": "' + b"x" * (DEBUG_BODY_PREVIEW_CHARS * 2) + b'"}'
    transport = ScriptedTransport([response(500, content=b'{"message": "boom"}')])
    LoggingMiddleware()(signed_request(big), transport)
    [line] = [r.getMessage() for r in caplog.records]
    assert "more chars)" in line
    assert len(line) < DEBUG_BODY_PREVIEW_CHARS + 400
    assert line.endswith('response={"message": "boom"}')


def test_transport_failure_is_logged_and_raised_again(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    error = APITimeoutError("read timed out")
    with pytest.raises(APITimeoutError) as raised:
        LoggingMiddleware(timer=StepClock(0.0, step=1.5))(signed_request(), ScriptedTransport([error]))
    assert raised.value is error
    [line] = [r.getMessage() for r in caplog.records]
    assert "failed after 1.500s: read timed out; headers=" in line


def test_nothing_is_formatted_when_logging_is_off(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    transport = ScriptedTransport([response(200)])
    LoggingMiddleware()(signed_request(), transport)
    assert caplog.records == []
    assert len(transport.sent) == 1


def test_short_registered_values_do_not_blank_out_ordinary_text(caplog: pytest.LogCaptureFixture) -> None:
    """A client built with a one-letter secret (as in some tests) must not mask every "s" in every log."""
    register_secret("s")
    register_secret("secret")
    caplog.set_level(logging.INFO, logger=LOGGER_NAME)
    # Not "workspace_secret": README-style clients elsewhere in the run register that very value.
    logger.info("missing secret: %s", "/tmp/sessions/status.json")
    assert "missing secret: /tmp/sessions/status.json" in caplog.text


# --- bounds and filters that must hold over a long run ----------------------------------------------------


def test_the_stderr_handler_masks_records_of_child_loggers(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """A child logger's record reaches our handler without passing our logger's filter: the handler's own
    copy of the secret filter is all that stands between it and stderr."""
    # Not propagated to the root logger, where pytest's capture handler would make ours stand aside.
    monkeypatch.setattr(logger, "propagate", False)
    configure_logging(debug=True, environ={})  # the handler writes to sys.stderr as capsys set it
    child = logging.getLogger(f"{LOGGER_NAME}.child")
    child.warning("sent with Authorization WKEY:%s and secret %s", "c2lnbmF0dXJl", SECRET)
    written = capsys.readouterr().err
    assert "sent with Authorization" in written
    assert SECRET not in written
    assert REDACTED in written


def test_the_field_redactor_remembers_a_bounded_number_of_keys() -> None:
    redactor = FieldRedactor()
    body = {f"user-{n}": {"token": "t", "name": "n"} for n in range(MAX_REMEMBERED_KEYS * 3)}
    redacted = redactor.redact_value(body)
    assert redacted["user-0"] == {"token": REDACTED, "name": "n"}
    assert len(redactor._verdicts) <= MAX_REMEMBERED_KEYS
