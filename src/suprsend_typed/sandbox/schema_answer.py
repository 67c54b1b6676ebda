"""The answer to an operation the sandbox keeps no state for: read from the spec, so that an operation added
to the spec is served as soon as it is generated.

The request is checked as the hub checks it (path parameters, query parameters and body against the
generated kinds and models; a 400 names the field), and the answer is the operation's documented success
status with a body of the documented shape: every required field of the response model, filled with the
least value its kind accepts (a path parameter of the same name gives its value), and the body's fields of
the same names echoed (a created thing comes back as it was sent). Nothing is stored, so
such an answer reflects no earlier request.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import attrs

from .._errors import ValidationError
from .._generated import endpoints, models
from .._models import validate
from .._operation import OperationInfo
from .._schema_kinds import (
    AnyValue,
    Bool,
    Field,
    Int,
    Kind,
    ListOf,
    MapOf,
    Model,
    Null,
    Number,
    OneOf,
    ScalarKind,
    Shape,
    Str,
)

# Cuts a model reached again inside itself (a tree of models): the optional branch is left out there.
_MAX_DEPTH = 8
_QUERY_TRUE = frozenset({"true", "1"})
_QUERY_FALSE = frozenset({"false", "0"})


@attrs.frozen(kw_only=True, slots=True)
class SchemaAnswer:
    """The status and JSON document (None: no body) of a stateless answer."""

    status: int
    document: Any


class SchemaRefusal(Exception):
    """The request breaks the spec: answered 400 with ``message`` (``<field path>: <reason>``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def schema_answer(
    operation: OperationInfo,
    *,
    params: Mapping[str, str],
    query: Mapping[str, list[str]],
    body: Any,
) -> SchemaAnswer:
    """Check the request against ``operation``'s schemas and answer with its documented shape.

    Raises ``SchemaRefusal`` for a request the spec refuses.
    """
    _check_query(operation, query)
    if operation.body_model is not None:
        try:
            validate(body if body is not None else {}, getattr(models, operation.body_model))
        except ValidationError as exc:
            raise SchemaRefusal(_text(exc)) from None
    if operation.response_model is None:
        document: dict[str, Any] | None = None if operation.success_status == 204 else {}
        return SchemaAnswer(status=operation.success_status, document=document)
    model = getattr(models, operation.response_model)
    shape: Shape = model._shape
    document = _least_document(shape, params, 0)
    if operation.pagination is not None:
        # A page with no items whose meta says it is the last, so that a client's page loop ends.
        document[operation.pagination.items] = []
        meta = next(field for field in shape.fields if field.key == operation.pagination.meta)
        if isinstance(meta.kind, Model):
            meta_shape: Shape = meta.kind.cls._shape
            document[meta.key] = _least_document(meta_shape, params, 0, every_field=True)
    if isinstance(body, dict):
        # What the request said about a field of the answer is echoed, when the answer stays valid.
        echoed = {**document, **{f.key: body[f.key] for f in shape.fields if f.key in body}}
        try:
            validate(echoed, model)
            document = echoed
        except ValidationError:
            pass
    return SchemaAnswer(status=operation.success_status, document=document)


def _check_query(operation: OperationInfo, query: Mapping[str, list[str]]) -> None:
    query_class = getattr(endpoints, _query_class_name(operation.id), None)
    if query_class is None:
        return
    shape: Shape = query_class._shape
    wire: dict[str, Any] = {}
    for field in shape.fields:
        values = query.get(field.key)
        if not values:
            continue
        if isinstance(field.kind, ListOf):
            wire[field.key] = [_query_value(field.kind.items, value) for value in values]
        else:
            wire[field.key] = _query_value(field.kind, values[-1])
    try:
        validate(wire, query_class)
    except ValidationError as exc:
        raise SchemaRefusal(_text(exc)) from None


def _query_class_name(operation_id: str) -> str:
    """``list_users`` -> ``ListUsersQuery``, the generated query class of an operation."""
    return "".join(part.capitalize() for part in operation_id.split("_")) + "Query"


def _query_value(kind: Kind, text: str) -> Any:
    """The JSON value a query string stands for under ``kind``; left as text when it is not one (the check
    that follows then names it)."""
    kinds = kind.branches if isinstance(kind, OneOf) else (kind,)
    for option in kinds:
        if isinstance(option, Int) and re.fullmatch(r"-?\d+", text):
            return int(text)
        if isinstance(option, Number):
            try:
                return float(text)
            except ValueError:
                continue
        if isinstance(option, Bool) and text.lower() in _QUERY_TRUE | _QUERY_FALSE:
            return text.lower() in _QUERY_TRUE
    return text


def _text(error: ValidationError) -> str:
    return f"{error.path}: {error.reason}" if error.path else error.reason


def _least_document(
    shape: Shape, params: Mapping[str, str], depth: int, *, every_field: bool = False
) -> dict[str, Any]:
    return {
        field.key: _least_value(field, field.kind, params, depth)
        for field in shape.fields
        if every_field or field.required or field.key in params
    }


def _least_value(field: Field, kind: Kind, params: Mapping[str, str], depth: int) -> Any:
    if isinstance(kind, OneOf):
        return _least_value(field, _first_not_null(kind), params, depth)
    if isinstance(kind, Str) and field.key in params:
        return params[field.key]
    if isinstance(kind, ScalarKind) and kind.enum:
        return kind.enum[0]
    if isinstance(kind, Str):
        return "x" * (kind.min_length or 0) or field.key
    if isinstance(kind, Int | Number):
        return kind.minimum if kind.minimum is not None else 0
    if isinstance(kind, Bool):
        return False
    if isinstance(kind, Null | AnyValue):
        return None
    if isinstance(kind, ListOf):
        return [_least_value(field, kind.items, params, depth + 1) for _ in range(kind.min_items or 0)]
    if isinstance(kind, MapOf):
        return {}
    if isinstance(kind, Model):
        if depth >= _MAX_DEPTH:
            return {}
        return _least_document(kind.cls._shape, params, depth + 1)
    return None


def _first_not_null(kind: OneOf) -> Kind:
    for branch in kind.branches:
        if not isinstance(branch, Null):
            return branch
    return kind.branches[0]
