"""The routing table: every route names a handler the hub has, and templates match whole segments."""

from __future__ import annotations

from suprsend_typed.sandbox import Sandbox
from suprsend_typed.sandbox.routes import ROUTES, match_route


def test_every_route_names_a_hub_handler(hub: Sandbox) -> None:
    assert {route.handler for route in ROUTES} == set(hub.hub.handlers)


def test_templates_match_whole_segments_and_decode_parameters() -> None:
    found = match_route("PATCH", "/v1/user/a%20b%2Fc/")
    assert found is not None
    assert (found.route.kind, dict(found.params)) == ("user_edit", {"distinct_id": "a b/c"})
    legacy = match_route("POST", "/ws-key/trigger/")
    assert legacy is not None and dict(legacy.params) == {"workspace": "ws-key"}
    assert match_route("GET", "/v1/user/") is None
    assert match_route("GET", "/v1/user/u1/extra/") is None
    assert match_route("DELETE", "/v1/user/u1/") is None
