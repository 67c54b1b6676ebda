"""Retries with exponential backoff, so throttling and flaky networks do not lose notifications.

A retry is only safe when repeating the request cannot apply it twice. Each operation's retry policy in the
spec (``x-suprsend-retry``) says which: ``safe`` operations (reads, upserts, deletes) are retried as they are;
``dedupe-key`` operations only when the body carries a key fixed once per logical call (``$idempotency_key``
or ``$insert_id``); ``never`` operations are not. A request that may not be repeated has
``CallOptions.retryable=False`` and is never retried here.

When to retry (the Stainless rules):

- an ``x-should-retry: true|false`` response header wins;
- otherwise the statuses 408, 409, 429 and every 5xx;
- ``APIConnectionError`` and ``APITimeoutError`` raised by the transport, except ``ResponseTooLargeError``:
  a hub that answered past the size cap would do so again.

How long to wait before retry ``n`` (0 for the first retry):

- the server's ``retry-after-ms`` (milliseconds), else ``Retry-After`` (seconds or an HTTP-date), used as-is
  when ``0 < value <= 60`` seconds;
- otherwise ``min(0.5 * 2**n, 8.0) * (1 - 0.25 * random())``: 0.375-0.5 s, then 0.75-1 s, ... up to 8 s.

Every attempt carries ``X-Suprsend-Retry-Count: <n>`` (0 on the first). The layers inside this one (headers,
auth, logging, transport) run again per attempt, so each attempt is signed afresh with a new ``Date``.
When retries run out the last response is returned (its error status is the caller's to report) or the
last connection error is raised again. If any attempt may have been processed without its answer reaching
us (a dropped connection, a read timeout), a final error is marked so (``Response.outcome_unknown``,
``APIConnectionError.outcome_unknown``): the hub may have the request although the last answer is an error.
A request whose ``CallOptions.cancel`` is set gets no further attempt (an interrupted bulk send sets it).
"""

from __future__ import annotations

import math
import random as _random
import time
from collections.abc import Callable
from datetime import timezone
from email.utils import parsedate_to_datetime

import attrs

from ._errors import APIConnectionError, ResponseTooLargeError, SuprsendConfigError
from ._http import Headers, Request, Response
from ._logging import logger
from ._middleware import Handler

RETRY_COUNT_HEADER = "X-Suprsend-Retry-Count"
# The first attempt's header as one constant dict, merged once per header set (``with_constant_headers``).
_FIRST_ATTEMPT_HEADERS = {RETRY_COUNT_HEADER: "0"}
SHOULD_RETRY_HEADER = "x-should-retry"

DEFAULT_MAX_RETRIES = 2
INITIAL_RETRY_DELAY = 0.5  # seconds before the first retry, before jitter
MAX_RETRY_DELAY = 8.0  # cap of the exponential backoff, in seconds
BACKOFF_GROWTH = 2.0  # each retry waits this many times longer than the one before
MAX_JITTER_FRACTION = 0.25  # a delay is shortened by up to this fraction, so clients spread out
MAX_RETRY_AFTER = 60.0  # server-requested waits longer than this (seconds) fall back to backoff
MAX_BACKOFF_EXPONENT = 1000  # keeps 2**n finite for absurd retry counts

_MILLISECONDS = 1000.0
_REQUEST_TIMEOUT = 408
_CONFLICT = 409
_TOO_MANY_REQUESTS = 429
_FIRST_SERVER_ERROR = 500
RETRYABLE_STATUSES = frozenset({_REQUEST_TIMEOUT, _CONFLICT, _TOO_MANY_REQUESTS})


def should_retry_response(response: Response) -> bool:
    """Whether an error answer is worth another attempt: the server's ``x-should-retry``, else its status."""
    if response.is_success:
        return False
    verdict = response.headers.get(SHOULD_RETRY_HEADER, "").strip().lower()
    if verdict == "true":
        return True
    if verdict == "false":
        return False
    return response.status_code in RETRYABLE_STATUSES or response.status_code >= _FIRST_SERVER_ERROR


def retry_after_seconds(headers: Headers, *, now: float) -> float | None:
    """The wait the server asked for, in seconds, or ``None`` when it asked for none we can read.

    ``now`` (seconds since the epoch) turns an HTTP-date into a wait.
    """
    millis = _parse_float(headers.get("retry-after-ms"))
    if millis is not None:
        return millis / _MILLISECONDS
    raw = headers.get("retry-after")
    if raw is None:
        return None
    seconds = _parse_float(raw)
    if seconds is not None:
        return seconds
    try:
        when = parsedate_to_datetime(raw.strip())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # a "-0000" zone: RFC 5322 reads it as UTC with no local offset known
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp() - now


def backoff_delay(retry_index: int, jitter: float) -> float:
    """``min(0.5 * 2**n, 8.0) * (1 - 0.25 * jitter)`` for ``jitter`` in [0, 1): the Stainless backoff."""
    exponent = min(retry_index, MAX_BACKOFF_EXPONENT)
    base = min(INITIAL_RETRY_DELAY * BACKOFF_GROWTH**exponent, MAX_RETRY_DELAY)
    return max(base * (1.0 - MAX_JITTER_FRACTION * jitter), 0.0)


def retry_delay(retry_index: int, headers: Headers | None, *, now: float, jitter: float) -> float:
    """Seconds to wait before retry ``retry_index``: the server's wait when sensible, else backoff."""
    if headers is not None:
        requested = retry_after_seconds(headers, now=now)
        if requested is not None and 0.0 < requested <= MAX_RETRY_AFTER:
            return requested
    return backoff_delay(retry_index, jitter)


