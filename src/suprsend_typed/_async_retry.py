"""Retries for the async chain: the decisions of ``_retry.RetryRun``, waiting with ``asyncio.sleep``.

Everything but the waiting is shared with the sync ``RetryMiddleware``: which statuses and errors are
retried, ``x-should-retry``, ``Retry-After``/``retry-after-ms``, the backoff, the retry-count header, the
outcome-unknown marking and the log lines. Cancelling the task while it waits ends the run at once.
"""

from __future__ import annotations

import asyncio
import random as _random
import time
from collections.abc import Awaitable, Callable

from ._async_middleware import AsyncHandler
from ._errors import APIConnectionError
from ._http import Request, Response
from ._retry import DEFAULT_MAX_RETRIES, RetryRun, allowed_retries, check_max_retries


class AsyncRetryMiddleware:
    """Runs the rest of the async chain up to ``1 + max_retries`` times for one request.

    ``sleep`` (a coroutine function), ``random`` and ``clock`` are injectable, as in ``RetryMiddleware``.
    """

    __slots__ = ("_max_retries", "_sleep", "_random", "_clock")

    def __init__(
        self,
        *,
        max_retries: int = DEFAULT_MAX_RETRIES,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
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
        return f"AsyncRetryMiddleware(max_retries={self._max_retries})"

    async def __call__(self, request: Request, call_next: AsyncHandler) -> Response:
        run = RetryRun(request=request, allowed=allowed_retries(request, self._max_retries))
        while True:
            outcome: Response | APIConnectionError
            try:
                outcome = await call_next(run.attempt())
            except APIConnectionError as exc:
                outcome = exc
            delay = run.next_delay(outcome, clock=self._clock, random=self._random)
            if delay is None:
                return run.final(outcome)
            await self._sleep(delay)
            if run.cancelled():
                return run.final(outcome)
            run.advance()
