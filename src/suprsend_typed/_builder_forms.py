"""The official builder forms of generated methods: a builder (or a body completed like one) -> one call.

``codegen/customisations.py`` names, per operation, the argument types a generated method also accepts and
the function here that turns such an argument into a ``BuilderCall``: the operation's route, the record as
the builder dumps it (automatic keys added, size checked) and how the answer becomes the result (the
official ``SeedResult`` that never raises, or the typed model). Everything here is pure; the sync and async
methods differ only in ``send`` / ``send_async``, the one I/O step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Generic, NoReturn, TypeVar

import attrs

from . import _json
from ._arguments import sequence_of
from ._async_base_client import AsyncRequestCore
from ._base_client import BuildRequest, Pairs, RequestCore
from ._broadcast import SubscriberListBroadcast
from ._context import WireContext, WireRecord
from ._errors import APIConnectionError, APIError, InputValueError, ValidationError, status_error
from ._event import Event
from ._generated import endpoints_events, endpoints_workflows
from ._generated.models import EventPayload, TriggerAccepted, WorkflowTrigger
from ._generated.operations import (
    BROADCAST_TO_LIST,
    EDIT_OBJECT,
    EDIT_USER,
    EDIT_USER_FOR_TENANT,
    SEND_IDENTITY_EVENTS,
    TRACK_EVENT,
    TRIGGER_WORKFLOW,
)
from ._http import Response, TimeoutLike
from ._models import unstructure
from ._object_edit import ObjectEdit
from ._operation import OperationInfo, record_facts
from ._paths import official_id
from ._profile import BaseUserEdit
from ._results import SeedResult
from ._seed_calls import seed_result
from ._types import UNSET, Unset
from ._workflow import WorkflowTriggerRequest

if TYPE_CHECKING:
    from ._generated.models import (
        AcceptedMessage,
        Broadcast,
        ObjectProfile,
        SubscriberListCreate,
        UserProfile,
    )

# The forms of other namespaces import their endpoints and models on first use, so the first call of one
# namespace loads no other namespace's modules.
Result = TypeVar("Result")
Core = RequestCore | AsyncRequestCore


@attrs.frozen(kw_only=True)
class BuilderCall(Generic[Result]):
    """One request of a builder form, ready to send, and how its outcome becomes the method's result."""

    operation: OperationInfo
    build: BuildRequest
    # The body as sent, and whether it carries a dedupe key (so whether a retry is safe).
    text: str
    dedupe: bool = False
    path: Mapping[str, str] | None = None
    # The answer -> the result (a seed form also reads an error status into a result).
    answer: Callable[[Core, Response], Result]
    # No answer (transport failure) -> the result, or the error raised again.
    failure: Callable[[APIConnectionError], Result]


def send(
    core: RequestCore,
    call: BuilderCall[Result],
    *,
    query: Pairs = (),
    timeout: TimeoutLike | None = None,
    max_retries: int | None = None,
) -> Result:
    """Send ``call`` through the sync client's request path; ``query`` is the official ``options`` dict's
    query, where the method takes one beside the builder (``users.edit(UserEdit, options={...})``)."""
    try:
        response = core.send_operation(
            call.operation,
            call.build,
            path=call.path,
            query=query,
            content=_json.encode(call.text),
            dedupe=call.dedupe,
            timeout=timeout,
            max_retries=max_retries,
        )
    except APIConnectionError as exc:
        return call.failure(exc)
    return call.answer(core, response)


async def send_async(
    core: AsyncRequestCore,
    call: BuilderCall[Result],
    *,
    query: Pairs = (),
    timeout: TimeoutLike | None = None,
    max_retries: int | None = None,
) -> Result:
    """``send`` for the async client: the same call, awaited."""
    try:
        response = await core.send_operation(
            call.operation,
            call.build,
            path=call.path,
            query=query,
            content=_json.encode(call.text),
            dedupe=call.dedupe,
            timeout=timeout,
            max_retries=max_retries,
        )
    except APIConnectionError as exc:
        return call.failure(exc)
    return call.answer(core, response)


