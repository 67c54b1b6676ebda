"""The hub's behaviour, independent of sockets: authenticate, route, check limits, validate, dedupe, store,
answer."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Final, Literal
from urllib.parse import parse_qs, urlsplit

import attrs

from .._errors import ValidationError
from .._generated import models
from .._generated.operations import OPERATIONS
from .._models import validate
from .._operation import OperationInfo, RecordAccepted, record_facts
from .answers import HubAnswer, error_answer, error_body, json_answer
from .auth import AuthResult, Credentials, authenticate, authenticate_headers
from .faults import Fault
from .guard import Refusal, check_size
from .handlers import state_handlers
from .handlers.base import Context, StateCall, StateError
from .handlers.base import Handler as StateHandler
from .handlers.messages import MAX_MESSAGE_PAGE, make_messages
from .handlers.templates import template_category
from .limits import RequestLimits, check_limits, request_limits
from .profiles import OperationError, apply_operations
from .routes import Route, allowed_methods, match_route
from .schema_answer import SchemaRefusal, schema_answer
from .store import RecordRow, RequestOutcome, RequestRow, Store
from .times import iso_time
from .validation import PUBLIC_EVENT, Validator, error_text, is_public_event, join_path, parse_json

__all__ = ["MAX_MESSAGE_PAGE", "HubAnswer", "error_body", "iso_time"]

IDEMPOTENCY_WINDOW_SECONDS: Final = 24 * 60 * 60
"""How long the hub remembers an ``$idempotency_key`` or ``$insert_id``."""
LEGACY_ACCEPTED_TEXT: Final = "Accepted - OK"
_DROP_AFTER: Final = Fault(kind="drop_after").describe()

TOO_DEEP_MESSAGE: Final = "body is not valid JSON: it nests too deeply"

ArrayRule = Literal["object_only", "array_only", "whole", "per_record"]
"""How an endpoint treats a JSON array: refused, required, all-or-nothing (400), or one outcome per record."""


@attrs.frozen(kw_only=True, slots=True)
class RecordRoute:
    """How the hub serves one records endpoint: its operation's ``x-suprsend-records`` facts, read as the
    sandbox needs them."""

    kind: str  # what the request log calls one record
    family: str  # records of one family share idempotency keys
    arrays: ArrayRule
    limits: RequestLimits
    single: Callable[[str], Any] | None  # message id -> body of a 202 for a single object
    run_recipients: str | None  # a record runs a workflow for the recipients in this field
    edits_profile: bool  # a record edits the profile of its ``distinct_id``
    event_api_kind: str | None  # Event API items are also taken, logged as this kind
    workspace_params: tuple[str, ...]  # path parameters naming a workspace: an unknown one is a 404
    single_status: int = 202


def _message_id_answer(message_id: str) -> Any:
    return {"message_id": message_id, "status": "success"}


def _message_answer(_: str) -> Any:
    return {"message": "OK"}


def _text_answer(_: str) -> Any:
    return LEGACY_ACCEPTED_TEXT


SINGLE_ANSWERS: Final[Mapping[RecordAccepted, Callable[[str], Any]]] = {
    "message-id": _message_id_answer,
    "message": _message_answer,
    "text": _text_answer,
}
"""The body of each ``accepted`` answer shape of the spec, made from the accepted record's message id."""


def record_route(operation: OperationInfo) -> RecordRoute:
    """The route of a records endpoint, all read from the spec's record facts of ``operation``."""
    records = record_facts(operation)
    if records.effect == "workflow-run" and records.recipients is None:
        raise ValueError(f"operation {operation.id!r}: a workflow-run effect names its recipients field")
    arrays: ArrayRule
    if records.body == "object":
        arrays = "object_only"
    elif records.body == "array":
        arrays = "array_only"
    else:
        arrays = "per_record" if records.answer == "per-record" else "whole"
    return RecordRoute(
        kind=records.kind,
        family=records.dedupe,
        arrays=arrays,
        limits=request_limits(records),
        single=None if records.accepted is None else SINGLE_ANSWERS[records.accepted],
        run_recipients=records.recipients if records.effect == "workflow-run" else None,
        edits_profile=records.effect == "profile-edit",
        event_api_kind=records.event_api_kind,
        workspace_params=operation.workspace_params,
    )


RECORD_ROUTES: Final[Mapping[str, RecordRoute]] = {
    op.id: record_route(op) for op in OPERATIONS.values() if op.records is not None
}
"""Operation id -> its route, for every operation of the table with record facts: a records endpoint added
to the spec is served with no line here."""


