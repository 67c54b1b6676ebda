"""``client.messages``: ``list`` (GET ``v1/message/``) and ``bulk_update`` (PATCH ``v1/bulk/message/``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import _json
from .._errors import ValidationError
from .._generated import endpoints
from .._http import TimeoutLike
from .._message_views import MessageListView
from ._shared import json_or_raise

if TYPE_CHECKING:
    from .._client import Suprsend

LIST_OPERATION = "list_messages"
BULK_UPDATE_OPERATION = "bulk_update_messages"


def message_list_query(options: Mapping[str, object] | None) -> list[tuple[str, str]]:
    """Query pairs of an official options dict, checked by the spec's parameter types.

    The generated ``ListMessagesQuery`` knows which filters repeat as ``key[]`` and drops None values;
    the pairs keep the caller's key order, so the URL is the one the official SDK sends.
    """
    if options is None:
        return []
    if not isinstance(options, Mapping):
        raise TypeError(f"messages.list expects a dict of filters, got {type(options).__name__}")
    pairs = endpoints.ListMessagesQuery.from_options(options).to_pairs()
    wire_keys = {field.name: field.key for field in endpoints.ListMessagesQuery._shape.fields}
    order = {wire_keys.get(key, key): rank for rank, key in enumerate(options)}
    return sorted(pairs, key=lambda pair: order[pair[0]])


def _checked_messages(messages: object) -> list[dict[str, Any]]:
    if isinstance(messages, (str, bytes, Mapping)) or not isinstance(messages, Sequence):
        raise TypeError(f"messages.bulk_update expects a list of dicts, got {type(messages).__name__}")
    checked: list[dict[str, Any]] = []
    for index, message in enumerate(messages):
        if not isinstance(message, Mapping):
            raise ValidationError(f"must be a dict, got {type(message).__name__}", path=f"messages[{index}]")
        for required in ("message_id", "action"):
            if not message.get(required):
                raise ValidationError(f"missing {required}", path=f"messages[{index}]")
        checked.append(dict(message))
    return checked


class MessagesResource:
    """Both calls return the parsed JSON and raise typed errors (the official SDK's Pattern A)."""

    __slots__ = ("_client",)

    def __init__(self, client: Suprsend) -> None:
        self._client = client

    def list(
        self,
        options: Mapping[str, object] | None = None,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> MessageListView:
        """One page of messages; ``recipient_id``, ``status`` and ``category`` take a value or a list.

        The page is the parsed JSON dict; its type, ``MessageListView``, lets mypy check how it is read.
        ``timeout`` and ``max_retries`` override the client's defaults for this call.
        """
        client = self._client
        request = endpoints.build_list_messages(
            base_url=client.base_url,
            query=message_list_query(options),
            # A read: safe to repeat.
            options=client._call_options(
                LIST_OPERATION, retryable=True, timeout=timeout, max_retries=max_retries
            ),
        )
        page: MessageListView = json_or_raise(client._send(request))
        return page

    def bulk_update(
        self,
        messages: Sequence[Mapping[str, object]],
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> Any:
        """Apply ``action`` to each ``message_id``; per-message outcomes are in ``records``.

        ``timeout`` and ``max_retries`` override the client's defaults for this call.
        """
        client = self._client
        content = _json.encode(_json.dumps({"messages": _checked_messages(messages)}))
        request = endpoints.build_bulk_update_messages(
            base_url=client.base_url,
            content=content,
            # Setting a status twice leaves the same status, so a retry cannot do harm.
            options=client._call_options(
                BULK_UPDATE_OPERATION, retryable=True, timeout=timeout, max_retries=max_retries
            ),
        )
        return json_or_raise(client._send(request))
