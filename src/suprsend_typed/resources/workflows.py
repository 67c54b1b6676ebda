"""``client.workflows``: the generated resource (``trigger`` with its builder forms) plus the bulk trigger
calls."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from .._generated.resources import workflows as generated
from .._workflow import WorkflowTriggerRequest

if TYPE_CHECKING:
    from .._bulk.bulk import BulkInstance, BulkWorkflowTriggerFactory
    from .._bulk.progress import ProgressCallback
    from .._bulk.response import BulkResponse, FailedRecord, FailureCallback


class WorkflowsResource(generated.WorkflowsResource):
    """Adds ``bulk_trigger_instance``, ``stream`` and ``resend``; ``trigger`` is the generated method."""

    __slots__ = ()

    def bulk_trigger_instance(self) -> BulkInstance[WorkflowTriggerRequest]:
        """A new bulk of ``WorkflowTriggerRequest`` records for ``POST trigger/`` (per-record results)."""
        return self._bulk().new_instance()

    def stream(
        self,
        records: Iterable[WorkflowTriggerRequest],
        *,
        concurrency: int = 1,
        on_progress: ProgressCallback | None = None,
        on_failure: FailureCallback | None = None,
    ) -> BulkResponse:
        """Send any number of ``WorkflowTriggerRequest`` items to ``POST trigger/``, converted and chunked
        as they are pulled from ``records`` (see ``BulkFactory.stream``: bounded memory, per-record results,
        ``concurrency`` chunks in flight, one chunk at a time unless told)."""
        return self._bulk().stream(
            records, concurrency=concurrency, on_progress=on_progress, on_failure=on_failure
        )

    def resend(
        self,
        failed_records: Iterable[FailedRecord],
        *,
        concurrency: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BulkResponse:
        """Send the failed records of an earlier stream or bulk trigger again (``BulkFactory.resend``)."""
        return self._bulk().resend(failed_records, concurrency=concurrency, on_progress=on_progress)

    def _bulk(self) -> BulkWorkflowTriggerFactory:
        from .._bulk.bulk import BulkWorkflowTriggerFactory

        return BulkWorkflowTriggerFactory(self._core)
