"""What every state handler shares: the call it gets, the refusal it raises, its context, and the hub's two
page shapes (one implementation each).

A handler takes ``(Context, StateCall)`` (path parameters, query, the body already checked against the
operation's generated model) and returns ``(status, document)``, or raises ``StateError`` with the hub's
error status and a message naming the bad field or the unknown id. The hub runs each handler in one store
transaction, so a read-modify-write of an entity is never interleaved with another request's.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any, Final

import attrs

from ..store import Store

Answer = tuple[int, Any]
"""An HTTP status and the JSON document to answer with (None: no body)."""

NO_CONTENT: Final = 204
DEFAULT_PAGE_LIMIT: Final = 10
MIN_PAGE_LIMIT: Final = 1


class StateError(Exception):
    """A request the hub refuses: ``status`` (400, 404), a ``message`` naming the field or id."""

    def __init__(self, status: int, message: str, error_type: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.error_type = error_type


def not_found(what: str, key: str) -> StateError:
    return StateError(404, f"{what} {key!r} not found", "not_found")


def invalid(field: str, reason: str) -> StateError:
    return StateError(400, f"{field}: {reason}", "validation_error")


@attrs.frozen(kw_only=True, slots=True)
class Context:
    """What handlers work on: the store, the id factory and the workspace names the hub answers to."""

    store: Store
    new_id: Callable[[], str]
    workspaces: Callable[[], Iterable[str]]


@attrs.frozen(kw_only=True, slots=True)
class StateCall:
    params: Mapping[str, str]
    query: Mapping[str, list[str]]
    body: Any
    now: str  # ISO 8601, the hub's time of the request

    def text(self, name: str) -> str | None:
        values = self.query.get(name) or self.query.get(f"{name}[]")
        return values[-1] if values else None

    def texts(self, name: str) -> list[str]:
        """Every value of a repeatable filter (``name`` or ``name[]``)."""
        return [*self.query.get(name, []), *self.query.get(f"{name}[]", [])]

    def number(self, name: str, default: int, minimum: int = 0) -> int:
        value = self.text(name)
        if value is None or value == "":
            return default
        try:
            number = int(value)
        except ValueError:
            raise invalid(name, f"expected an integer, got {value!r}") from None
        if number < minimum:
            raise invalid(name, f"must be at least {minimum}, got {number}")
        return number

    def limit(self, maximum: int | None = None) -> int:
        limit = self.number("limit", DEFAULT_PAGE_LIMIT, MIN_PAGE_LIMIT)
        if maximum is not None and limit > maximum:
            raise invalid("limit", f"must be at most {maximum}, got {limit}")
        return limit


Handler = Callable[[Context, StateCall], Answer]


def cursor_page(
    call: StateCall, items: Sequence[tuple[str, Any]], *, max_limit: int | None = None
) -> dict[str, Any]:
    """The hub's cursor page of ``items`` (every matching ``(cursor key, result)``, in key order) for
    ``limit``/``after``/``before`` (``after`` wins when both are given):
    ``{"meta": {count (all matching), limit, has_prev, before, has_next, after}, "results": [...]}``."""
    limit = call.limit(max_limit)
    after, before = call.text("after"), call.text("before")
    if after:
        selected = [item for item in items if item[0] > after]
        page, has_prev, has_next = selected[:limit], True, len(selected) > limit
    elif before:
        selected = [item for item in items if item[0] < before]
        page, has_prev, has_next = selected[-limit:], len(selected) > limit, True
    else:
        page, has_prev, has_next = list(items[:limit]), False, len(items) > limit
    meta = {
        "count": len(items),
        "limit": limit,
        "has_prev": has_prev,
        "before": page[0][0] if page and has_prev else None,
        "has_next": has_next,
        "after": page[-1][0] if page and has_next else None,
    }
    return {"meta": meta, "results": [result for _, result in page]}


def offset_page(call: StateCall, results: Sequence[Any]) -> dict[str, Any]:
    """The hub's offset page: ``{"meta": {count (the total), limit, offset}, "results": [...]}``."""
    limit = call.limit()
    offset = call.number("offset", 0)
    return {
        "meta": {"count": len(results), "limit": limit, "offset": offset},
        "results": list(results[offset : offset + limit]),
    }
