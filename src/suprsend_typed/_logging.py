"""Logging on the stdlib logger ``suprsend_typed``: quiet, never duplicated, and never able to print a secret.

Levels: one DEBUG line per HTTP attempt (method, URL, status, time, redacted headers and bodies); INFO for a
retry (attempt, wait and cause); WARNING when retries run out. An application logging at INFO therefore
sees only retries, and one logging at WARNING sees retry storms that failed.

Nothing here touches another logger (root, ``urllib3``, ``http.client``), so importing or configuring the
SDK has no process-wide side effects. ``SUPRSEND_LOG=debug`` (or ``info``...) in the environment, or
``Suprsend(..., debug=True)``, sets our logger's level and attaches one stderr handler to it; that handler
stays silent for a record that a handler of the application (on our logger or an ancestor) emits anyway, so
no line is ever written twice.

Every module logs through ``logger`` itself (not a child logger) because a filter on a logger only sees
records logged on that logger: the ``SecretFilter`` installed on it masks every registered credential
(workspace secret, API key, Authorization value) in each record before any handler, including an
application's own, can format it. Body fields are masked by name (``_field_redaction``).
"""

from __future__ import annotations

import logging
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping

from ._errors import APIConnectionError, SuprsendConfigError
from ._field_redaction import FieldRedactor

# The masking rule lives in _http (request reprs use it too); REDACTED, redact and redact_header are
# re-exported here for log-facing code.
from ._http import REDACTED as REDACTED
from ._http import Headers, Request, Response, registered_credentials
from ._http import redact as redact
from ._http import redact_header as redact_header
from ._middleware import Handler

LOGGER_NAME = "suprsend_typed"
LOG_ENV_VAR = "SUPRSEND_LOG"
DEBUG_BODY_PREVIEW_CHARS = 2000  # longer bodies are cut in debug output so logs stay readable
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_LEVELS_BY_NAME: Mapping[str, int | None] = {
    "debug": logging.DEBUG,
    "info": logging.INFO,
    "warning": logging.WARNING,
    "error": logging.ERROR,
    "off": None,
    "": None,
}
logger = logging.getLogger(LOGGER_NAME)


def redact_headers(headers: Headers) -> dict[str, str]:
    return {name: redact_header(name, value) for name, value in headers.items_list()}


class SecretFilter(logging.Filter):
    """Masks registered credentials in a record's message, exception text and stack before handlers see it.

    What counts as a credential is ``_http.registered_credentials``, the registry that results and error
    messages are masked with too.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        mask = registered_credentials.mask
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # a broken %-format: mask the template and the args as text
            message = f"{record.msg} {record.args}"
        record.msg, record.args = mask(message), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask(record.exc_text)
        if record.stack_info:
            record.stack_info = mask(record.stack_info)
        return True


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Our opt-in handler; its own class lets ``configure_logging`` find it and never add a second one."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Emit only records no other handler emits, so ``SUPRSEND_LOG`` plus app logging never doubles."""
        return not _handled_elsewhere(self, record) and super().filter(record)


def _handled_elsewhere(ours: logging.Handler, record: logging.LogRecord) -> bool:
    """Whether a handler other than ``ours`` on our logger or an ancestor it propagates to takes ``record``.

    The same walk as ``Logger.callHandlers``: handler levels count, ancestor logger levels do not.
    """
    current: logging.Logger | None = logger
    while current is not None:
        for handler in current.handlers:
            if handler is ours or isinstance(handler, logging.NullHandler):
                continue
            if record.levelno >= handler.level:
                return True
        if not current.propagate:
            return False
        current = current.parent
    return False


_secret_filter = SecretFilter()
_configure_lock = threading.Lock()


def _install_defaults() -> None:
    if not any(isinstance(h, logging.NullHandler) for h in logger.handlers):
        logger.addHandler(logging.NullHandler())
    if _secret_filter not in logger.filters:
        logger.addFilter(_secret_filter)


_install_defaults()


