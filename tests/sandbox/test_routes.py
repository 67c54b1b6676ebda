"""The routing table: one route per operation of the spec, each naming a handler the hub has; templates match
whole segments."""

from __future__ import annotations

import pytest

from suprsend_typed._errors import ValidationError
from suprsend_typed._generated.operations import OPERATIONS
from suprsend_typed.sandbox import Sandbox, validate_record
from suprsend_typed.sandbox.hub import RECORD_ROUTES
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


def test_records_endpoints_are_the_operations_with_records_facts(hub: Sandbox) -> None:
    with_facts = {op.id: op.records for op in OPERATIONS.values() if op.records is not None}
    assert set(RECORD_ROUTES) == set(with_facts)
    for op_id, facts in with_facts.items():
        route = RECORD_ROUTES[op_id]
        assert (route.kind, route.family, route.limits.max_records) == (
            facts.kind,
            facts.dedupe,
            facts.max_records,
        )
        assert hub.hub.handlers[op_id] == hub.hub._serve_records
        # ``validate_record`` knows every record kind the spec names, and no other.
        with pytest.raises(ValidationError):
            validate_record(facts.kind, [])
    with pytest.raises(ValueError, match="unknown record kind 'no_such_kind'"):
        validate_record("no_such_kind", {})
