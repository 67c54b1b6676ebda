"""The hub's behaviour, independent of sockets: authenticate, route, check limits, validate, dedupe, store,
answer."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime, timezone
from typing import Any, Final, Literal
from urllib.parse import parse_qs, urlsplit

import attrs

from .._errors import ValidationError
from .._generated import models
from .._generated.endpoints import LIST_MESSAGES_LIMIT_MAXIMUM
from .._generated.operations import OPERATIONS
from .._json import dumps
from .._models import validate
from .._operation import OperationInfo
from .auth import AuthResult, Credentials, authenticate, authenticate_headers
from .faults import Fault
from .guard import Refusal, check_size
from .limits import RequestLimits, check_limits, request_limits
from .profiles import OperationError, apply_operations
from .routes import Route, match_route
from .schema_answer import SchemaRefusal, schema_answer
from .state import Handler as StateHandler
from .state import State, StateCall, StateError
from .store import MESSAGE_FILTER_COLUMNS, RecordRow, RequestOutcome, RequestRow, Store
from .validation import Validator, error_text, join_path

IDEMPOTENCY_WINDOW_SECONDS: Final = 24 * 60 * 60
"""How long the hub remembers an ``$idempotency_key`` or ``$insert_id``."""
DEFAULT_MESSAGE_PAGE: Final = 10
MAX_MESSAGE_PAGE: Final = LIST_MESSAGES_LIMIT_MAXIMUM
LEGACY_ACCEPTED_TEXT: Final = "Accepted - OK"
_DROP_AFTER: Final = Fault(kind="drop_after").describe()

TOO_DEEP_MESSAGE: Final = "body is not valid JSON: it nests too deeply"

ArrayRule = Literal["object_only", "array_only", "whole", "per_record"]
"""How an endpoint treats a JSON array: refused, required, all-or-nothing (400), or one outcome per record."""


@attrs.frozen(kw_only=True, slots=True)
class HubAnswer:
    status: int
    body: bytes
    content_type: str = "application/json; charset=utf-8"
    headers: tuple[tuple[str, str], ...] = ()


@attrs.frozen(kw_only=True, slots=True)
class _RecordRoute:
    kind: str
    family: str  # records of one family share idempotency keys
    arrays: ArrayRule
    limits: RequestLimits
    single: Callable[[str], Any]  # message id -> body of a 202 for a single object
    single_status: int = 202


def _trigger_answer(message_id: str) -> Any:
    return {"message_id": message_id, "status": "success"}


def _identity_answer(_: str) -> Any:
    return {"message": "OK"}


def _legacy_answer(_: str) -> Any:
    return LEGACY_ACCEPTED_TEXT


def _record_route(op_id: str, *, kind: str, family: str, single: Callable[[str], Any]) -> _RecordRoute:
    """The route of a records endpoint: its array rule and limits are the spec's record facts."""
    records = OPERATIONS[op_id].records
    if records is None:
        raise ValueError(f"operation {op_id!r} has no x-suprsend-records in the spec")
    arrays: ArrayRule
    if records.body == "object":
        arrays = "object_only"
    elif records.body == "array":
        arrays = "array_only"
    else:
        arrays = "per_record" if records.answer == "per-record" else "whole"
    return _RecordRoute(
        kind=kind, family=family, arrays=arrays, limits=request_limits(records), single=single
    )


_RECORD_ROUTES: Final = {  # by operation id
    "trigger_workflow": _record_route(
        "trigger_workflow", kind="workflow_trigger", family="workflow", single=_trigger_answer
    ),
    "track_event": _record_route("track_event", kind="event", family="event", single=_trigger_answer),
    "track_events_bulk": _record_route(
        "track_events_bulk", kind="event", family="event", single=_trigger_answer
    ),
    "send_identity_events": _record_route(
        "send_identity_events", kind="identity_event", family="identity", single=_identity_answer
    ),
}
_LEGACY_ROUTE: Final = _record_route(
    "trigger_legacy_workflow", kind="legacy_workflow", family="workflow", single=_legacy_answer
)


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


