"""The sandbox's routing table, built from the generated operation table: one route per operation.

A route is the operation's method and path template; its handler is named by the operation id (see
``Hub.handlers``), so a new operation in the spec is routed without a line here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Final
from urllib.parse import unquote

import attrs

from .._generated.operations import OPERATIONS
from .._operation import OperationInfo


@attrs.frozen(kw_only=True, slots=True)
class Route:
    """``method`` and ``template`` (``/v1/user/{distinct_id}/``) of the operation ``kind`` (its id, also
    what the request log calls such requests), served by the hub handler ``handler``."""

    method: str
    template: str
    kind: str
    handler: str
    segments: tuple[str, ...] = attrs.field(init=False)

    @segments.default
    def _segments(self) -> tuple[str, ...]:
        return tuple(self.template.strip("/").split("/"))


@attrs.frozen(kw_only=True, slots=True)
class RouteMatch:
    route: Route
    params: Mapping[str, str]  # path parameters by name, percent-decoded


def routes_of(operations: Iterable[OperationInfo]) -> tuple[Route, ...]:
    """One route per operation, those with fewer ``{name}`` segments first, so that a literal segment wins
    over a parameter (``/v1/bulk/user/`` before ``/v1/{x}/user/``)."""
    routes = [
        Route(method=op.http_method, template=f"/{op.path}", kind=op.id, handler=op.id) for op in operations
    ]
    return tuple(sorted(routes, key=lambda route: sum(s.startswith("{") for s in route.segments)))


ROUTES: Final = routes_of(OPERATIONS.values())


def match_route(method: str, path: str, routes: tuple[Route, ...] = ROUTES) -> RouteMatch | None:
    """The first route of ``routes`` for ``method`` whose template matches ``path``, with its parameters.

    A ``{name}`` segment matches one non-empty path segment; literal segments must be equal.
    """
    segments = path.strip("/").split("/")
    for route in routes:
        if route.method != method or len(route.segments) != len(segments):
            continue
        params = _params(route.segments, segments)
        if params is not None:
            return RouteMatch(route=route, params=params)
    return None


def _params(template: tuple[str, ...], segments: list[str]) -> dict[str, str] | None:
    params = {}
    for expected, actual in zip(template, segments, strict=True):
        if expected.startswith("{") and expected.endswith("}"):
            if not actual:
                return None
            params[expected[1:-1]] = unquote(actual)
        elif expected != actual:
            return None
    return params


def allowed_methods(path: str, routes: tuple[Route, ...] = ROUTES) -> list[str]:
    """The methods some route serves ``path`` with (the ``Allow`` of a 405), in route order."""
    segments = path.strip("/").split("/")
    found: dict[str, None] = {}
    for route in routes:
        if len(route.segments) == len(segments) and _params(route.segments, segments) is not None:
            found.setdefault(route.method)
    return list(found)