def _seed_call(
    operation: OperationInfo,
    build: BuildRequest,
    record: WireRecord,
    *,
    with_raw_response: bool,
    path: Mapping[str, str] | None = None,
) -> BuilderCall[SeedResult]:
    """The official single call that never raises: failures come back as ``success=False`` results."""

    def answer(core: Core, response: Response) -> SeedResult:
        return seed_result(core, operation, response, with_raw_response=with_raw_response)

    def failure(exc: APIConnectionError) -> SeedResult:
        return SeedResult.from_transport_error(exc, with_raw_response=with_raw_response)

    return BuilderCall(
        operation=operation,
        build=build,
        text=record.text,
        dedupe=record.dedupe,
        path=path,
        answer=answer,
        failure=failure,
    )


def _record(record: WireRecord) -> dict[str, Any]:
    return {"text": record.text, "dedupe": record.dedupe}


def _reraise(exc: APIConnectionError) -> NoReturn:
    raise exc


# ------------------------------------------------------------------------------------ workflows.trigger


def trigger_request(context: WireContext, workflow: WorkflowTriggerRequest) -> BuilderCall[SeedResult]:
    """``workflows.trigger(WorkflowTriggerRequest)``: the official T2 result."""
    return _seed_call(
        TRIGGER_WORKFLOW,
        endpoints_workflows.build_trigger_workflow,
        workflow._to_wire(context),
        with_raw_response=True,
    )


def check_trigger(workflow: object) -> None:
    """What is left for the generated path must be a list of triggers (one array body)."""
    if isinstance(workflow, str | bytes) or not isinstance(workflow, Sequence):
        expected = "a WorkflowTriggerRequest, WorkflowTrigger, dict or list"
        raise TypeError(f"workflows.trigger expects {expected}, got {type(workflow).__name__}")


def trigger_one(
    context: WireContext, workflow: WorkflowTrigger | Mapping[str, Any]
) -> BuilderCall[TriggerAccepted]:
    """``workflows.trigger(WorkflowTrigger or dict)``: completed as the seed request (``data`` defaults to
    ``{}``, the client's automatic idempotency key), answered with the typed model or an error."""
    body = workflow if isinstance(workflow, WorkflowTrigger) else dict(workflow)

    def answer(core: Core, response: Response) -> TriggerAccepted:
        accepted = endpoints_workflows.parse_trigger_workflow(response)
        if not isinstance(accepted, TriggerAccepted):
            raise APIError(
                f"the hub answered {response.status_code} with per-record results to a single trigger",
                status_code=response.status_code,
            )
        return accepted

    return BuilderCall(
        operation=TRIGGER_WORKFLOW,
        build=endpoints_workflows.build_trigger_workflow,
        **_record(WorkflowTriggerRequest(body)._to_wire(context)),
        answer=answer,
        failure=_reraise,
    )


# ---------------------------------------------------------------------------------------- events.track


def track_request(context: WireContext, event: Event) -> BuilderCall[SeedResult]:
    """``events.track(Event)``: the official T2 result."""
    return _seed_call(
        TRACK_EVENT, endpoints_events.build_track_event, event._to_wire(context), with_raw_response=True
    )


def check_event(event: object) -> None:
    """Anything but an ``Event``, a model or a dict is refused."""
    if event is not None and not isinstance(event, EventPayload | Mapping):
        raise TypeError(f"events.track expects an Event or EventPayload, got {type(event).__name__}")


_Core = TypeVar("_Core", RequestCore, AsyncRequestCore)


def event_core(core: _Core) -> _Core:
    """The core ``events.track`` sends a model or dict through: the per-event size limit of the seed
    ``Event`` holds for them too, measured on the one text the core dumps (keyword fields included)."""
    return core.with_body_limit(record_facts(TRACK_EVENT).max_record_bytes, "Event size")


# ---------------------------------------------------------------------------- subscriber_lists.broadcast


