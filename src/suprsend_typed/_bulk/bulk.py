"""The seed bulk surface: single-use bulk instances and streaming, for workflows, events and user profiles.

Items become immutable ``WireRecord``s when they are appended (the official SDK deep-copies each item,
client included), so later changes to the caller's objects never reach a pending bulk. An item whose
conversion fails is kept as a failed record and reported, never dropped. Sending goes through
``sender.send_all``, which accounts for every record whatever the server or the network does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Iterator, Sequence
from http import HTTPStatus
from typing import Any, Generic, TypeVar

import attrs

from .. import _json
from .._async_base_client import AsyncRequestCore
from .._base_client import BuildRequest, RequestCore
from .._context import WireContext, WireItem, WireRecord, has_dedupe_key
from .._errors import FIRST_SERVER_ERROR_STATUS, SuprsendError, ValidationError
from .._event import Event
from .._generated import endpoints, models, operations
from .._http import Request, Response
from .._operation import OperationInfo, Records, record_facts
from .._profile import AsyncUserEdit, BaseUserEdit, UserEdit
from .._retry import RETRYABLE_STATUSES
from .._workflow import Workflow, WorkflowTriggerRequest
from .outcome import AUTH_FAILURE_STATUSES, per_record_outcome, short_reason, whole_chunk_outcome
from .progress import ProgressCallback
from .response import (
    BulkCounts,
    BulkResponse,
    BulkTally,
    ChunkOutcome,
    FailedRecord,
    FailureCallback,
    ResponseT,
)
from .sender import ChunkRoute, check_concurrency, send_all, send_records

ItemT = TypeVar("ItemT", bound=WireItem)

# An object that is not an item of the bulk's kind cannot be sent: a client error.
WRONG_KIND_CODE = int(HTTPStatus.BAD_REQUEST)
# A streamed item whose conversion raised something other than a validation error: also a client error.
UNCONVERTIBLE_CODE = int(HTTPStatus.BAD_REQUEST)
# Failed records a stream keeps when no on_failure callback takes them: enough to show what went wrong,
# bounded so that a stream in which everything fails still runs in constant memory.
STREAM_FAILED_RECORDS_KEPT = 1_000
# Statuses of a refused record that can pass when it is sent again: wrong credentials (once corrected),
# throttling, conflicts and timeouts; every 5xx too.
RESENDABLE_STATUSES = RETRYABLE_STATUSES | AUTH_FAILURE_STATUSES
# How many chunks ``trigger()`` sends at once unless told. Events and workflow runs are independent records
# (each carries its own time and dedupe key), so their chunks go side by side, which hides the hub's
# answer time (the official SDK sends strictly one chunk after another). Profile edits go one chunk at a
# time, so that two edits of one user in different chunks reach the hub in the order they were appended.
INDEPENDENT_RECORDS_CONCURRENCY = 4
ORDERED_RECORDS_CONCURRENCY = 1


# Where each kind of item is streamed, named in the reason of an item given to the wrong factory.
STREAM_OF_KIND: dict[type, str] = {
    Workflow: "client.bulk_workflows.stream",
    WorkflowTriggerRequest: "client.workflows.stream",
    Event: "client.bulk_events.stream",
    UserEdit: "client.bulk_users.stream",
    AsyncUserEdit: "client.bulk_users.stream",
}


class BulkAlreadySentError(SuprsendError, RuntimeError):
    """A bulk instance was used after ``trigger()``; the official SDK would send every record again."""

    status_code = 400


def _takes_records(_kind: object, _attribute: object, operation: OperationInfo) -> None:
    record_facts(operation)  # raises, naming the operation, when the spec gives it no record facts


@attrs.frozen(kw_only=True, slots=True)
class BulkKind(Generic[ItemT]):
    """What differs between the bulk kinds: the item class and the endpoint. The rest (limits, answer
    rule, path parameters, how many chunks go at once) is read from the operation table: the spec's
    record facts of that endpoint (``operation.records``) and its ``workspace_params``."""

    item_type: type[ItemT]
    operation: OperationInfo = attrs.field(validator=_takes_records)

    @property
    def records(self) -> Records:
        return record_facts(self.operation)

    def path(self, core: RequestCore | AsyncRequestCore) -> dict[str, str]:
        """The endpoint's path parameters: all filled from the client (the workspace of the legacy
        trigger path); the spec gives a records endpoint no other."""
        workspace = core.context.workspace
        return {name: workspace for name in self.operation.workspace_params}

    @property
    def ordered(self) -> bool:
        """Whether the records must reach the hub in the order given: profile edits (their
        ``profile-edit`` effect), where a later edit applied first would be overwritten."""
        return self.records.effect == "profile-edit"

    @property
    def trigger_concurrency(self) -> int:
        """Chunks a bulk instance's ``trigger()`` sends at once by default: one for ordered records,
        several for independent records."""
        return ORDERED_RECORDS_CONCURRENCY if self.ordered else INDEPENDENT_RECORDS_CONCURRENCY

    @property
    def build_request(self) -> BuildRequest:
        """The generated request builder of the operation (``build_<operation id>``), read at first send
        so that importing the package loads no endpoint or model module."""
        build: BuildRequest = getattr(endpoints, f"build_{self.operation.id}")
        return build

    @property
    def record_model(self) -> type[Any]:
        """The generated model one record must satisfy."""
        model: type[Any] = getattr(models, self.records.model)
        return model

    @property
    def max_records(self) -> int:
        return self.records.max_records

    @property
    def max_bytes(self) -> int:
        """The most one chunk's records may weigh together."""
        return self.records.max_total_bytes

    @property
    def read(self) -> Callable[[Sequence[WireRecord], Response], ChunkOutcome]:
        """How a chunk's answer tells each record's outcome: per record, or one for the whole chunk."""
        return per_record_outcome if self.records.answer == "per-record" else whole_chunk_outcome


