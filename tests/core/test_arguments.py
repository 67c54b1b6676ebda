"""How a generated method's official positional dicts and typed keywords become a checked body and query."""

from __future__ import annotations

import pytest

from suprsend_typed._arguments import free_query, model_body, query_pairs
from suprsend_typed._errors import ValidationError
from suprsend_typed._generated import endpoints, models
from suprsend_typed._types import UNSET


def test_free_query_passes_the_official_options_through_in_the_callers_order() -> None:
    assert free_query({"b": 1, "a": True, "skip": None, "many": ["x", "y"]}) == [
        ("b", "1"),
        ("a", "true"),
        ("many", "x"),
        ("many", "y"),
    ]
    assert free_query(None) == []
    with pytest.raises(ValidationError, match="nested"):
        free_query({"nested": {"x": 1}})
    with pytest.raises(TypeError):
        free_query("limit=1")  # type: ignore[arg-type]


def test_query_pairs_merge_options_and_keywords_and_refuse_the_same_key_twice() -> None:
    pairs = query_pairs({"limit": 5}, endpoints.ListMessagesQuery, {"after": "c1", "tenant_id": UNSET})
    assert pairs == [("limit", "5"), ("after", "c1")]
    with pytest.raises(ValidationError, match="both"):
        query_pairs({"limit": 5}, endpoints.ListMessagesQuery, {"limit": 6})


def test_model_body_copies_the_payload_adds_keywords_and_checks_the_schema() -> None:
    payload = {"messages": [{"message_id": "m1", "action": "read"}]}
    body = model_body(payload, models.BulkMessagesUpdate, {})
    assert body == payload and body is not payload
    with pytest.raises(ValidationError, match="both"):
        model_body(payload, models.BulkMessagesUpdate, {"messages": []})
    with pytest.raises(ValidationError, match=r"messages\[0\]\.action"):
        model_body({"messages": [{"message_id": "m1"}]}, models.BulkMessagesUpdate, {})
