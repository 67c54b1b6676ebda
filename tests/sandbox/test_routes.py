"""The routing table: one route per operation of the spec, each naming a handler the hub has; templates match
whole segments."""

from __future__ import annotations

from suprsend_typed._generated.operations import OPERATIONS
from suprsend_typed.sandbox import Sandbox
from suprsend_typed.sandbox.routes import ROUTES, match_route


def test_every_route_names_a_hub_handler(hub: Sandbox) -> None:
    assert {route.handler for route in ROUTES} == set(hub.hub.handlers) == set(OPERATIONS)


def test_templates_match_whole_segments_and_decode_parameters() -> None:
    found = match_route("PATCH", "/v1/user/a%20b%2Fc/")
    assert found is not None
    assert (found.route.kind, dict(found.params)) == ("edit_user", {"distinct_id": "a b/c"})
    legacy = match_route("POST", "/ws-key/trigger/")
    assert legacy is not None and dict(legacy.params) == {"workspace": "ws-key"}
    assert match_route("GET", "/v1/no_such_namespace/") is None
    assert match_route("GET", "/v1/user/u1/extra/") is None
    assert match_route("PUT", "/v1/user/u1/") is None
    bulk = match_route("DELETE", "/v1/bulk/user/")
    assert bulk is not None and bulk.route.kind == "bulk_delete_users"
