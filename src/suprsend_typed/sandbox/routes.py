"""The sandbox's routing table: which hub handler serves each method and path template.

Every route the sandbox serves is a row here, named by the spec's path template, so the table can be
replaced by one generated from the spec's operations without touching the handlers: a row only names the
``Hub`` handler that serves it (see ``Hub.handlers``).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final
from urllib.parse import unquote

import attrs


@attrs.frozen(kw_only=True, slots=True)
class Route:
    """``method`` and ``template`` (``/v1/user/{distinct_id}/``) served by the hub handler ``handler``;
    ``kind`` is what the request log calls such requests."""

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


ROUTES: Final = (
    Route(method="POST", template="/trigger/", kind="workflow_trigger", handler="records"),
    Route(method="POST", template="/v2/event/", kind="event", handler="records"),
    Route(method="POST", template="/v2/bulk/event/", kind="event", handler="records"),
    Route(method="POST", template="/event/", kind="identity_event", handler="records"),
    Route(method="POST", template="/{workspace}/trigger/", kind="legacy_workflow", handler="legacy_records"),
    Route(method="PATCH", template="/v1/user/{distinct_id}/", kind="user_edit", handler="edit_user"),
    Route(method="GET", template="/v1/user/{distinct_id}/", kind="user", handler="get_user"),
    Route(method="GET", template="/v1/message/", kind="message_list", handler="list_messages"),
    Route(method="PATCH", template="/v1/bulk/message/", kind="message_update", handler="update_messages"),
)


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