def broadcast_request(context: WireContext, broadcast: SubscriberListBroadcast) -> BuilderCall[SeedResult]:
    """``subscriber_lists.broadcast(SubscriberListBroadcast)``: the official T1 result."""
    from ._generated import endpoints_subscriber_lists

    return _seed_call(
        BROADCAST_TO_LIST,
        endpoints_subscriber_lists.build_broadcast_to_list,
        broadcast._to_wire(context),
        with_raw_response=False,
        path={"workspace": context.workspace},
    )


def check_broadcast(broadcast: object) -> None:
    """Anything but the builder, a ``Broadcast`` or a dict is refused with the official error type (the
    keyword fields alone, without a positional body, are the generated form)."""
    if broadcast is not None:
        raise InputValueError(
            "argument must be a SubscriberListBroadcast, a Broadcast or a dict, "
            f"got {type(broadcast).__name__}"
        )


def broadcast_one(
    context: WireContext, broadcast: Broadcast | Mapping[str, Any]
) -> BuilderCall[AcceptedMessage]:
    """``subscriber_lists.broadcast(Broadcast or dict)``: completed as the builder completes it
    (``$insert_id``, ``$time``, ``data``), answered with the typed model or an error."""
    from ._generated import endpoints_subscriber_lists
    from ._generated.models import Broadcast

    body = broadcast if isinstance(broadcast, Broadcast) else dict(broadcast)

    def answer(core: Core, response: Response) -> AcceptedMessage:
        return endpoints_subscriber_lists.parse_broadcast_to_list(response)

    return BuilderCall(
        operation=BROADCAST_TO_LIST,
        build=endpoints_subscriber_lists.build_broadcast_to_list,
        **_record(SubscriberListBroadcast(body)._to_wire(context)),
        path={"workspace": context.workspace},
        answer=answer,
        failure=_reraise,
    )


def no_fields(method: str, fields: Mapping[str, object]) -> None:
    """A builder form carries its whole body (and route): other arguments given beside it would be lost."""
    given = sorted(name for name, value in fields.items() if value is not UNSET and value is not None)
    if given:
        raise TypeError(f"{method} with this argument takes no body fields; got {', '.join(given)}")


# ------------------------------------------------------------------------------------------ objects.edit


def object_edit(context: WireContext, edit: ObjectEdit) -> BuilderCall[ObjectProfile]:
    """``objects.edit(ObjectEdit)``: the builder's operations as one PATCH of its object (never retried)."""
    from ._generated import endpoints_objects

    object_type = official_id(edit.object_type, "object_type", missing_only=True)
    object_id = official_id(edit.object_id, "object_id", missing_only=True)

    def answer(core: Core, response: Response) -> ObjectProfile:
        return endpoints_objects.parse_edit_object(response)

    return BuilderCall(
        operation=EDIT_OBJECT,
        build=endpoints_objects.build_edit_object,
        text=edit._checked_payload_text(),
        path={"object_type": object_type, "object_id": object_id},
        answer=answer,
        failure=_reraise,
    )


# ------------------------------------------------------------------------------------------- users.edit


def user_edit(context: WireContext, edit: BaseUserEdit) -> BuilderCall[UserProfile]:
    """``users.edit(UserEdit)``: the builder's operations as one PATCH of its user, or of the user's
    tenant profile when the builder has a ``tenant_id`` (never retried)."""
    from ._generated import endpoints_users

    distinct_id = official_id(edit.distinct_id, "distinct_id", missing_only=True)
    path = {"distinct_id": distinct_id}
    operation = EDIT_USER
    build: BuildRequest = endpoints_users.build_edit_user
    parse: Callable[[Response], UserProfile] = endpoints_users.parse_edit_user
    if edit.tenant_id:
        path["tenant_id"] = official_id(edit.tenant_id, "tenant_id", missing_only=True)
        operation, build = EDIT_USER_FOR_TENANT, endpoints_users.build_edit_user_for_tenant
        parse = endpoints_users.parse_edit_user_for_tenant

    def answer(core: Core, response: Response) -> UserProfile:
        return parse(response)

    return BuilderCall(
        operation=operation,
        build=build,
        text=edit._edit_body_text(),
        path=path,
        answer=answer,
        failure=_reraise,
    )


