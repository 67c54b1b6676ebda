"""The errors a bulk or stream raises when sending stops early: they carry the response so far (the sync
client's ``BulkResponse`` or the async client's ``AsyncBulkResponse``).

They live with the bulk machinery, not in ``_errors``, because the core must not import the bulk layer.
"""

from __future__ import annotations

from .._errors import APIStatusError, SuprsendError
from .response import AnyBulkResponse


class BulkAuthenticationError(SuprsendError):
    """A chunk of a bulk or stream was answered 401 or 403, so no further chunk was taken: the credentials
    (or their permissions) are wrong for every chunk. ``__cause__`` is the hub's ``AuthenticationError`` or
    ``PermissionDeniedError``.

    ``response`` accounts for every record read: chunks answered before, the chunks refused, and the records
    never sent (``outcome`` ``"not_sent"``). A stream read no further. With corrected credentials, send them
    with ``client.bulk_events.resend(response.failed_records)`` (and friends) under the same keys.
    """

    def __init__(self, response: AnyBulkResponse, cause: APIStatusError) -> None:
        super().__init__(
            f"the hub refused the credentials ({cause.message}); sending stopped after {response}",
            status_code=cause.status_code,
        )
        self.response = response


class BulkInterruptedError(KeyboardInterrupt):
    """Ctrl-C (SIGINT) stopped a bulk or stream; still a ``KeyboardInterrupt``, so it ends a program as
    one would, and ``except Exception`` does not catch it.

    ``response`` accounts for every record read: those the hub acknowledged, those in flight when the
    interrupt came (``outcome`` ``"unknown"``: the hub may have them) and those never sent (``"not_sent"``).
    ``response.retry_failed()`` sends the last two again under the same keys, so nothing is delivered twice.
    """

    def __init__(self, response: AnyBulkResponse) -> None:
        super().__init__(
            f"interrupted: {response.success} records acknowledged, {response.unknown} in flight "
            f"(outcome unknown), {response.not_sent} not sent"
        )
        self.response = response