def error_body(message: str, error_type: str) -> bytes:
    return dumps({"error": {"message": message, "type": error_type}}).encode("utf-8")


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
        self.state = State(store=store, new_id=new_id, workspaces=lambda: credentials.workspace_names)
        state_handlers = {
            op_id: self._state_handler(OPERATIONS[op_id], handler)
            for op_id, handler in self.state.handlers().items()
        }
        self.handlers: Mapping[str, Handler] = {
            **state_handlers,
            **{op_id: self._serve_records for op_id in _RECORD_ROUTES},
            "trigger_legacy_workflow": self._serve_legacy_records,
            "edit_user": self._edit_user,
            "get_user": self._get_user,
            "list_messages": self._list_messages,
            "bulk_update_messages": self._update_messages,
        }
        """The handler of each operation id (``routes.Route.handler``)."""

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
            return self._refuse(request, 404, f"no endpoint {method} {path}", "not_found")
        request = attrs.evolve(request, kind=found.route.kind)
        try:
            body = json.loads(content) if content else None
        except ValueError as exc:
            return self._refuse(request, 400, f"body is not valid JSON: {exc}", "validation_error")
        except RecursionError:
            return self._refuse(request, 400, TOO_DEEP_MESSAGE, "validation_error")
        route, params = found.route, found.params
        call = Call(route=route, params=params, request=request, body=body, raw_path=raw_path, now=now)
        try:
            handler = self.handlers.get(route.handler)
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
        return self._records(_RECORD_ROUTES[call.route.handler], call.request, call.body, call.now)

    def _serve_legacy_records(self, call: Call) -> HubAnswer:
        workspace = call.params["workspace"]
        if workspace not in self.credentials.workspace_names:
            return self._refuse(call.request, 404, f"workspace {workspace!r} not found", "not_found")
        return self._records(_LEGACY_ROUTE, call.request, call.body, call.now)

    def _records(self, route: _RecordRoute, request: RequestRow, body: Any, now: float) -> HubAnswer:
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
        final = self.store.accept(request, rows, now=now, window=IDEMPOTENCY_WINDOW_SECONDS)
        self._side_effects(route.kind, final, items, now)
        if status == 207:
            return _json_answer(
                207, {"records": [_record_outcome(row) for row in final], "status": "success"}
            )
        answer = route.single(final[0].message_id or "")
        if isinstance(answer, str):
            return HubAnswer(
                status=status, body=answer.encode("utf-8"), content_type="text/plain; charset=utf-8"
            )
        return _json_answer(status, answer)

    def _record_row(self, route: _RecordRoute, position: int, item: Any) -> RecordRow:
        text = json.dumps(item, ensure_ascii=False) if self._record_bodies else None
        try:
            self._validate(route.kind, item)
        except ValidationError as exc:
            return RecordRow(
                kind=route.kind, position=position, status="rejected", error=error_text(exc), body=text
            )
        return RecordRow(
            kind=route.kind,
            position=position,
            status="accepted",
            message_id=self._new_id(),
            insert_id=_text_or_none(item.get("$insert_id")),
            idempotency_key=_text_or_none(item.get("$idempotency_key")),
            body=text,
            family=route.family,
        )

    def _side_effects(self, kind: str, rows: list[RecordRow], items: list[Any], now: float) -> None:
        """Messages for new workflow runs and profile changes for new identity events (full mode only)."""
        if not self._record_bodies:
            return
        fresh = [(row, items[row.position]) for row in rows if row.status == "accepted"]
        if kind in ("workflow_trigger", "legacy_workflow"):
            self.store.add_messages(
                message for row, item in fresh for message in _messages_for(kind, row, item, now)
            )
        elif kind == "identity_event":
            profiles: dict[str, dict[str, Any]] = {}
            for _, item in fresh:
                distinct_id = str(item.get("distinct_id"))
                current = profiles.get(distinct_id) or self.store.profile(distinct_id)
                operations = item.get("$user_operations") or []
                try:
                    profiles[distinct_id] = apply_operations(current, operations, now=iso_time(now))
                except OperationError:
                    continue  # the event was accepted; like the hub, drop the edit it cannot apply
            self.store.save_profiles(profiles.items())

    # State operations (``state.State``)

    def _state_handler(self, op: OperationInfo, handler: StateHandler) -> Handler:
        """``handler`` behind the checks every state operation shares: its body against the operation's
        generated model (400 naming the field), and the answer logged."""
        model = None if op.body_model is None else getattr(models, op.body_model)

        def serve(call: Call) -> HubAnswer:
            body = call.body
            if model is not None:
                try:
                    validate(body if body is not None else {}, model)
                except ValidationError as exc:
                    return self._refuse(call.request, 400, error_text(exc), "validation_error")
            query = parse_qs(urlsplit(call.raw_path).query, keep_blank_values=True)
            request = StateCall(params=call.params, query=query, body=body, now=iso_time(call.now))
            try:
                status, document = handler(request)
            except StateError as exc:
                return self._refuse(call.request, exc.status, exc.message, exc.error_type)
            self.store.save_request(_answered(call.request, status))
            if document is None:
                return HubAnswer(status=status, body=b"")
            return _json_answer(status, document)

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
        return _json_answer(answer.status, answer.document)

    # Users

    def _edit_user(self, call: Call) -> HubAnswer:
        distinct_id, request, body = call.params["distinct_id"], call.request, call.body
        try:
            self._validate("user_edit", body)
        except ValidationError as exc:
            return self._refuse(request, 400, error_text(exc), "validation_error")
        current = self.store.profile(distinct_id)
        try:
            profile = apply_operations(current, body["operations"], now=iso_time(call.now))
        except OperationError as exc:
            return self._refuse(request, 400, f"operations{exc}", "validation_error")
        self.store.save_profiles([(distinct_id, profile)])
        record = RecordRow(
            kind="user_edit",
            position=0,
            status="accepted",
            body=json.dumps(body, ensure_ascii=False) if self._record_bodies else None,
        )
        self.store.accept(_answered(request, 200), [record], now=0.0, window=0.0)
        return _json_answer(200, {"distinct_id": distinct_id, **profile})

    def _get_user(self, call: Call) -> HubAnswer:
        distinct_id, request = call.params["distinct_id"], call.request
        profile = self.store.profile(distinct_id)
        if profile is None:
            return self._refuse(request, 404, f"user {distinct_id!r} not found", "not_found")
        self.store.save_request(_answered(request, 200))
        return _json_answer(200, {"distinct_id": distinct_id, **profile})

    # Messages

    def _list_messages(self, call: Call) -> HubAnswer:
        request = call.request
        query = parse_qs(urlsplit(call.raw_path).query)
        try:
            limit = int(query.get("limit", [str(DEFAULT_MESSAGE_PAGE)])[-1])
            after = int(query.get("after", ["0"])[-1] or 0)
        except ValueError:
            return self._refuse(request, 400, "limit and after must be integers", "validation_error")
        if not 1 <= limit <= MAX_MESSAGE_PAGE:
            return self._refuse(
                request, 400, f"limit must be within 1..{MAX_MESSAGE_PAGE}", "validation_error"
            )
        filters: dict[str, list[str]] = {}
        for column in MESSAGE_FILTER_COLUMNS:
            name = "workflow_slug" if column == "workflow" else column
            values = query.get(name, []) + query.get(f"{name}[]", [])
            if values:
                filters[column] = values
        page = self.store.messages(filters, after=after, limit=limit + 1)
        has_next = len(page) > limit
        page = page[:limit]
        self.store.save_request(_answered(request, 200))
        meta = {
            "count": len(page),
            "limit": limit,
            "has_prev": after > 0,
            "before": str(page[0]["seq"]) if page and after > 0 else None,
            "has_next": has_next,
            "after": str(page[-1]["seq"]) if page and has_next else None,
        }
        results = [{k: v for k, v in message.items() if k != "seq"} for message in page]
        return _json_answer(200, {"meta": meta, "results": results})

    def _update_messages(self, call: Call) -> HubAnswer:
        request, body = call.request, call.body
        try:
            self._validate("message_update", body)
        except ValidationError as exc:
            return self._refuse(request, 400, error_text(exc), "validation_error")
        outcomes = []
        for item in body["messages"]:
            found = self.store.set_message_status(item["message_id"], item["action"])
            error = (
                None
                if found
                else {"type": "not_found", "message": f"message {item['message_id']!r} not found"}
            )
            outcomes.append(
                {"message_id": item["message_id"], "status_code": 202 if found else 404, "error": error}
            )
        self.store.save_request(_answered(request, 202))
        return _json_answer(202, {"records": outcomes})

    # Refusals

    def _invalid(self, request: RequestRow, path: str, reason: str) -> HubAnswer:
        return self._refuse(request, 400, f"{path}: {reason}" if path else reason, "validation_error")

    def _refuse(self, request: RequestRow, status: int, message: str, error_type: str) -> HubAnswer:
        outcome: RequestOutcome = "dropped" if request.fault == _DROP_AFTER else "rejected"
        self.store.save_request(attrs.evolve(request, status=status, outcome=outcome, error=message))
        return HubAnswer(status=status, body=error_body(message, error_type))


