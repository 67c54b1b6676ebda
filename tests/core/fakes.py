"""The shared in-memory transport: any object with ``send``/``close`` can replace the default one.

It answers from a script, or from each request (``answer``), and keeps what it was sent; it is safe to use
from the sender threads of a bulk.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import attrs

from suprsend_typed._http import Headers, Request, Response, Timeout


def reply(
    status: int, body: object = None, *, text: str | None = None, headers: dict[str, str] | None = None
) -> Response:
    """A response with a JSON body (or raw ``text``); no sleep is needed before a retry of it."""
    content = text.encode("utf-8") if text is not None else json.dumps(body).encode("utf-8")
    return Response(
        status_code=status, headers=Headers({"retry-after-ms": "1", **(headers or {})}), content=content
    )


@attrs.define
class FakeTransport:
    """Answers from ``script`` in order (a Response is returned, an exception raised), then with
    ``answer(request)`` when given (an answer that depends on what was sent, not on thread timing), else
    ``default``."""

    script: list[Response | Exception] = attrs.field(factory=list)
    default: Response = attrs.field(factory=lambda: reply(202, {"message_id": "m-1", "status": "success"}))
    answer: Callable[[Request], Response] | None = None
    sent: list[Request] = attrs.field(factory=list)
    timeouts: list[Timeout] = attrs.field(factory=list)
    closed: bool = False
    _lock: threading.Lock = attrs.field(factory=threading.Lock, init=False, repr=False)

    def send(self, request: Request, *, timeout: Timeout) -> Response:
        with self._lock:
            self.sent.append(request)
            self.timeouts.append(timeout)
            outcome = self.script.pop(0) if self.script else None
        if outcome is None:
            outcome = self.answer(request) if self.answer is not None else self.default
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def close(self) -> None:
        self.closed = True

    def body(self, index: int = -1) -> object:
        return json.loads(self.sent[index].content)

    def bodies(self) -> list[object]:
        """The JSON body of each request sent, in order."""
        return [json.loads(request.content) for request in self.sent]


@attrs.define
class AsyncFakeTransport:
    """The async counterpart of ``FakeTransport``: the same script, answers and record (``fake``), awaited.

    A request is recorded when it starts; each answer then takes ``delay`` seconds (``asyncio.sleep``), so a
    test can cancel a task while requests are in flight. ``in_flight`` counts the sends not yet finished
    (a cancelled send finishes too): it is 0 again once nothing is left holding a connection.
    """

    fake: FakeTransport = attrs.field(factory=FakeTransport)
    delay: float = 0.0
    in_flight: int = 0
    closed: bool = False

    @property
    def sent(self) -> list[Request]:
        return self.fake.sent

    async def send(self, request: Request, *, timeout: Timeout) -> Response:
        import asyncio

        self.in_flight += 1
        try:
            try:
                outcome: Response | Exception = self.fake.send(request, timeout=timeout)
            except Exception as exc:  # noqa: BLE001 - raised after the delay, as a real transport would
                outcome = exc
            if self.delay:
                await asyncio.sleep(self.delay)
            if isinstance(outcome, Exception):
                raise outcome
            return outcome
        finally:
            self.in_flight -= 1

    async def aclose(self) -> None:
        self.closed = True

    def bodies(self) -> list[object]:
        return self.fake.bodies()