def user_edit_core(core: _Core) -> _Core:
    """The core ``users.edit`` sends a dict or model body through: the size limit of the identity event
    ``users.async_edit`` sends holds for the PATCH body too, measured on the one text the core dumps."""
    return core.with_body_limit(record_facts(SEND_IDENTITY_EVENTS).max_record_bytes, "User edit size")


# ------------------------------------------------------------------------------------- users.async_edit


def user_async_edit(context: WireContext, edit: object) -> BuilderCall[SeedResult]:
    """``users.async_edit(UserEdit)``: the builder's operations as one identity event (``POST event/``),
    applied later by the hub. As the official SDK: an error status raises, a success is the T1 result."""
    from ._generated import endpoints_users

    if edit is None:
        raise ValidationError("instance is required", path="user")
    if not isinstance(edit, BaseUserEdit):
        raise TypeError(f"users.async_edit expects a UserEdit, got {type(edit).__name__}")

    def answer(core: Core, response: Response) -> SeedResult:
        if not response.is_success:
            raise status_error(response)
        return SeedResult.from_text_response(response)

    return BuilderCall(
        operation=SEND_IDENTITY_EVENTS,
        build=endpoints_users.build_send_identity_events,
        **_record(edit._to_wire(context)),
        answer=answer,
        failure=_reraise,
    )


# ---------------------------------------------------------------------------------- messages.bulk_update


def check_message_updates(messages: object) -> None:
    """As the official SDK: a dict item without a truthy ``message_id`` or ``action`` is refused
    (``messages[1]: missing action``) before anything is sent; the spec then checks every value."""
    from ._generated.models import MessageUpdate

    for index, message in enumerate(sequence_of(messages, "messages")):
        if isinstance(message, Mapping):
            for required in ("message_id", "action"):
                if not message.get(required):
                    raise ValidationError(f"missing {required}", path=f"messages[{index}]")
        elif not isinstance(message, MessageUpdate):
            raise ValidationError(f"must be a dict, got {type(message).__name__}", path=f"messages[{index}]")


# ------------------------------------------------------------------------------ subscriber_lists.create


def subscriber_list_create(
    payload: SubscriberListCreate | Mapping[str, Any] | None, list_id: str | Unset
) -> tuple[Mapping[str, Any] | None, str | Unset]:
    """As the official SDK: a payload must be given and name a ``list_id``, sent checked and stripped in a
    copy of the payload; the keyword ``list_id`` alone (no payload) is checked the same way."""
    from ._generated.models import SubscriberListCreate

    body: object
    if payload is None and list_id is not UNSET:
        return payload, official_id(list_id, "list_id")
    body = unstructure(payload) if isinstance(payload, SubscriberListCreate) else payload
    if not body:
        raise ValidationError("missing payload", path="payload")
    if not isinstance(body, Mapping):
        raise TypeError(f"payload must be a dict or SubscriberListCreate, got {type(body).__name__}")
    if not body.get("list_id"):
        raise ValidationError("missing list_id is payload", path="list_id")  # sic: the official wording
    return {**body, "list_id": official_id(body["list_id"], "list_id")}, list_id


# ---------------------------------------------------------------------------- subscriber_lists.get_all


def options_over_page(
    limit: int | Unset, offset: int | Unset, options: Mapping[str, object] | None
) -> tuple[Unset, Unset, dict[str, object]]:
    """As the official SDK: ``options`` goes into the same query as ``limit`` and ``offset`` and may
    override both. Both leave as options, so the generated clamp still turns a bad value into the
    spec's default (UNSET is no valid value either)."""
    if options is not None and not isinstance(options, Mapping):
        raise TypeError(f"options must be a dict of query parameters, got {type(options).__name__}")
    return UNSET, UNSET, {"limit": limit, "offset": offset, **(options or {})}