# Which hand-written item class goes to which records endpoint: the one binding the spec cannot state.
LEGACY_WORKFLOWS = BulkKind(item_type=Workflow, operation=operations.TRIGGER_LEGACY_WORKFLOW)
WORKFLOW_TRIGGERS = BulkKind(item_type=WorkflowTriggerRequest, operation=operations.TRIGGER_WORKFLOW)
EVENTS = BulkKind(item_type=Event, operation=operations.TRACK_EVENTS_BULK)
# A user edit of either client: the bulk sends the builder's operations, not its save().
USERS = BulkKind(item_type=BaseUserEdit, operation=operations.SEND_IDENTITY_EVENTS)


class BulkRecords(Generic[ItemT]):
    """The records of a bulk instance, converted as they are appended; the sync ``BulkInstance`` and the
    async ``AsyncBulkInstance`` add the sending."""

    __slots__ = ("_context", "_kind", "_records", "_invalid", "_warnings", "_sent")

    def __init__(self, context: WireContext, kind: BulkKind[ItemT]) -> None:
        self._context = context
        self._kind = kind
        self._records: list[WireRecord] = []
        self._invalid: list[FailedRecord] = []
        self._warnings: list[str] = []
        self._sent = False

    def append(self, *items: ItemT) -> None:
        """Convert each item now; a wrong kind raises ``TypeError``, an invalid item is kept as failed.

        All or nothing: if any item raises, none of ``items`` is kept, so the call can be repeated.
        """
        self._check_unsent()
        expected = self._kind.item_type
        for item in items:
            if not isinstance(item, expected):
                raise TypeError(f"can only append {expected.__name__} items, got {type(item).__name__}")
        context = self._context
        warnings: list[str] = []
        records: list[WireRecord] = []
        invalid: list[FailedRecord] = []
        for item in items:  # _convert's steps, without a call and a type check per item
            if isinstance(item, BaseUserEdit):
                _add_profile_warnings(item, warnings)
            try:
                records.append(item._to_wire(context))
            except ValidationError as exc:
                invalid.append(_refused(item, exc))
        self._records.extend(records)
        self._invalid.extend(invalid)
        self._warnings.extend(warnings)

    def _take(
        self, concurrency: int | None, respond: Callable[[BulkCounts], ResponseT]
    ) -> tuple[list[WireRecord], BulkTally[ResponseT], int]:
        """Mark this instance sent and hand over its records, a tally holding its invalid records and
        warnings that makes its response with ``respond``, and the concurrency to send with (shared by the
        sync and the async trigger)."""
        self._check_unsent()
        if concurrency is None:
            concurrency = self._kind.trigger_concurrency
        check_concurrency(concurrency)
        self._sent = True
        records = self._records
        tally = BulkTally(respond=respond, warnings=self._warnings)
        for failed in self._invalid:
            tally.add_failed(failed)
        self._records, self._invalid, self._warnings = [], [], []
        return records, tally, concurrency

    def _check_unsent(self) -> None:
        if self._sent:
            raise BulkAlreadySentError(
                "this bulk instance was already sent; create a new one with new_instance()"
            )


