"""The bulk kinds read their limits and answer rule from the spec's record facts in the operation table."""

from __future__ import annotations

from typing import Any

import pytest

from suprsend_typed._bulk.bulk import (
    EVENTS,
    LEGACY_WORKFLOWS,
    ORDERED_RECORDS_CONCURRENCY,
    USERS,
    WORKFLOW_TRIGGERS,
    BulkKind,
)
from suprsend_typed._bulk.outcome import per_record_outcome, whole_chunk_outcome
from suprsend_typed._event import Event
from suprsend_typed._generated import endpoints, models, operations
from suprsend_typed._generated.limits import MAX_CHUNK_APPARENT_BYTES, MAX_IDENTITY_EVENTS_PER_BULK


@pytest.mark.parametrize(
    "kind", [LEGACY_WORKFLOWS, WORKFLOW_TRIGGERS, EVENTS, USERS], ids=lambda k: k.operation.id
)
def test_a_kind_is_its_operations_record_facts(kind: BulkKind[Any]) -> None:
    facts = kind.operation.records
    assert facts is not None
    assert (kind.max_records, kind.max_bytes) == (facts.max_records, facts.max_total_bytes)
    assert kind.record_model is getattr(models, facts.model)
    assert kind.read is (per_record_outcome if facts.answer == "per-record" else whole_chunk_outcome)
    # Profile edits go one chunk at a time, so that two edits of one user reach the hub in order.
    assert (kind.trigger_concurrency == ORDERED_RECORDS_CONCURRENCY) is (facts.effect == "profile-edit")
    assert kind.operation.workspace_params == (("workspace",) if kind is LEGACY_WORKFLOWS else ())


def test_the_facts_are_the_spec_limits() -> None:
    assert (USERS.max_records, USERS.max_bytes) == (MAX_IDENTITY_EVENTS_PER_BULK, MAX_CHUNK_APPARENT_BYTES)
    assert (EVENTS.read, USERS.read) == (per_record_outcome, whole_chunk_outcome)


def test_an_operation_without_record_facts_makes_no_kind() -> None:
    with pytest.raises(ValueError, match="get_user.*x-suprsend-records"):
        BulkKind(item_type=Event, operation=operations.GET_USER)


def test_each_kind_builds_its_requests_with_the_generated_builder_of_its_operation() -> None:
    assert LEGACY_WORKFLOWS.build_request is endpoints.build_trigger_legacy_workflow
    assert WORKFLOW_TRIGGERS.build_request is endpoints.build_trigger_workflow
    assert EVENTS.build_request is endpoints.build_track_events_bulk
    assert USERS.build_request is endpoints.build_send_identity_events
