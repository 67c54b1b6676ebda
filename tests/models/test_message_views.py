"""The ``TypedDict`` views of a ``messages.list()`` page name exactly the keys of their spec schemas."""

from __future__ import annotations

import pytest

from suprsend_typed._generated import models as m
from suprsend_typed._message_views import CursorMetaView, MessageListView, MessageView


@pytest.mark.parametrize(
    ("view", "model"),
    [(MessageListView, m.MessageList), (MessageView, m.Message), (CursorMetaView, m.CursorMeta)],
)
def test_view_keys_are_the_schema_properties(view: type, model: type) -> None:
    schema_keys = [field.key for field in model._shape.fields]  # type: ignore[attr-defined]
    assert list(view.__annotations__) == schema_keys
    assert not view.__required_keys__  # type: ignore[attr-defined]  # every property is optional
