"""``client.workflows``: the generated resource, plus the official ``trigger(WorkflowTriggerRequest)``."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, overload

from .. import _json
from .._errors import APIError
from .._generated import endpoints_workflows as endpoints
from .._generated.models import BulkRecordsResponse, TriggerAccepted, WorkflowTrigger
from .._generated.operations import TRIGGER_WORKFLOW
from .._generated.resources import workflows as generated
from .._http import TimeoutLike
from .._results import SeedResult
from .._seed_calls import seed_call
from .._workflow import WorkflowTriggerRequest

if TYPE_CHECKING:
    from .._bulk.bulk import BulkInstance, BulkWorkflowTriggerFactory
    from .._bulk.progress import ProgressCallback
    from .._bulk.response import BulkResponse, FailedRecord, FailureCallback


class WorkflowsResource(generated.WorkflowsResource):
    """``trigger(WorkflowTriggerRequest)`` returns a ``SeedResult`` (T2); ``trigger(WorkflowTrigger)``
    returns ``TriggerAccepted`` or raises. Both get the automatic ``$idempotency_key`` of the client."""

    __slots__ = ()

    @overload  # type: ignore[override]
    def trigger(
        self,
        workflow: WorkflowTriggerRequest,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> SeedResult: ...

    @overload
    def trigger(
        self,
        workflow: WorkflowTrigger | Mapping[str, Any],
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> TriggerAccepted: ...

    @overload
    def trigger(
        self,
        workflow: Sequence[WorkflowTrigger | Mapping[str, Any]],
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> BulkRecordsResponse: ...

    def trigger(
        self,
        workflow: WorkflowTriggerRequest
        | WorkflowTrigger
        | Mapping[str, Any]
        | Sequence[WorkflowTrigger | Mapping[str, Any]],
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> SeedResult | TriggerAccepted | BulkRecordsResponse:
        """Trigger one workflow; ``timeout`` and ``max_retries`` override the client's for this call.

        With a ``WorkflowTriggerRequest`` HTTP and transport failures come back as ``success=False``
        results, as in the official SDK; with a ``WorkflowTrigger`` model they raise typed errors.
        A dict is read as a ``WorkflowTrigger``; a list is sent as one array body (per-record results).
        """
        core = self._core
        if isinstance(workflow, WorkflowTriggerRequest):
            return seed_call(
                core,
                TRIGGER_WORKFLOW,
                endpoints.build_trigger_workflow,
                workflow._to_wire(core.context),
                with_raw_response=True,
                timeout=timeout,
                max_retries=max_retries,
            )
        if isinstance(workflow, WorkflowTrigger | Mapping):
            # As the seed request: data defaults to {} and the client adds its automatic idempotency key.
            body = workflow if isinstance(workflow, WorkflowTrigger) else dict(workflow)
            record = WorkflowTriggerRequest(body)._to_wire(core.context)
            response = core.send_operation(
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
        return super().trigger(workflow, timeout=timeout, max_retries=max_retries)

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
