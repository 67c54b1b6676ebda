"""Scripted stand-ins for the transport and the clock, so retry and logging run without I/O or waiting."""

from __future__ import annotations

from collections.abc import Iterable

from suprsend_typed._http import Headers, Request, Response, Timeout

DEFAULT_TIMEOUT = Timeout()


class ScriptedTransport:
    """Answers each send with the next scripted outcome (a ``Response`` or an exception to raise)."""

    def __init__(self, outcomes: Iterable[Response | Exception]) -> None:
        self._outcomes = list(outcomes)
        self.sent: list[Request] = []
        self.timeouts: list[Timeout] = []

    def send(self, request: Request, *, timeout: Timeout = DEFAULT_TIMEOUT) -> Response:
        self.sent.append(request)
        self.timeouts.append(timeout)
        outcome = self._outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def __call__(self, request: Request) -> Response:
        return self.send(request)

    def close(self) -> None:
        self._outcomes.clear()


class SleepRecorder:
    """Records requested sleeps instead of sleeping."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class StepClock:
    """A clock that advances by ``step`` seconds each time it is read."""

    def __init__(self, start: float, step: float = 0.0) -> None:
        self.now = start
        self.step = step

    def __call__(self) -> float:
        value = self.now
        self.now += self.step
        return value


def response(status: int, headers: dict[str, str] | None = None, content: bytes = b"{}") -> Response:
    return Response(status_code=status, headers=Headers(headers or {}), content=content)
