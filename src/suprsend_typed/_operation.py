"""The row type of the generated operation table: what the spec says about one API operation.

The generated ``_generated/operations.py`` holds one ``OperationInfo`` per operation. The request path reads
the retry policy from it, pages read their pagination from it, and the sandbox, the command line and the
tests read routes and names from it instead of copying them.
"""

from __future__ import annotations

from typing import Literal

import attrs

RetryPolicy = Literal["safe", "dedupe-key", "never"]
"""``safe``: always retried; ``dedupe-key``: retried only when the body carries ``$idempotency_key`` or
``$insert_id`` (so the hub delivers once); ``never``: a second attempt could apply twice."""
PageStyle = Literal["cursor", "offset"]
ResultKind = Literal["model", "status"]
RecordAnswer = Literal["per-record", "whole"]
"""``per-record``: the hub accepts or refuses each record of an array (207); ``whole``: one answer for all."""
RecordBody = Literal["object", "array", "either"]
RecordAccepted = Literal["message-id", "message", "text"]
"""The answer to one record sent alone: ``{"message_id", "status"}``, ``{"message": "OK"}``, or plain text."""
RecordEffect = Literal["workflow-run", "profile-edit"]
"""What an accepted record does beyond being stored: runs a workflow (messages to its recipients) or edits
a user profile."""


@attrs.frozen(kw_only=True, slots=True)
class Pagination:
    """How the pages of a list operation follow each other.

    ``cursor``: the next page is asked with ``after=<meta>.after`` while ``<meta>.has_next``;
    ``offset``: with ``offset=offset+limit`` while ``offset + len(items) < <meta>.count``.
    """

    style: PageStyle
    items: str
    meta: str


@attrs.frozen(kw_only=True, slots=True)
class Records:
    """What an endpoint that takes records accepts (``x-suprsend-records``): bulk chunks, the sandbox's
    records endpoints (limits, record kinds, dedupe, answers, side effects) and the command line's checks
    are all read from here.

    Sizes are apparent sizes: UTF-8 bytes of a record's ``json.dumps(..., ensure_ascii=False)`` text.
    """

    model: str  # generated model name (``models.<name>``) of one record
    max_records: int  # records in one request
    max_record_bytes: int  # one record, ``runtime_bytes`` included
    max_total_bytes: int  # all records of one request together
    runtime_bytes: int  # added to each record's size by the SDK: room for the keys the hub adds
    answer: RecordAnswer
    body: RecordBody  # one record, an array of records, or either
    kind: str  # what the hub calls one record (the sandbox's record log)
    dedupe: str  # endpoints of one dedupe family share ``$idempotency_key`` dedupe
    accepted: RecordAccepted | None = None  # None only for an array-only body
    effect: RecordEffect | None = None
    recipients: str | None = None  # ``workflow-run``: the record's field listing its recipients
    event_api_kind: str | None = None  # the endpoint also takes Event API items, recorded as this kind


@attrs.frozen(kw_only=True, slots=True)
class OperationInfo:
    """One operation: its route, models, client method, retry policy, pagination and record facts."""

    id: str
    http_method: str
    # Relative to the base URL, with ``{name}`` placeholders: ``v1/user/{distinct_id}/``.
    path: str
    path_params: tuple[str, ...]
    # The path parameters the client fills with its workspace (``x-suprsend-from-client: workspace``).
    workspace_params: tuple[str, ...] = ()
    query_params: tuple[str, ...]
    # Generated model names (``models.<name>``); None when there is no JSON body or it is not one model.
    body_model: str | None
    response_model: str | None
    namespace: str
    method_name: str
    retry: RetryPolicy
    pagination: Pagination | None = None
    result: ResultKind = "model"
    success_status: int = 200  # the first 2xx answer the spec documents
    positional: tuple[str, ...] = ()
    empty_shortcut: str | None = None
    # (positional argument, the official SDK's keyword name for it) where the two differ.
    official_names: tuple[tuple[str, str], ...] = ()
    records: Records | None = None
    summary: str = ""

    def retryable(self, *, dedupe: bool) -> bool:
        """Whether an attempt of this operation may be repeated; ``dedupe`` says the body has a dedupe key."""
        return self.retry == "safe" or (self.retry == "dedupe-key" and dedupe)


def record_facts(operation: OperationInfo) -> Records:
    """The record facts of a records endpoint. Code that sends or serves records reads them when it is
    imported, so a spec that loses an endpoint's ``x-suprsend-records`` fails there, naming it."""
    if operation.records is None:
        raise ValueError(f"operation {operation.id!r} has no x-suprsend-records in the spec")
    return operation.records