class BulkInstance(BulkRecords[ItemT]):
    """Records to send together; single-use, because a second send would deliver everything twice.

    Not thread-safe: append from one thread, then call ``trigger()`` once.
    """

    __slots__ = ("_client",)

    def __init__(self, client: RequestCore, kind: BulkKind[ItemT]) -> None:
        super().__init__(client.context, kind)
        self._client = client

    def trigger(
        self, *, concurrency: int | None = None, on_progress: ProgressCallback | None = None
    ) -> BulkResponse:
        """Send every record in chunks; failures come back in the ``BulkResponse``.

        Invalid records are reported first, as the official SDK does. Up to ``concurrency`` chunks are in
        flight at once over the client's connection pool; by default 4 for events and workflows, whose
        records are independent, and 1 for profile edits, which keep their order. Three things stop
        sending early and raise with the partial response as ``.response`` (records never sent have the
        outcome ``not_sent``; ``response.retry_failed()`` sends them): a 401 or 403
        (``BulkAuthenticationError``), Ctrl-C (``BulkInterruptedError``, a ``KeyboardInterrupt``, raised
        at once) and ``on_progress`` raising (``BulkProgressError``).
        """
        resend = BulkFactory(self._client, self._kind).resend
        records, tally, concurrency = self._take(
            concurrency, functools.partial(BulkResponse.of, resend=resend)
        )
        route = _route(self._client, self._kind)
        return send_records(
            records,
            send_chunk=route,
            max_records=self._kind.max_records,
            max_bytes=self._kind.max_bytes,
            concurrency=concurrency,
            on_progress=on_progress,
            tally=tally,
            cancel=route.cancel,
        )

    save = trigger


