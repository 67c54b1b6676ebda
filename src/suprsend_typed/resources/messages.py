"""``client.messages``: the generated resource, with the official SDK's item checks on ``bulk_update``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from .._arguments import sequence_of
from .._errors import ValidationError
from .._generated.models import BulkMessagesUpdateResponse, MessageUpdate
from .._generated.resources import messages as generated
from .._http import TimeoutLike


class MessagesResource(generated.MessagesResource):
    """``list`` pages through messages; ``bulk_update`` checks each item as the official SDK does."""

    __slots__ = ()

    def bulk_update(
        self,
        messages: Sequence[MessageUpdate | Mapping[str, Any]],
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> BulkMessagesUpdateResponse:
        """Apply ``action`` to each ``message_id``; per-message outcomes are in ``records``.

        A dict item without a truthy ``message_id`` or ``action`` is refused with the official message
        (``messages[1]: missing action``) before anything is sent; the spec then checks every value.
        """
        for index, message in enumerate(sequence_of(messages, "messages")):
            if isinstance(message, Mapping):
                for required in ("message_id", "action"):
                    if not message.get(required):
                        raise ValidationError(f"missing {required}", path=f"messages[{index}]")
            elif not isinstance(message, MessageUpdate):
                raise ValidationError(
                    f"must be a dict, got {type(message).__name__}", path=f"messages[{index}]"
                )
        return super().bulk_update(messages, timeout=timeout, max_retries=max_retries)
