"""The official SDK's single calls that never raise for a status: the answer becomes a ``SeedResult``.

``workflows.trigger(WorkflowTriggerRequest)``, ``track_event(Event)``, ``trigger_workflow(Workflow)`` and
``profile.save()`` (each awaited on the async client) report HTTP and transport failures as
``success=False`` results (patterns T1 and T2 of the fact sheet). They take the same request path as
every other call: the operation's row of the table, its generated builder and the client's middleware
chain.
"""

from __future__ import annotations

from collections.abc import Mapping
from http import HTTPStatus

from . import _json
from ._async_base_client import AsyncRequestCore
from ._base_client import BuildRequest, RequestCore
from ._context import WireItem, WireRecord
from ._errors import APIConnectionError, error_message
from ._generated import endpoints
from ._generated.operations import SEND_IDENTITY_EVENTS
from ._http import Response, TimeoutLike
from ._logging import logger
from ._operation import OperationInfo
from ._results import SeedResult

# The answers that mean the client's credentials are wrong for every call, not for this record.
_CREDENTIALS_REFUSED = frozenset({int(HTTPStatus.UNAUTHORIZED), int(HTTPStatus.FORBIDDEN)})


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
    return seed_result(core, operation, response, with_raw_response=with_raw_response)


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
    return seed_result(core, operation, response, with_raw_response=with_raw_response)


def seed_result(
    core: RequestCore | AsyncRequestCore,
    operation: OperationInfo,
    response: Response,
    *,
    with_raw_response: bool,
) -> SeedResult:
    """The official result of an answered seed call (T2 keeps the raw response, T1 its text); the first
    401/403 of a client is also logged once (see ``_warn_refused_credentials``)."""

    if response.status_code in _CREDENTIALS_REFUSED and core.credentials_warned.take():
        _warn_refused_credentials(operation, response)
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


async def async_save_profile(core: AsyncRequestCore, profile: WireItem) -> SeedResult:
    """``await profile.save()`` of the async client: the identity event and result of ``save_profile``."""
    return await async_seed_call(
        core,
        SEND_IDENTITY_EVENTS,
        endpoints.build_send_identity_events,
        profile._to_wire(core.context),
        with_raw_response=False,
    )


def _warn_refused_credentials(operation: OperationInfo, response: Response) -> None:
    """One WARNING per client: a seed call reports a 401/403 only as ``success=False``, which is easy to
    miss, and every later call would fail the same way."""
    logger.warning(
        "SuprSend refused this client's credentials (%s %s on %s.%s); calls such as track_event() and "
        "workflows.trigger() return success=False until they are fixed: check workspace_key and "
        "workspace_secret (or SUPRSEND_WORKSPACE_KEY and SUPRSEND_WORKSPACE_SECRET). Said once per client.",
        response.status_code,
        error_message(response),
        operation.namespace,
        operation.method_name,
    )
