"""A scripted in-memory transport: any object with ``send``/``close`` can replace the default one."""

from __future__ import annotations

import json

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
    """Answers from ``script`` in order (a Response is returned, an exception raised), then ``default``."""

    script: list[Response | Exception] = attrs.field(factory=list)
    default: Response = attrs.field(factory=lambda: reply(202, {"message_id": "m-1", "status": "success"}))
    sent: list[Request] = attrs.field(factory=list)
    timeouts: list[Timeout] = attrs.field(factory=list)
    closed: bool = False

    def send(self, request: Request, *, timeout: Timeout) -> Response:
        self.sent.append(request)
        self.timeouts.append(timeout)
        outcome = self.script.pop(0) if self.script else self.default
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    def close(self) -> None:
        self.closed = True

    def body(self, index: int = -1) -> object:
        return json.loads(self.sent[index].content)
