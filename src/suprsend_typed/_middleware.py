"""The middleware chain: ordered callables ``(request, call_next) -> response`` around the transport."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ._http import Request, Response

Handler = Callable[[Request], Response]
Middleware = Callable[[Request, Handler], Response]


def compose(middleware: Sequence[Middleware], terminal: Handler) -> Handler:
    """Wrap ``terminal`` so that ``middleware[0]`` runs first (outermost) and the last runs next to it."""
    handler = terminal
    for layer in reversed(middleware):
        handler = _bind(layer, handler)
    return handler


def _bind(layer: Middleware, call_next: Handler) -> Handler:
    def handler(request: Request) -> Response:
        return layer(request, call_next)

    return handler