def _parse_float(raw: str | None) -> float | None:
    if raw is None:
        return None
    try:
        value = float(raw.strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _log_giving_up(request: Request, retries: int, reason: str) -> None:
    """WARNING once the retries allowed are spent, so an app logging at WARNING sees a retry storm end."""
    if retries:
        logger.warning(
            "giving up on %s %s after %d attempts: %s", request.method, request.url, retries + 1, reason
        )


def _final(outcome: Response | APIConnectionError, unanswered: bool) -> Response:
    """The last outcome, returned or raised, marked unknown when some attempt may have been processed
    without an answer (so that an error answer after it does not read as a certain failure)."""
    if isinstance(outcome, APIConnectionError):
        outcome.outcome_unknown = unanswered
        raise outcome
    if unanswered and not outcome.is_success:
        return attrs.evolve(outcome, outcome_unknown=True)
    return outcome


def check_max_retries(value: int, *, source: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise SuprsendConfigError(f"{source} must be an integer >= 0, got {value!r}")
    return value


@attrs.define(slots=True)
class RetryRun:
    """The retry decisions for one request: which attempt to send, whether an outcome ends the run and how
    long to wait before the next attempt. Pure (no I/O, no sleeping), so the sync and the async retry
    layers make the same decisions and differ only in how they call the chain and wait."""

    request: Request
    allowed: int
    retry_index: int = 0
    # Whether some attempt may have been processed without its answer reaching us.
    unanswered: bool = False

    def attempt(self) -> Request:
        """The request of the current attempt: it carries ``X-Suprsend-Retry-Count``."""
        if self.retry_index == 0:
            return self.request.with_constant_headers(_FIRST_ATTEMPT_HEADERS)
        return self.request.with_headers({RETRY_COUNT_HEADER: str(self.retry_index)})

    def next_delay(
        self,
        outcome: Response | APIConnectionError,
        *,
        clock: Callable[[], float],
        random: Callable[[], float],
    ) -> float | None:
        """Seconds to wait before the next attempt, or ``None`` when ``outcome`` ends the run."""
        if isinstance(outcome, APIConnectionError):
            self.unanswered = self.unanswered or outcome.outcome_unknown
            reason, last_headers = f"{type(outcome).__name__}: {outcome.message}", None
        else:
            if not should_retry_response(outcome):
                return None
            reason, last_headers = f"status {outcome.status_code}", outcome.headers
        # An answer past the size cap would be just as large again: not fetched a second time.
        too_large = isinstance(outcome, ResponseTooLargeError)
        if self.retry_index >= self.allowed or too_large:
            _log_giving_up(self.request, self.retry_index, reason)
            return None
        if self.cancelled():
            return None
        delay = retry_delay(self.retry_index, last_headers, now=clock(), jitter=random())
        logger.info(
            "retrying %s %s: attempt %d of %d in %.3fs after %s",
            self.request.method,
            self.request.url,
            self.retry_index + 2,
            self.allowed + 1,
            delay,
            reason,
        )
        return delay

    def cancelled(self) -> bool:
        """Whether the request's ``CallOptions.cancel`` is set: no further attempt is made then."""
        cancel = self.request.options.cancel
        return cancel is not None and cancel.is_set()

    def advance(self) -> None:
        self.retry_index += 1

    def final(self, outcome: Response | APIConnectionError) -> Response:
        """``outcome`` returned, or raised when it is a connection error (see ``_final``)."""
        return _final(outcome, self.unanswered)


def allowed_retries(request: Request, default: int) -> int:
    """How many retries ``request`` may have: none when not retryable, else its own or ``default``."""
    options = request.options
    if not options.retryable:
        return 0
    if options.max_retries is None:
        return default
    return check_max_retries(options.max_retries, source="CallOptions.max_retries")


class RetryMiddleware:
    """Middleware that runs the rest of the chain up to ``1 + max_retries`` times for one request.

    ``sleep``, ``random`` and ``clock`` (seconds since the epoch, for HTTP-date ``Retry-After``) are
    injectable so tests run instantly and deterministically.
    """

    __slots__ = ("_max_retries", "_sleep", "_random", "_clock")

    def __init__(
        self,
        *,
        max_retries: int = DEFAULT_MAX_RETRIES,
        sleep: Callable[[float], None] = time.sleep,
        random: Callable[[], float] = _random.random,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._max_retries = check_max_retries(max_retries, source="max_retries")
        self._sleep = sleep
        self._random = random
        self._clock = clock

    @property
    def max_retries(self) -> int:
        return self._max_retries

    def __repr__(self) -> str:
        return f"RetryMiddleware(max_retries={self._max_retries})"

    def __call__(self, request: Request, call_next: Handler) -> Response:
        run = RetryRun(request=request, allowed=allowed_retries(request, self._max_retries))
        while True:
            outcome: Response | APIConnectionError
            try:
                outcome = call_next(run.attempt())
            except APIConnectionError as exc:
                outcome = exc
            else:
                if outcome.is_success:  # never retried and returned as it is (next_delay, then final)
                    return outcome
            delay = run.next_delay(outcome, clock=self._clock, random=self._random)
            if delay is None:
                return run.final(outcome)
            self._sleep(delay)
            if run.cancelled():  # cancelled while waiting: the last outcome stands
                return run.final(outcome)
            run.advance()
