"""The bulk surface of the async client: ``client.bulk_events`` and friends, their instances and streams.

The same kinds (``BulkKind``: item class, limits, endpoint, answer rule), the same conversion of items, the
same chunks and per-record outcomes as the sync surface; only sending is awaited (``async_sender``). The
responses are ``AsyncBulkResponse``s, whose ``retry_failed()`` is awaited.
"""

from __future__ import annotations

import functools
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import Generic

from .._async_base_client import AsyncRequestCore
from .._context import WireContext, WireRecord
from .._event import Event
from .._profile import BaseUserEdit
from .._workflow import Workflow, WorkflowTriggerRequest
from .async_sender import AsyncChunkRoute, async_send_all, async_send_records
from .bulk import (
    EVENTS,
    LEGACY_WORKFLOWS,
    STREAM_FAILED_RECORDS_KEPT,
    USERS,
    WORKFLOW_TRIGGERS,
    BulkKind,
    BulkRecords,
    ItemT,
    _stream_conversions,
    _wire_again,
    chunk_builder,
    stream_conversion,
    worth_resending,
)
from .progress import ProgressCallback
from .response import AsyncBulkResponse, AsyncResendFailed, BulkTally, FailedRecord, FailureCallback
from .sender import check_concurrency


def _tally(
    resend: AsyncResendFailed, *, keep: int | None = None, on_failure: FailureCallback | None = None
) -> BulkTally[AsyncBulkResponse]:
    return BulkTally(
        respond=functools.partial(AsyncBulkResponse.of, resend=resend), keep=keep, on_failure=on_failure
    )


def _route(core: AsyncRequestCore, kind: BulkKind[ItemT]) -> AsyncChunkRoute:
    return AsyncChunkRoute(build_request=chunk_builder(core, kind), send=core.send, read=kind.read)


class AsyncBulkInstance(BulkRecords[ItemT]):
    """Records to send together from the async client; single-use, as ``BulkInstance``."""

    __slots__ = ("_client",)

    def __init__(self, client: AsyncRequestCore, kind: BulkKind[ItemT]) -> None:
        super().__init__(client.context, kind)
        self._client = client

    async def trigger(
        self, *, concurrency: int | None = None, on_progress: ProgressCallback | None = None
    ) -> AsyncBulkResponse:
        """Send every record in chunks, as ``BulkInstance.trigger`` (same defaults, outcomes and errors;
        cancelling the task raises ``BulkCancelledError`` with the response so far)."""
        resend = AsyncBulkFactory(self._client, self._kind).resend
        respond = functools.partial(AsyncBulkResponse.of, resend=resend)
        records, tally, concurrency = self._take(concurrency, respond)
        return await async_send_records(
            records,
            send_chunk=_route(self._client, self._kind),
            max_records=self._kind.max_records,
            max_bytes=self._kind.max_bytes,
            concurrency=concurrency,
            on_progress=on_progress,
            tally=tally,
        )

    save = trigger


class AsyncBulkFactory(Generic[ItemT]):
    """``client.bulk_events`` and friends of the async client: new instances, or one streaming send."""

    __slots__ = ("_client", "_kind")

    def __init__(self, client: AsyncRequestCore, kind: BulkKind[ItemT]) -> None:
        self._client = client
        self._kind = kind

    def new_instance(self) -> AsyncBulkInstance[ItemT]:
        return AsyncBulkInstance(self._client, self._kind)

    async def stream(
        self,
        records: Iterable[ItemT] | AsyncIterable[ItemT],
        *,
        concurrency: int = 1,
        on_progress: ProgressCallback | None = None,
        on_failure: FailureCallback | None = None,
    ) -> AsyncBulkResponse:
        """Send any number of items from a sync or an async iterable, as ``BulkFactory.stream`` (bounded
        memory, per-record outcomes, ``concurrency`` chunks in flight, the same errors); cancelling the
        task raises ``BulkCancelledError`` carrying the response so far."""
        check_concurrency(concurrency)
        if isinstance(records, (str, bytes, bytearray, memoryview)):
            raise TypeError(
                f"stream() takes an iterable of {self._kind.item_type.__name__} items, "
                f"not {type(records).__name__}"
            )
        kind = self._kind
        tally = _tally(
            self.resend,
            keep=None if on_failure is not None else STREAM_FAILED_RECORDS_KEPT,
            on_failure=on_failure,
        )
        context = self._client.context
        conversions = (
            _async_conversions(records, kind, context, tally.warnings)
            if isinstance(records, AsyncIterable)
            else _stream_conversions(records, kind, context, tally.warnings)
        )
        return await async_send_all(
            conversions,
            send_chunk=_route(self._client, kind),
            max_records=kind.max_records,
            max_bytes=kind.max_bytes,
            concurrency=concurrency,
            on_progress=on_progress,
            tally=tally,
        )

    async def resend(
        self,
        failed_records: Iterable[FailedRecord],
        *,
        concurrency: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> AsyncBulkResponse:
        """Send failed records of an earlier send of this kind again, as ``BulkFactory.resend``."""
        if concurrency is None:
            concurrency = self._kind.trigger_concurrency
        check_concurrency(concurrency)
        runtime = self._kind.records.runtime_bytes
        records = [
            _wire_again(failed["record"], runtime) for failed in failed_records if worth_resending(failed)
        ]
        return await async_send_records(
            records,
            send_chunk=_route(self._client, self._kind),
            max_records=self._kind.max_records,
            max_bytes=self._kind.max_bytes,
            concurrency=concurrency,
            on_progress=on_progress,
            tally=_tally(self.resend),
        )


async def _async_conversions(
    records: AsyncIterable[object], kind: BulkKind[ItemT], context: WireContext, warnings: list[str]
) -> AsyncIterator[WireRecord | FailedRecord]:
    """Each item's conversion, as ``_stream_conversions`` gives for a sync iterable."""
    position = 0
    async for item in records:
        yield stream_conversion(position, item, kind, context, warnings)
        position += 1


class AsyncBulkWorkflowsFactory(AsyncBulkFactory[Workflow]):
    """Legacy workflows, ``POST {workspace}/trigger/``: a 2xx accepts the whole chunk."""

    __slots__ = ()

    def __init__(self, client: AsyncRequestCore) -> None:
        super().__init__(client, LEGACY_WORKFLOWS)


class AsyncBulkWorkflowTriggerFactory(AsyncBulkFactory[WorkflowTriggerRequest]):
    """Workflow trigger requests, ``POST trigger/``: one result per record."""

    __slots__ = ()

    def __init__(self, client: AsyncRequestCore) -> None:
        super().__init__(client, WORKFLOW_TRIGGERS)


class AsyncBulkEventsFactory(AsyncBulkFactory[Event]):
    """Events, ``POST v2/bulk/event/``: one result per record."""

    __slots__ = ()

    def __init__(self, client: AsyncRequestCore) -> None:
        super().__init__(client, EVENTS)


class AsyncBulkUsersFactory(AsyncBulkFactory[BaseUserEdit]):
    """User profile edits as identity events, ``POST event/``: a 2xx accepts the whole chunk."""

    __slots__ = ()

    def __init__(self, client: AsyncRequestCore) -> None:
        super().__init__(client, USERS)
