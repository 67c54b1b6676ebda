"""The async middleware chain: ``async (request, call_next) -> response`` callables around an async transport.

The layers of the async client reuse the pure parts of the sync ones: headers and signing are the same
``prepare(request) -> request`` functions (``AsyncPrepared`` awaits the rest of the chain after them), and
logging writes the same lines through the sync layer's ``log_answer``/``log_failure``. Only the calling of
the next layer differs, so both clients put the same headers, signatures and log lines on every attempt.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from ._errors import APIConnectionError
from ._http import Request, Response
from ._logging import LoggingMiddleware, logger

AsyncHandler = Callable[[Request], Awaitable[Response]]
AsyncMiddleware = Callable[[Request, AsyncHandler], Awaitable[Response]]


class RequestPreparer(Protocol):
    """A sync layer whose whole work is a pure change of the request (headers, signing)."""

    def prepare(self, request: Request) -> Request: ...


def compose_async(middleware: Sequence[AsyncMiddleware], terminal: AsyncHandler) -> AsyncHandler:
    """Wrap ``terminal`` so that ``middleware[0]`` runs first (outermost), as ``compose`` does for sync."""
    handler = terminal
    for layer in reversed(middleware):
        handler = _bind(layer, handler)
    return handler


def _bind(layer: AsyncMiddleware, call_next: AsyncHandler) -> AsyncHandler:
    async def handler(request: Request) -> Response:
        return await layer(request, call_next)

    return handler


class AsyncPrepared:
    """An async layer running sync layers' ``prepare`` in order (headers, then HMAC or Bearer) on every
    attempt; one layer for all of them, so an attempt awaits one frame less per layer."""

    __slots__ = ("_layers",)

    def __init__(self, *layers: RequestPreparer) -> None:
        self._layers = layers

    def __repr__(self) -> str:
        return f"AsyncPrepared{self._layers!r}"

    async def __call__(self, request: Request, call_next: AsyncHandler) -> Response:
        for layer in self._layers:
            request = layer.prepare(request)
        return await call_next(request)


class AsyncLogging:
    """The DEBUG line of each attempt as sent, written by the sync ``LoggingMiddleware``'s own methods."""

    __slots__ = ("_layer",)

    def __init__(self, layer: LoggingMiddleware) -> None:
        self._layer = layer

    async def __call__(self, request: Request, call_next: AsyncHandler) -> Response:
        if not logger.isEnabledFor(logging.DEBUG):
            return await call_next(request)
        started = self._layer.timer()
        try:
            response = await call_next(request)
        except APIConnectionError as exc:
            self._layer.log_failure(request, exc, started)
            raise
        self._layer.log_answer(request, response, started)
        return response
