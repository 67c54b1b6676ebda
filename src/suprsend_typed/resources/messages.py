"""``client.messages``: ``list`` (GET ``v1/message/``) and ``bulk_update`` (PATCH ``v1/bulk/message/``)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from .. import _json
from .._errors import ValidationError
from .._generated import endpoints
from ._shared import json_or_raise

if TYPE_CHECKING:
    from .._client import Suprsend

LIST_OPERATION = "list_messages"
BULK_UPDATE_OPERATION = "bulk_update_messages"
# Filters the hub reads as repeated ``key[]`` parameters; a single value is sent as a list of one.
MULTI_VALUE_KEYS = frozenset({"recipient_id", "status", "category"})
_QUERY_SCALARS = (str, int, float)


def _query_text(value: object, path: str) -> str:
    """One query value as the official SDK renders it: booleans as ``true``/``false``."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, _QUERY_SCALARS):
        return str(value)
    raise ValidationError(
        f"query values must be strings, numbers or booleans, got {type(value).__name__}", path=path
    )


def message_list_query(options: Mapping[str, object] | None) -> list[tuple[str, str]]:
    """Query pairs in the caller's order; ``None`` values and empty lists are left out, as officially."""
    if options is None:
        return []
    if not isinstance(options, Mapping):
        raise TypeError(f"messages.list expects a dict of filters, got {type(options).__name__}")
    pairs: list[tuple[str, str]] = []
    for key, value in options.items():
        if not isinstance(key, str):
            raise ValidationError(f"filter names must be strings, got {key!r}", path="options")
        name = f"{key}[]" if key in MULTI_VALUE_KEYS else key
        if value is None:
            continue
        if isinstance(value, (list, tuple)):
            pairs.extend(
                (name, _query_text(item, f"{key}[{i}]")) for i, item in enumerate(value) if item is not None
            )
        else:
            pairs.append((name, _query_text(value, key)))
    return pairs


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

    def list(self, options: Mapping[str, object] | None = None) -> Any:
        """One page of messages; ``recipient_id``, ``status`` and ``category`` take a value or a list."""
        client = self._client
        request = endpoints.build_list_messages(
            base_url=client.base_url,
            query=message_list_query(options),
            options=client._call_options(LIST_OPERATION, retryable=True),  # a read: safe to repeat
        )
        return json_or_raise(client._send(request))

    def bulk_update(self, messages: Sequence[Mapping[str, object]]) -> Any:
        """Apply ``action`` to each ``message_id``; per-message outcomes are in ``records``."""
        client = self._client
        content = _json.encode(_json.dumps({"messages": _checked_messages(messages)}))
        request = endpoints.build_bulk_update_messages(
            base_url=client.base_url,
            content=content,
            # Setting a status twice leaves the same status, so a retry cannot do harm.
            options=client._call_options(BULK_UPDATE_OPERATION, retryable=True),
        )
        return json_or_raise(client._send(request))
