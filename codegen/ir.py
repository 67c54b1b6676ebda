"""The intermediate representation: what the templates render, with every spec detail already resolved."""

from __future__ import annotations

from typing import Literal, TypeAlias

import attrs

JsonType = Literal["string", "integer", "number", "boolean", "null"]


@attrs.frozen(kw_only=True)
class Scalar:
    """A JSON scalar with the constraints that apply to its type."""

    json_type: JsonType
    enum: tuple[str | int | float | bool | None, ...] | None = None
    min_length: int | None = None
    max_length: int | None = None
    pattern: str | None = None
    minimum: int | float | None = None
    maximum: int | float | None = None


@attrs.frozen(kw_only=True)
class AnyValue:
    """Any JSON value (a schema with no type)."""


@attrs.frozen(kw_only=True)
class ArrayOf:
    items: TypeExpr
    min_items: int | None = None
    max_items: int | None = None


@attrs.frozen(kw_only=True)
class MapOf:
    """A free-form JSON object; ``values`` is None when any value is allowed."""

    values: TypeExpr | None = None
    min_properties: int | None = None


@attrs.frozen(kw_only=True)
class ModelRef:
    name: str


@attrs.frozen(kw_only=True)
class AliasRef:
    name: str


@attrs.frozen(kw_only=True)
class UnionOf:
    """A ``oneOf`` or a list of types; branches are told apart by JSON type at run time."""

    branches: tuple[TypeExpr, ...]


TypeExpr: TypeAlias = Scalar | AnyValue | ArrayOf | MapOf | ModelRef | AliasRef | UnionOf


@attrs.frozen(kw_only=True)
class Field:
    wire_name: str
    py_name: str
    type: TypeExpr
    required: bool
    description: str
    # ``x-secret: true``: the value is left out of the model's repr.
    secret: bool = False


@attrs.frozen(kw_only=True)
class Model:
    """An object schema with properties: one attrs class."""

    name: str
    description: str
    fields: tuple[Field, ...]
    # The type of keys beyond ``fields``; None when the schema forbids them.
    extra: TypeExpr | None
    # Only the hub sends it (reachable from responses, not from request bodies): read tolerantly.
    lenient: bool = False


@attrs.frozen(kw_only=True)
class Alias:
    """A named schema that is not a model (an enum, a union, a free-form object): a type alias."""

    name: str
    description: str
    type: TypeExpr


ResponseKind = Literal["json", "text", "empty"]


@attrs.frozen(kw_only=True)
class SuccessResponse:
    status: int
    kind: ResponseKind
    type: TypeExpr | None


@attrs.frozen(kw_only=True)
class PathParam:
    """A ``{name}`` segment of the path: a string checked against its schema, then percent-encoded."""

    name: str
    type: Scalar
    # ``x-suprsend-from-client: workspace``: filled from the client (its workspace), not a method argument.
    from_client: bool = False


@attrs.frozen(kw_only=True)
class QueryParam:
    """A query parameter in form style: a scalar, or an array sent as one ``key=value`` pair per item."""

    wire_name: str
    py_name: str
    type: Scalar | ArrayOf
    required: bool
    description: str
    # ``x-suprsend-clamp: true``: an invalid value falls back to the default, as the official SDK does.
    clamp: bool = False
    default: str | int | float | bool | None = None


RetryPolicy = Literal["safe", "dedupe-key", "never"]
PageStyle = Literal["cursor", "offset"]
ResultKind = Literal["model", "status"]


@attrs.frozen(kw_only=True)
class Pagination:
    """``x-suprsend-pagination``: how the pages of a list operation follow each other."""

    style: PageStyle
    # Key of the items array and of the page metadata object in the response body.
    items: str
    meta: str


@attrs.frozen(kw_only=True)
class Surface:
    """Where an operation appears on the client (``tags`` and the ``x-suprsend-*`` operation extensions)."""

    namespace: str
    method_name: str
    retry: RetryPolicy
    pagination: Pagination | None = None
    result: ResultKind = "model"
    # The official SDK's positional arguments: path parameters, "payload", body fields, "options",
    # query parameter names.
    positional: tuple[str, ...] = ()
    # A body field whose empty list makes the official SDK answer {"success": True} without a request.
    empty_shortcut: str | None = None
    # ``x-suprsend-official-names``: (positional argument, the official SDK's name for it), so that the
    # official keyword form (``tenant_payload=``) works.
    official_names: tuple[tuple[str, str], ...] = ()
    # The official message for an empty-shortcut argument that is not a list (None: the schema's).
    empty_shortcut_message: str | None = None
    # ``x-suprsend-id-checks``: path ids checked first, in this order, with the official messages;
    # ``id_missing_only``: anything but non-blank text is "missing <name>" (else "<name> must be a string").
    id_checks: tuple[str, ...] = ()
    id_missing_only: bool = False


RecordAnswer = Literal["per-record", "whole"]
RecordBody = Literal["object", "array", "either"]
RecordAccepted = Literal["message-id", "message", "text"]
RecordEffect = Literal["workflow-run", "profile-edit"]


@attrs.frozen(kw_only=True)
class Records:
    """``x-suprsend-records``: an operation whose body is one record or an array of records (bulk)."""

    model: str  # the schema of one record
    max_records: int  # records in one request
    max_record_bytes: int  # one record's apparent size (UTF-8 bytes of its JSON text)
    max_total_bytes: int  # the sum of the records' sizes in one request
    runtime_bytes: int  # an allowance added to each record's size for keys the hub adds
    answer: RecordAnswer  # one outcome per record, or one for the whole request
    body: RecordBody  # what the body schema allows: one record, an array of them, or either
    kind: str  # what the hub calls one record (the sandbox's record log)
    dedupe: str  # endpoints of one dedupe family share ``$idempotency_key`` dedupe
    accepted: RecordAccepted | None  # the answer to one record sent alone; None for an array-only body
    effect: RecordEffect | None = None  # what an accepted record does beyond being stored
    recipients: str | None = None  # ``workflow-run``: the record's field listing its recipients
    event_api_kind: str | None = None  # also takes Event API items, recorded as this kind


@attrs.frozen(kw_only=True)
class Operation:
    operation_id: str
    method: str
    path: str
    summary: str
    path_params: tuple[PathParam, ...]
    query_params: tuple[QueryParam, ...]
    body: TypeExpr | None
    responses: tuple[SuccessResponse, ...]
    # Schemas of the other answers (errors, ``default``): they mark the models the hub sends.
    other_answers: tuple[TypeExpr, ...] = ()
    description: str = ""
    # None for an operation without a tag: it gets endpoint builders but no client method.
    surface: Surface | None = None
    records: Records | None = None


@attrs.frozen(kw_only=True)
class Limit:
    name: str
    value: int


@attrs.frozen(kw_only=True)
class Api:
    spec_name: str
    spec_sha256: str
    models: tuple[Model, ...]
    aliases: tuple[Alias, ...]
    operations: tuple[Operation, ...]
    limits: tuple[Limit, ...]
