"""Response models (what only the hub sends): an absent optional field reads None like a null one, and
``is_absent`` tells them apart; the dict reading (keys, ``[...]``, ``to_dict``, equality with the official
answer dict) keeps the difference. Request models keep UNSET."""

from __future__ import annotations

import pytest

from suprsend_typed import UNSET
from suprsend_typed._generated import models as m
from suprsend_typed._models import structure, unstructure


def test_an_absent_field_reads_none_and_is_no_key() -> None:
    user = structure({"distinct_id": "u1", "$email": [{"value": "a@b.c"}]}, m.User)
    assert user.created_at is None
    assert user.is_absent("created_at")
    assert "created_at" not in user
    assert list(user) == ["distinct_id", "$email"]
    with pytest.raises(KeyError):
        user["created_at"]
    assert user.get("created_at", "fallback") == "fallback"
    assert user.to_dict() == {"distinct_id": "u1", "$email": [{"value": "a@b.c"}]}
    assert user == {"distinct_id": "u1", "$email": [{"value": "a@b.c"}]}


def test_a_null_field_reads_none_and_stays_a_key() -> None:
    user = structure({"distinct_id": "u1", "created_at": None}, m.User)
    assert user.created_at is None
    assert not user.is_absent("created_at")
    assert "created_at" in user
    assert user["created_at"] is None
    assert unstructure(user) == {"distinct_id": "u1", "created_at": None}
    assert user == {"distinct_id": "u1", "created_at": None}


def test_absent_and_null_models_differ() -> None:
    absent = structure({"distinct_id": "u1"}, m.User)
    null = structure({"distinct_id": "u1", "created_at": None}, m.User)
    assert absent != null
    assert absent == structure({"distinct_id": "u1"}, m.User)


def test_a_model_built_by_hand_leaves_out_what_it_was_not_given() -> None:
    user = m.User(distinct_id="u1", updated_at=None)
    assert user.is_absent("created_at")
    assert not user.is_absent("updated_at")
    assert user.to_dict() == {"distinct_id": "u1", "updated_at": None}


def test_nested_response_models_read_the_same_way() -> None:
    page = structure({"results": [{"distinct_id": "u1"}]}, m.UserPage)
    assert page.meta is None and page.is_absent("meta")
    assert page.results is not None
    first = page.results[0]
    assert first.properties is None and first.is_absent("properties")
    assert page["results"] == [{"distinct_id": "u1"}]


def test_is_absent_names_only_fields() -> None:
    user = structure({"distinct_id": "u1"}, m.User)
    with pytest.raises(AttributeError, match="no field 'distinct'"):
        user.is_absent("distinct")


def test_request_models_keep_unset() -> None:
    trigger = m.WorkflowTrigger(workflow="w", recipients=["u1"], data=m.WorkflowData())
    assert trigger.metadata is UNSET
    assert "metadata" not in trigger
    assert not hasattr(trigger, "is_absent")
