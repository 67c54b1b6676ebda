"""The official SDK's single calls that never raise for a status: the answer becomes a ``SeedResult``.

``workflows.trigger(WorkflowTriggerRequest)``, ``track_event(Event)``, ``trigger_workflow(Workflow)`` and
``profile.save()`` report HTTP and transport failures as ``success=False`` results (patterns T1 and T2 of
the fact sheet). They take the same request path as every other call: the operation's row of the table,
its generated builder and the client's middleware chain.
"""

from __future__ import annotations

from collections.abc import Mapping

from . import _json
from ._async_base_client import AsyncRequestCore
from ._base_client import BuildRequest, RequestCore
from ._context import WireItem, WireRecord
from ._errors import APIConnectionError
from ._generated import endpoints
from ._generated.operations import SEND_IDENTITY_EVENTS
from ._http import Response, TimeoutLike
from ._operation import OperationInfo
from ._results import SeedResult


def seed_call(
    core: RequestCore,
    operation: OperationInfo,
    build: BuildRequest,
    record: WireRecord,
    *,
    with_raw_response: bool,
    path: Mapping[str, str] | None = None,
    timeout: TimeoutLike | None = None,
    max_retries: int | None = None,
) -> SeedResult:
    """Send one record; HTTP and transport failures become ``success=False`` results."""
    try:
        response = core.send_operation(
            operation,
            build,
            path=path,
            content=_json.encode(record.text),
            dedupe=record.dedupe,
            timeout=timeout,
            max_retries=max_retries,
        )
    except APIConnectionError as exc:
        return SeedResult.from_transport_error(exc, with_raw_response=with_raw_response)
    return seed_result(response, with_raw_response=with_raw_response)


async def async_seed_call(
    core: AsyncRequestCore,
    operation: OperationInfo,
    build: BuildRequest,
    record: WireRecord,
    *,
    with_raw_response: bool,
    path: Mapping[str, str] | None = None,
    timeout: TimeoutLike | None = None,
    max_retries: int | None = None,
) -> SeedResult:
    """``seed_call`` for the async client: the same record, request and result."""
    try:
        response = await core.send_operation(
            operation,
            build,
            path=path,
            content=_json.encode(record.text),
            dedupe=record.dedupe,
            timeout=timeout,
            max_retries=max_retries,
        )
    except APIConnectionError as exc:
        return SeedResult.from_transport_error(exc, with_raw_response=with_raw_response)
    return seed_result(response, with_raw_response=with_raw_response)


def seed_result(response: Response, *, with_raw_response: bool) -> SeedResult:
    """The official result of an answered seed call (T2 keeps the raw response, T1 its text)."""
    if with_raw_response:
        return SeedResult.from_json_response(response)
    return SeedResult.from_text_response(response)


def save_profile(core: RequestCore, profile: WireItem) -> SeedResult:
    """``profile.save()``: one identity event to ``POST event/``, reported as the official T1 result."""
    return seed_call(
        core,
        SEND_IDENTITY_EVENTS,
        endpoints.build_send_identity_events,
        profile._to_wire(core.context),
        with_raw_response=False,
    )
