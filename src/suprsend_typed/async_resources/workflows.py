"""``client.workflows`` of the async client: the generated methods (``trigger`` with its builder forms)
plus the bulk trigger calls."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable
from typing import TYPE_CHECKING

from .._generated.async_resources import workflows as generated
from .._workflow import WorkflowTriggerRequest

if TYPE_CHECKING:
    from .._bulk.async_bulk import AsyncBulkInstance, AsyncBulkWorkflowTriggerFactory
    from .._bulk.progress import ProgressCallback
    from .._bulk.response import AsyncBulkResponse, FailedRecord, FailureCallback


class AsyncWorkflowsResource(generated.AsyncWorkflowsResource):
    """Adds the bulk trigger calls of the sync ``workflows``, awaited."""

    __slots__ = ()

    def bulk_trigger_instance(self) -> AsyncBulkInstance[WorkflowTriggerRequest]:
        """A new bulk of ``WorkflowTriggerRequest`` records for ``POST trigger/`` (per-record results)."""
        return self._bulk().new_instance()

    async def stream(
        self,
        records: Iterable[WorkflowTriggerRequest] | AsyncIterable[WorkflowTriggerRequest],
        *,
        concurrency: int = 1,
        on_progress: ProgressCallback | None = None,
        on_failure: FailureCallback | None = None,
    ) -> AsyncBulkResponse:
        """Stream ``WorkflowTriggerRequest`` items to ``POST trigger/``, as the sync ``workflows.stream``."""
        return await self._bulk().stream(
            records, concurrency=concurrency, on_progress=on_progress, on_failure=on_failure
        )

    async def resend(
        self,
        failed_records: Iterable[FailedRecord],
        *,
        concurrency: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> AsyncBulkResponse:
        """Send the failed records of an earlier stream or bulk trigger again."""
        return await self._bulk().resend(failed_records, concurrency=concurrency, on_progress=on_progress)

    def _bulk(self) -> AsyncBulkWorkflowTriggerFactory:
        from .._bulk.async_bulk import AsyncBulkWorkflowTriggerFactory

        return AsyncBulkWorkflowTriggerFactory(self._core)
