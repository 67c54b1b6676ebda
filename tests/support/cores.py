"""A real ``RequestCore`` whose middleware chain is a recorder: the shared stand-in for a client.

Bulk instances, profile builders and resources hold a ``RequestCore``; tests give them this one, which keeps
every request it is handed and answers with a function of the request.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable

import attrs

from suprsend_typed._base_client import RequestCore
from suprsend_typed._context import WireContext
from suprsend_typed._http import Request, Response, Timeout

from .contexts import fixed_context

BASE_URL = "http://127.0.0.1:9/"
Answer = Callable[[Request], Response]


def accept_each(request: Request) -> Response:
    """An answer accepting every record: per-record results for an array body, ``OK`` otherwise."""
    body = json.loads(request.content) if request.content else None
    if isinstance(body, list):
        results = [{"status": "success", "status_code": 202} for _ in body]
        return Response(status_code=207, content=json.dumps({"records": results}).encode())
    return Response(status_code=202, content=b'{"message": "OK"}')


class Recorder:
    """The chain of a ``RecordingCore``: keeps requests in arrival order (thread-safe) and answers."""

    def __init__(self, answer: Answer) -> None:
        self.answer = answer
        self.sent: list[Request] = []
        self._lock = threading.Lock()

    def __call__(self, request: Request) -> Response:
        with self._lock:
            self.sent.append(request)
        return self.answer(request)


@attrs.frozen(kw_only=True, slots=True)
class RecordingCore(RequestCore):
    recorder: Recorder

    @property
    def sent(self) -> list[Request]:
        return self.recorder.sent

    def sent_bodies(self) -> list[object]:
        """The JSON body of each request sent, in order."""
        return [json.loads(request.content) for request in self.sent]


def recording_core(
    answer: Answer = accept_each, *, context: WireContext | None = None, max_retries: int = 0
) -> RecordingCore:
    recorder = Recorder(answer)
    return RecordingCore(
        base_url=BASE_URL,
        context=context or fixed_context(),
        handler=recorder,
        timeout=Timeout(),
        max_retries=max_retries,
        recorder=recorder,
    )
