"""``client.workflows``: ``trigger`` (POST ``trigger/``) on the seed request or the generated model."""

from __future__ import annotations

from typing import TYPE_CHECKING, overload

from .. import _json
from .._errors import APIError
from .._generated import endpoints
from .._generated.models import TriggerAccepted, WorkflowTrigger
from .._http import Request, TimeoutLike
from .._results import SeedResult
from .._workflow import WorkflowTriggerRequest

if TYPE_CHECKING:
    from .._bulk.bulk import BulkInstance
    from .._client import Suprsend

OPERATION = "trigger_workflow"


class WorkflowsResource:
    """Seed calls return a ``SeedResult`` (T2); typed calls return ``TriggerAccepted`` or raise."""

    __slots__ = ("_client",)

    def __init__(self, client: Suprsend) -> None:
        self._client = client

    @overload
    def trigger(
        self,
        workflow: WorkflowTriggerRequest,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> SeedResult: ...

    @overload
    def trigger(
        self, workflow: WorkflowTrigger, *, timeout: TimeoutLike | None = None, max_retries: int | None = None
    ) -> TriggerAccepted: ...

    def trigger(
        self,
        workflow: WorkflowTriggerRequest | WorkflowTrigger,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> SeedResult | TriggerAccepted:
        """Trigger one workflow; ``timeout`` and ``max_retries`` override the client's for this call.

        With a ``WorkflowTriggerRequest`` HTTP and transport failures come back as ``success=False``
        results, as in the official SDK; with a ``WorkflowTrigger`` model they raise typed errors.
        """
        if isinstance(workflow, WorkflowTriggerRequest):
            request = self._request(workflow, timeout=timeout, max_retries=max_retries)
            return self._client._seed_call(request, with_raw_response=True)
        if isinstance(workflow, WorkflowTrigger):
            request = self._request(
                WorkflowTriggerRequest(workflow), timeout=timeout, max_retries=max_retries
            )
            response = self._client._send(request)
            answer = endpoints.parse_trigger_workflow(response)
            if not isinstance(answer, TriggerAccepted):
                raise APIError(
                    f"the hub answered {response.status_code} with per-record results to a single trigger",
                    status_code=response.status_code,
                )
            return answer
        expected = "a WorkflowTriggerRequest or WorkflowTrigger"
        raise TypeError(f"workflows.trigger expects {expected}, got {type(workflow).__name__}")

    def _request(
        self, workflow: WorkflowTriggerRequest, *, timeout: TimeoutLike | None, max_retries: int | None
    ) -> Request:
        client = self._client
        record = workflow._to_wire(client._context)
        return endpoints.build_trigger_workflow(
            base_url=client.base_url,
            content=_json.encode(record.text),
            options=client._call_options(
                OPERATION, retryable=record.dedupe, timeout=timeout, max_retries=max_retries
            ),
        )

    def bulk_trigger_instance(self) -> BulkInstance[WorkflowTriggerRequest]:
        """A new bulk of ``WorkflowTriggerRequest`` records for ``POST trigger/`` (per-record results)."""
        from .._bulk.bulk import BulkWorkflowTriggerFactory

        return BulkWorkflowTriggerFactory(self._client).new_instance()
