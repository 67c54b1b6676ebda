"""``client.workflows`` of the async client: the generated methods and ``trigger(WorkflowTriggerRequest)``."""

from __future__ import annotations

from collections.abc import AsyncIterable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

from .. import _json
from .._errors import APIError
from .._generated import endpoints_workflows as endpoints
from .._generated.async_resources import workflows as generated
from .._generated.models import BulkRecordsResponse, TriggerAccepted, WorkflowTrigger
from .._generated.operations import TRIGGER_WORKFLOW
from .._http import TimeoutLike
from .._results import SeedResult
from .._seed_calls import async_seed_call
from .._workflow import WorkflowTriggerRequest

if TYPE_CHECKING:
    from .._bulk.async_bulk import AsyncBulkInstance, AsyncBulkWorkflowTriggerFactory
    from .._bulk.progress import ProgressCallback
    from .._bulk.response import BulkResponse, FailedRecord, FailureCallback


class AsyncWorkflowsResource(generated.AsyncWorkflowsResource):
    """The forms of the sync ``workflows.trigger``, awaited: a ``WorkflowTriggerRequest`` gives a
    ``SeedResult``; a ``WorkflowTrigger`` or dict gives ``TriggerAccepted`` or raises; a list is one array."""

    __slots__ = ()

    @overload  # type: ignore[override]
    async def trigger(
        self,
        workflow: WorkflowTriggerRequest,
        /,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> SeedResult: ...

    @overload
    async def trigger(
        self,
        workflow: WorkflowTrigger | Mapping[str, Any],
        /,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> TriggerAccepted: ...

    @overload
    async def trigger(
        self,
        workflow: Sequence[WorkflowTrigger | Mapping[str, Any]],
        /,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> BulkRecordsResponse: ...

    async def trigger(
        self,
        workflow: WorkflowTriggerRequest
        | WorkflowTrigger
        | Mapping[str, Any]
        | Sequence[WorkflowTrigger | Mapping[str, Any]],
        /,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> SeedResult | TriggerAccepted | BulkRecordsResponse:
        """Trigger one workflow, as the sync ``workflows.trigger`` does (same body, errors and results)."""
        core = self._core
        if isinstance(workflow, WorkflowTriggerRequest):
            return await async_seed_call(
                core,
                TRIGGER_WORKFLOW,
                endpoints.build_trigger_workflow,
                workflow._to_wire(core.context),
                with_raw_response=True,
                timeout=timeout,
                max_retries=max_retries,
            )
        if isinstance(workflow, WorkflowTrigger | Mapping):
            body = workflow if isinstance(workflow, WorkflowTrigger) else dict(workflow)
            record = WorkflowTriggerRequest(body)._to_wire(core.context)
            response = await core.send_operation(
                TRIGGER_WORKFLOW,
                endpoints.build_trigger_workflow,
                content=_json.encode(record.text),
                dedupe=record.dedupe,
                timeout=timeout,
                max_retries=max_retries,
            )
            answer = endpoints.parse_trigger_workflow(response)
            if not isinstance(answer, TriggerAccepted):
                raise APIError(
                    f"the hub answered {response.status_code} with per-record results to a single trigger",
                    status_code=response.status_code,
                )
            return answer
        if isinstance(workflow, str | bytes) or not isinstance(workflow, Mapping | Sequence):
            expected = "a WorkflowTriggerRequest, WorkflowTrigger, dict or list"
            raise TypeError(f"workflows.trigger expects {expected}, got {type(workflow).__name__}")
        return await super().trigger(workflow, timeout=timeout, max_retries=max_retries)

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
    ) -> BulkResponse:
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
    ) -> BulkResponse:
        """Send the failed records of an earlier stream or bulk trigger again."""
        return await self._bulk().resend(failed_records, concurrency=concurrency, on_progress=on_progress)

    def _bulk(self) -> AsyncBulkWorkflowTriggerFactory:
        from .._bulk.async_bulk import AsyncBulkWorkflowTriggerFactory

        return AsyncBulkWorkflowTriggerFactory(self._core)