@attrs.frozen(kw_only=True, slots=True)
class Call:
    """One routed request, as its handler gets it."""

    route: Route
    params: Mapping[str, str]  # path parameters
    request: RequestRow
    body: Any  # the parsed JSON body, None when empty
    raw_path: str  # path and query as received
    now: float


Handler = Callable[[Call], HubAnswer]


class Hub:
    """One workspace of the hub. ``handle`` is called from several server threads at once."""

    def __init__(
        self,
        *,
        credentials: Credentials,
        store: Store,
        clock: Callable[[], float],
        new_id: Callable[[], str],
        validator: Validator,
        record_bodies: bool = True,
    ) -> None:
        self.credentials = credentials
        self.store = store
        self._clock = clock
        self._new_id = new_id
        self._validate = validator
        self._record_bodies = record_bodies
        self.context = Context(store=store, new_id=new_id, workspaces=lambda: credentials.workspace_names)
        self.handlers: Mapping[str, Handler] = {
            **{
                op_id: self._state_handler(OPERATIONS[op_id], handler)
                for op_id, handler in state_handlers(OPERATIONS.values()).items()
            },
            **{op_id: self._serve_records for op_id in RECORD_ROUTES},
        }
        """The handler of each operation id (``routes.Route.handler``): the records endpoints', and the state
        handlers of ``handlers/<namespace>.py``."""

    def screen(
        self, *, position: int, method: str, raw_path: str, headers: Mapping[str, str], length: int
    ) -> HubAnswer | AuthResult:
        """The answer to a request refused on its head alone, logged; or, when its body is worth reading,
        what its headers showed (for ``handle``'s ``checked_head``).

        Credentials come first (all but an HMAC signature can be checked without the body), then the
        declared size: an unauthenticated or oversized body is never read, let alone kept.
        """
        now = self._clock()
        request = self._row(position, method, raw_path, now)
        auth = authenticate_headers(self.credentials, headers=headers, now=now)
        if auth.error is not None:
            request = attrs.evolve(request, auth=auth.scheme)
            return self._refuse(request, 401, auth.error, "authentication_error")
        oversized = check_size(length)
        if oversized is not None:
            return self.refuse(attrs.evolve(request, auth=auth.scheme), oversized)
        return auth

    def refuse_head(self, *, position: int, method: str, raw_path: str, refusal: Refusal) -> HubAnswer:
        """Log and answer a request refused before authentication (a foreign ``Host``, a bad length)."""
        return self.refuse(self._row(position, method, raw_path, self._clock()), refusal)

    def refuse(self, request: RequestRow, refusal: Refusal) -> HubAnswer:
        return self._refuse(request, refusal.status, refusal.message, refusal.error_type)

    def _row(
        self, position: int, method: str, raw_path: str, now: float, fault: Fault | None = None
    ) -> RequestRow:
        return RequestRow(
            position=position,
            method=method,
            path=raw_path,
            kind=None,
            status=None,
            outcome="rejected",
            auth=None,
            fault=None if fault is None else fault.describe(),
            received_at=now,
        )

    def handle(
        self,
        *,
        position: int,
        method: str,
        raw_path: str,
        headers: Mapping[str, str],
        content: bytes,
        fault: Fault | None = None,
        checked_head: AuthResult | None = None,
    ) -> HubAnswer:
        """Process one request whose body was read. ``fault`` (``latency`` or ``drop_after``) is logged with
        it; under ``drop_after`` the request is logged as dropped, since its answer is never sent.
        ``checked_head``: what ``screen`` found in the headers, not checked again."""
        now = self._clock()
        path = urlsplit(raw_path).path
        body_text = content.decode("utf-8", errors="replace") if self._record_bodies and content else None
        request = attrs.evolve(self._row(position, method, raw_path, now, fault), body=body_text)
        auth = authenticate(
            self.credentials,
            method=method,
            request_uri=raw_path,
            headers=headers,
            content=content,
            now=now,
            checked_head=checked_head,
        )
        request = attrs.evolve(request, auth=auth.scheme)
        if auth.error is not None:
            return self._refuse(request, 401, auth.error, "authentication_error")
        found = match_route(method, path)
        if found is None:
            allowed = allowed_methods(path)
            if allowed:
                message = f"method {method} not allowed on {path}: use {', '.join(allowed)}"
                allow = (("Allow", ", ".join(allowed)),)
                return self._refuse(request, 405, message, "method_not_allowed", headers=allow)
            return self._refuse(request, 404, f"no endpoint {method} {path}", "not_found")
        request = attrs.evolve(request, kind=found.route.kind)
        try:
            body = parse_json(content) if content else None
        except ValueError as exc:
            return self._refuse(request, 400, f"body is not valid JSON: {exc}", "validation_error")
        except RecursionError:
            return self._refuse(request, 400, TOO_DEEP_MESSAGE, "validation_error")
        route, params = found.route, found.params
        call = Call(route=route, params=params, request=request, body=body, raw_path=raw_path, now=now)
        handler = self.handlers.get(route.handler)
        try:
            if handler is None:  # an operation the sandbox keeps no state for: answered from the spec
                return self._from_schema(call)
            return handler(call)
        except RecursionError:
            # A body that parsed may still nest too deeply for validation or for measuring its size.
            return self._refuse(request, 400, TOO_DEEP_MESSAGE, "validation_error")
        except Exception as exc:  # a sandbox bug: answer and log it rather than drop the connection
            message = f"sandbox internal error: {type(exc).__name__}: {exc}"
            return self._refuse(request, 500, message, "internal_error")

    # Records endpoints (triggers and events)

    def _serve_records(self, call: Call) -> HubAnswer:
        route = RECORD_ROUTES[call.route.handler]
        for name in route.workspace_params:
            workspace = call.params[name]
            if workspace not in self.credentials.workspace_names:
                return self._refuse(call.request, 404, f"workspace {workspace!r} not found", "not_found")
        return self._records(route, call.request, call.body, call.now)

    def _records(self, route: RecordRoute, request: RequestRow, body: Any, now: float) -> HubAnswer:
        is_array = isinstance(body, list)
        if is_array and route.arrays == "object_only":
            return self._invalid(request, "", "expected a JSON object, got an array (use the bulk endpoint)")
        if not is_array and route.arrays == "array_only":
            return self._invalid(request, "", f"expected a JSON array, got {_json_type(body)}")
        if not is_array and not isinstance(body, dict):
            return self._invalid(request, "", f"expected a JSON object or array, got {_json_type(body)}")
        items = body if is_array else [body]
        if not items:
            return self._invalid(request, "", "array must not be empty")
        breach = check_limits(route.limits, items, is_array=is_array)
        if breach is not None:
            return self._refuse(request, breach.status, breach.message, breach.error_type)
        rows = [self._record_row(route, position, item) for position, item in enumerate(items)]
        rejected = [row for row in rows if row.status == "rejected"]
        if rejected and (not is_array or route.arrays == "whole"):
            first = rejected[0]
            where = f"[{first.position}]" if is_array else ""
            return self._refuse(
                request,
                400,
                join_path(where, first.error or "") if where else first.error or "",
                "validation_error",
            )
        status = 207 if is_array and route.arrays in ("per_record", "array_only") else route.single_status
        request = _answered(request, status)
        with self.store.transaction():  # the profile edits of identity events are read-modify-writes
            final = self.store.accept(request, rows, now=now, window=IDEMPOTENCY_WINDOW_SECONDS)
            self._side_effects(route, final, items, now)
        if status == 207:
            return json_answer(207, {"records": [_record_outcome(row) for row in final], "status": "success"})
        assert route.single is not None  # only an array-only endpoint has none, and it answers 207
        answer = route.single(final[0].message_id or "")
        if isinstance(answer, str):
            return HubAnswer(
                status=status, body=answer.encode("utf-8"), content_type="text/plain; charset=utf-8"
            )
        return json_answer(status, answer)

    def _record_row(self, route: RecordRoute, position: int, item: Any) -> RecordRow:
        text = json.dumps(item, ensure_ascii=False) if self._record_bodies else None
        kind = route.kind
        if route.event_api_kind is not None and is_public_event(item):
            kind = route.event_api_kind
        public_event = kind != route.kind
        try:
            self._validate(PUBLIC_EVENT if public_event else route.kind, item)
        except ValidationError as exc:
            return RecordRow(
                kind=kind, position=position, status="rejected", error=error_text(exc), body=text
            )
        return RecordRow(
            kind=kind,
            position=position,
            status="accepted",
            message_id=self._new_id(),
            insert_id=_text_or_none(item.get("$insert_id")),
            idempotency_key=_text_or_none(item.get("$idempotency_key")),
            body=text,
            family=route.family,
        )

    def _side_effects(self, route: RecordRoute, rows: list[RecordRow], items: list[Any], now: float) -> None:
        """Messages for new workflow runs and profile changes for new identity events (full mode only):
        the ``effect`` of the endpoint's record facts."""
        if not self._record_bodies:
            return
        fresh = [(row, items[row.position]) for row in rows if row.status == "accepted"]
        if route.run_recipients is not None:
            for row, item in fresh:
                self._run_messages(route.run_recipients, row, item, now)
        elif route.edits_profile:
            profiles: dict[str, dict[str, Any]] = {}
            for row, item in fresh:
                if row.kind != route.kind:
                    continue  # an Event API event on the same endpoint: no profile change
                distinct_id = str(item.get("distinct_id"))
                current = profiles.get(distinct_id) or self.store.profile(distinct_id)
                operations = item.get("$user_operations") or []
                try:
                    profiles[distinct_id] = apply_operations(current, operations, now=iso_time(now))
                except OperationError:
                    continue  # the event was accepted; like the hub, drop the edit it cannot apply
            self.store.save_profiles(profiles.items())

    def _run_messages(self, recipients: str, row: RecordRow, item: dict[str, Any], now: float) -> None:
        """The messages of one accepted workflow run: one per recipient (see ``handlers.messages``)."""
        workflow = item.get("workflow") or item.get("name")
        category = item.get("notification_category") or template_category(
            self.context, item.get("template") or workflow
        )
        make_messages(
            self.context,
            base_id=row.message_id or "",
            recipients=item.get(recipients) or [],
            workflow=str(workflow) if workflow is not None else None,
            category=str(category) if category is not None else None,
            run={"tenant_id": item.get("tenant_id"), "idempotency_key": row.idempotency_key},
            now=iso_time(now),
        )

    # State operations (``handlers/<namespace>.py``)

    def _state_handler(self, op: OperationInfo, handler: StateHandler) -> Handler:
        """``handler`` behind the checks every state operation shares: its body against the operation's
        generated model (400 naming the field; a missing or null body is an empty object), the handler and
        the request log in one store transaction, and the answer."""
        model = None if op.body_model is None else getattr(models, op.body_model)

        def serve(call: Call) -> HubAnswer:
            body = call.body
            if model is not None:
                body = {} if body is None else body
                try:
                    validate(body, model)
                except ValidationError as exc:
                    return self._refuse(call.request, 400, error_text(exc), "validation_error")
                if not isinstance(body, dict):
                    return self._refuse(call.request, 400, "body: expected a JSON object", "validation_error")
            query = parse_qs(urlsplit(call.raw_path).query, keep_blank_values=True)
            request = StateCall(params=call.params, query=query, body=body, now=iso_time(call.now))
            try:
                with self.store.transaction():
                    status, document = handler(self.context, request)
                    self.store.save_request(_answered(call.request, status))
            except StateError as exc:
                return self._refuse(call.request, exc.status, exc.message, exc.error_type)
            if document is None:
                return HubAnswer(status=status, body=b"")
            return json_answer(status, document)

        return serve

    def _from_schema(self, call: Call) -> HubAnswer:
        query = parse_qs(urlsplit(call.raw_path).query, keep_blank_values=True)
        try:
            answer = schema_answer(
                OPERATIONS[call.route.kind], params=call.params, query=query, body=call.body
            )
        except SchemaRefusal as exc:
            return self._refuse(call.request, 400, exc.message, "validation_error")
        self.store.save_request(_answered(call.request, answer.status))
        if answer.document is None:
            return HubAnswer(status=answer.status, body=b"")
        return json_answer(answer.status, answer.document)

    # Refusals

    def _invalid(self, request: RequestRow, path: str, reason: str) -> HubAnswer:
        return self._refuse(request, 400, f"{path}: {reason}" if path else reason, "validation_error")

    def _refuse(
        self,
        request: RequestRow,
        status: int,
        message: str,
        error_type: str,
        headers: tuple[tuple[str, str], ...] = (),
    ) -> HubAnswer:
        outcome: RequestOutcome = "dropped" if request.fault == _DROP_AFTER else "rejected"
        self.store.save_request(attrs.evolve(request, status=status, outcome=outcome, error=message))
        return error_answer(status, message, error_type, headers)


def _answered(request: RequestRow, status: int) -> RequestRow:
    """``request`` processed with ``status``: accepted, or dropped when a drop_after fault eats the answer."""
    outcome: RequestOutcome = "dropped" if request.fault == _DROP_AFTER else "accepted"
    return attrs.evolve(request, status=status, outcome=outcome)


def _record_outcome(row: RecordRow) -> dict[str, Any]:
    if row.status == "rejected":
        return {
            "status": "error",
            "status_code": 400,
            "error": {"message": row.error, "type": "validation_error"},
        }
    return {"status": "success", "status_code": 202, "message_id": row.message_id}


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")
