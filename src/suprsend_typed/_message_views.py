"""Static types of the dicts ``messages.list()`` returns, so mypy checks how a page is read.

The call returns the parsed JSON (a plain dict, as the official SDK does); these ``TypedDict`` views give its
keys their types without changing it at run time: ``page["results"][0]["status"]`` is ``str | None`` and a
misspelt key such as ``page["result"]`` is a mypy error. Every key is optional (``total=False``), as in the
spec's ``MessageList``, ``CursorMeta`` and ``Message`` schemas; a test keeps these keys equal to theirs.
"""

from __future__ import annotations

from typing import TypedDict


class CursorMetaView(TypedDict, total=False):
    """Cursor pagination facts of a page (the spec's ``CursorMeta``)."""

    count: int | None
    limit: int | None
    has_prev: bool | None
    has_next: bool | None
    before: str | None
    after: str | None


class MessageView(TypedDict, total=False):
    """One message of a page (the spec's ``Message``)."""

    message_id: str | None
    status: str | None
    channel: str | None
    category: str | None
    tenant_id: str | None
    idempotency_key: str | None
    execution_id: str | None
    created_at: str | None
    updated_at: str | None
    is_read: bool | None
    is_archived: bool | None
    is_campaign: bool | None
    failure_reason: str | None


class MessageListView(TypedDict, total=False):
    """One page of messages (the spec's ``MessageList``): ``meta`` and ``results``."""

    meta: CursorMetaView
    results: list[MessageView]