class BulkFactory(Generic[ItemT]):
    """``client.bulk_events`` and friends: new single-use instances, or one streaming send."""

    __slots__ = ("_client", "_kind")

    def __init__(self, client: RequestCore, kind: BulkKind[ItemT]) -> None:
        self._client = client
        self._kind = kind

    def new_instance(self) -> BulkInstance[ItemT]:
        return BulkInstance(self._client, self._kind)

    def stream(
        self,
        records: Iterable[ItemT],
        *,
        concurrency: int = 1,
        on_progress: ProgressCallback | None = None,
        on_failure: FailureCallback | None = None,
    ) -> BulkResponse:
        """Send any number of items, converting and chunking them as they are pulled from ``records``.

        Up to ``concurrency`` chunks are in flight at once, so memory stays near ``concurrency`` x chunk
        size. Only failed records are kept, at most ``STREAM_FAILED_RECORDS_KEPT`` of them (the counts stay
        exact), so memory stays bounded even when everything fails; ``on_failure(failed_record)``, if
        given, takes every failed record instead (on the calling thread) and none is kept. An item that
        cannot be converted is one failed record, and so is an object of the wrong kind; ``records`` itself
        must be an iterable of items (``str`` and ``bytes`` are refused). ``on_progress(done, failed)`` runs
        on the calling thread after each chunk. If iterating ``records`` raises, the items read before are
        still sent, and then ``BulkSourceError`` is raised: its ``response`` counts exactly those items and
        its ``__cause__`` is the source's exception. A 401 or 403, Ctrl-C and a failing callback stop it
        as for ``BulkInstance.trigger``; the items not read yet stay in ``records``.
        """
        check_concurrency(concurrency)
        if isinstance(records, (str, bytes, bytearray, memoryview)):
            raise TypeError(
                f"stream() takes an iterable of {self._kind.item_type.__name__} items, "
                f"not {type(records).__name__}"
            )
        kind = self._kind
        tally = BulkTally(
            respond=functools.partial(BulkResponse.of, resend=self.resend),
            keep=None if on_failure is not None else STREAM_FAILED_RECORDS_KEPT,
            on_failure=on_failure,
        )
        conversions = _stream_conversions(records, kind, self._client.context, tally.warnings)
        route = _route(self._client, kind)
        return send_all(
            conversions,
            send_chunk=route,
            max_records=kind.max_records,
            max_bytes=kind.max_bytes,
            concurrency=concurrency,
            on_progress=on_progress,
            tally=tally,
            cancel=route.cancel,
        )

    def resend(
        self,
        failed_records: Iterable[FailedRecord],
        *,
        concurrency: int | None = None,
        on_progress: ProgressCallback | None = None,
    ) -> BulkResponse:
        """Send failed records of an earlier send of this kind again, each body exactly as it was sent, so
        under its own ``$insert_id`` / ``$idempotency_key``: the hub drops any it already accepted.

        Only records that may pass on a second try are sent (see ``worth_resending``); the response counts
        just those. Use it after ``BulkInterruptedError`` or ``BulkAuthenticationError`` (with a client
        holding the right credentials), or for the records an ``on_failure`` callback collected.
        """
        if concurrency is None:
            concurrency = self._kind.trigger_concurrency
        check_concurrency(concurrency)
        runtime = self._kind.records.runtime_bytes
        records = [
            _wire_again(failed["record"], runtime) for failed in failed_records if worth_resending(failed)
        ]
        route = _route(self._client, self._kind)
        return send_records(
            records,
            send_chunk=route,
            max_records=self._kind.max_records,
            max_bytes=self._kind.max_bytes,
            concurrency=concurrency,
            on_progress=on_progress,
            tally=BulkTally(respond=functools.partial(BulkResponse.of, resend=self.resend)),
            cancel=route.cancel,
        )


def worth_resending(failed: FailedRecord) -> bool:
    """Whether sending the record again may succeed and cannot deliver it twice: never sent; sent with an
    unknown outcome and a dedupe key; or refused by the hub for a reason that can pass (wrong credentials,
    throttling, a conflict or a server error). Records refused before sending would be refused again."""
    body = failed["record"]
    if body is None:
        return False
    outcome = failed["outcome"]
    if outcome == "not_sent":
        return True
    if outcome == "unknown":
        return has_dedupe_key(body)
    if outcome == "failed":
        code = failed["code"]
        return code in RESENDABLE_STATUSES or code >= FIRST_SERVER_ERROR_STATUS
    return False


def _wire_again(body: dict[str, object] | None, runtime_bytes: int) -> WireRecord:
    """A record sent before, dumped again: the same text, so the same keys. Its size counts the kind's
    ``runtime_bytes`` as the first send did, so a resend packs chunks within the same limits."""
    assert body is not None  # worth_resending let only records with a body through
    text = _json.dumps(body)
    return WireRecord(text, _json.encoded_size(text) + runtime_bytes, has_dedupe_key(body))


class BulkWorkflowsFactory(BulkFactory[Workflow]):
    """Legacy workflows, ``POST {workspace}/trigger/``: a 2xx accepts the whole chunk."""

    __slots__ = ()

    def __init__(self, client: RequestCore) -> None:
        super().__init__(client, LEGACY_WORKFLOWS)