def register_secret(secret: str) -> None:
    """Mask ``secret`` in every record of our logger (and everything else the SDK shows) from now on.

    Values shorter than ``_http.MIN_MASKED_SECRET_CHARS`` are ignored (see there).
    """
    registered_credentials.add_secret(secret)


def level_from_env(environ: Mapping[str, str]) -> int | None:
    """The level ``SUPRSEND_LOG`` asks for, or ``None`` when unset or ``off``."""
    raw = environ.get(LOG_ENV_VAR, "")
    key = raw.strip().lower()
    if key not in _LEVELS_BY_NAME:
        choices = ", ".join(sorted(name for name in _LEVELS_BY_NAME if name))
        raise SuprsendConfigError(f"{LOG_ENV_VAR}={raw!r} is not one of: {choices}")
    return _LEVELS_BY_NAME[key]


def configure_logging(*, debug: bool = False, environ: Mapping[str, str] | None = None) -> None:
    """Turn on stderr output of our logger when ``debug`` or ``SUPRSEND_LOG`` asks; otherwise do nothing.

    Safe to call once per client: the handler is attached at most once, and no other logger is touched.
    """
    env_level = level_from_env(os.environ if environ is None else environ)
    levels = [level for level in (env_level, logging.DEBUG if debug else None) if level is not None]
    if not levels:
        return
    with _configure_lock:
        logger.setLevel(min(levels))
        if not any(isinstance(h, _StderrHandler) for h in logger.handlers):
            handler = _StderrHandler(sys.stderr)
            handler.setFormatter(logging.Formatter(LOG_FORMAT))
            handler.addFilter(_secret_filter)  # also masks records of any child logger reaching it
            logger.addHandler(handler)


def _body_preview(content: bytes, redactor: FieldRedactor) -> str:
    text = redactor.redact_text(content.decode("utf-8", errors="replace"))
    if len(text) <= DEBUG_BODY_PREVIEW_CHARS:
        return text
    return f"{text[:DEBUG_BODY_PREVIEW_CHARS]}... ({len(text) - DEBUG_BODY_PREVIEW_CHARS} more chars)"


class LoggingMiddleware:
    """Logs each attempt as sent (after signing) in one DEBUG line, with credentials and fields redacted.

    The line holds method, URL, status, elapsed time, the redacted headers and both bodies (fields named
    by ``redactor`` masked, each cut to ``DEBUG_BODY_PREVIEW_CHARS``). When DEBUG is off for our logger the
    request passes straight through: nothing is formatted. ``timer`` is injectable for tests.
    """

    __slots__ = ("_timer", "_redactor")

    def __init__(
        self, *, timer: Callable[[], float] = time.perf_counter, redactor: FieldRedactor | None = None
    ) -> None:
        self._timer = timer
        self._redactor = redactor if redactor is not None else FieldRedactor()

    def __call__(self, request: Request, call_next: Handler) -> Response:
        if not logger.isEnabledFor(logging.DEBUG):
            return call_next(request)
        started = self._timer()
        try:
            response = call_next(request)
        except APIConnectionError as exc:
            self.log_failure(request, exc, started)
            raise
        self.log_answer(request, response, started)
        return response

    @property
    def timer(self) -> Callable[[], float]:
        return self._timer

    def log_failure(self, request: Request, exc: APIConnectionError, started: float) -> None:
        """The DEBUG line of an attempt that got no answer (shared with the async chain)."""
        logger.debug(
            "%s %s failed after %.3fs: %s; headers=%s body=%s",
            request.method,
            request.url,
            self._timer() - started,
            exc.message,
            redact_headers(request.headers),
            _body_preview(request.content, self._redactor) if request.content else "-",
        )

    def log_answer(self, request: Request, response: Response, started: float) -> None:
        """The DEBUG line of an answered attempt (shared with the async chain)."""
        logger.debug(
            "%s %s -> %d in %.3fs; headers=%s body=%s; response=%s",
            request.method,
            request.url,
            response.status_code,
            self._timer() - started,
            redact_headers(request.headers),
            _body_preview(request.content, self._redactor) if request.content else "-",
            _body_preview(response.content, self._redactor) if response.content else "-",
        )