def _json_answer(status: int, document: Any) -> HubAnswer:
    return HubAnswer(status=status, body=dumps(document).encode("utf-8"))


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


def _messages_for(kind: str, row: RecordRow, item: dict[str, Any], now: float) -> list[dict[str, Any]]:
    """One message per recipient; a single recipient's message has the trigger's message id."""
    recipients = item.get("users" if kind == "legacy_workflow" else "recipients") or []
    ids = [r if isinstance(r, str) else str(r.get("distinct_id")) for r in recipients]
    base = row.message_id or ""
    return [
        {
            "message_id": base if len(ids) == 1 else f"{base}.{index}",
            "recipient_id": distinct_id,
            "workflow": item.get("workflow") or item.get("name"),
            "status": "delivered",
            "idempotency_key": row.idempotency_key,
            "tenant_id": item.get("tenant_id"),
            "execution_id": base,
            "created_at": iso_time(now),
        }
        for index, distinct_id in enumerate(ids)
    ]


def iso_time(timestamp: float) -> str:
    """``2026-01-02T03:04:05.678000Z``: how the hub writes times."""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat().replace("+00:00", "Z")


def _text_or_none(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _json_type(value: Any) -> str:
    names = {dict: "an object", list: "an array", str: "a string", bool: "a boolean", type(None): "null"}
    return names.get(type(value), "a number")