class BulkWorkflowTriggerFactory(BulkFactory[WorkflowTriggerRequest]):
    """Workflow trigger requests, ``POST trigger/``: one result per record."""

    __slots__ = ()

    def __init__(self, client: RequestCore) -> None:
        super().__init__(client, WORKFLOW_TRIGGERS)


class BulkEventsFactory(BulkFactory[Event]):
    """Events, ``POST v2/bulk/event/``: one result per record."""

    __slots__ = ()

    def __init__(self, client: RequestCore) -> None:
        super().__init__(client, EVENTS)


class BulkUsersFactory(BulkFactory[BaseUserEdit]):
    """User profile edits as identity events, ``POST event/``: a 2xx accepts the whole chunk."""

    __slots__ = ()

    def __init__(self, client: RequestCore) -> None:
        super().__init__(client, USERS)


def _route(core: RequestCore, kind: BulkKind[ItemT]) -> ChunkRoute:
    return ChunkRoute(build_request=chunk_builder(core, kind), send=core.send, read=kind.read)


def chunk_builder(
    core: RequestCore | AsyncRequestCore, kind: BulkKind[ItemT]
) -> Callable[[bytes, bool], Request]:
    """``(content, retryable) -> request`` of ``kind``'s endpoint with the core's options (pure)."""
    path = kind.path(core)

    def build_request(content: bytes, retryable: bool) -> Request:
        options = core.call_options(kind.operation, retryable=retryable and kind.operation.retry != "never")
        return kind.build_request(base_url=core.base_url, content=content, query=(), options=options, **path)

    return build_request


def _convert(item: WireItem, context: WireContext, warnings: list[str]) -> WireRecord | FailedRecord:
    """The item's wire record, or its failed record; a profile's recorded problems go to ``warnings``."""
    if isinstance(item, BaseUserEdit):
        _add_profile_warnings(item, warnings)
    try:
        return item._to_wire(context)
    except ValidationError as exc:
        return _refused(item, exc)


def _add_profile_warnings(item: BaseUserEdit, warnings: list[str]) -> None:
    prefix = f"[distinct_id: {item.distinct_id}]"
    warnings.extend(prefix + "\n".join(lines) for lines in (item.warnings, item.errors) if lines)


def _refused(item: WireItem, exc: ValidationError) -> FailedRecord:
    """The failed record of an item whose conversion was refused."""
    return FailedRecord(
        record=item._record(), error=short_reason(exc), code=exc.status_code, outcome="refused"
    )


def _stream_conversions(
    records: Iterable[object], kind: BulkKind[ItemT], context: WireContext, warnings: list[str]
) -> Iterator[WireRecord | FailedRecord]:
    """Each item's conversion. One item that cannot be converted, whatever it raises, is one failed record
    and the stream goes on; only an exception from iterating ``records`` itself stops it."""
    for position, item in enumerate(records):
        yield stream_conversion(position, item, kind, context, warnings)


def stream_conversion(
    position: int, item: object, kind: BulkKind[ItemT], context: WireContext, warnings: list[str]
) -> WireRecord | FailedRecord:
    """The conversion of the streamed item at ``position`` (shared by the sync and the async stream)."""
    expected = kind.item_type
    if not isinstance(item, expected):
        reason = f"item {position}: expected {expected.__name__}, got {type(item).__name__}"
        if type(item) in STREAM_OF_KIND:
            reason += f"; stream {type(item).__name__} items with {STREAM_OF_KIND[type(item)]}"
        return FailedRecord(record=None, error=reason, code=WRONG_KIND_CODE, outcome="refused")
    try:
        return _convert(item, context, warnings)
    except Exception as exc:  # this item only: reported, and the items after it are still sent
        return FailedRecord(
            record=None,
            error=f"item {position}: {short_reason(exc)}",
            code=UNCONVERTIBLE_CODE,
            outcome="refused",
        )
