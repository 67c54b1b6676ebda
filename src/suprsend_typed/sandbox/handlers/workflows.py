"""Workflow runs: cancelling them (triggers are records, served by the hub's records path)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .base import Answer, Context, StateCall, invalid
from .messages import cancel_runs


def conditions(body: Mapping[str, Any], fields: Mapping[str, str]) -> dict[str, list[str]]:
    """Message field -> the one value the body gives for it, for the body fields in ``fields``."""
    return {column: [body[field]] for field, column in fields.items() if body.get(field)}


def cancel_workflow_run(ctx: Context, call: StateCall) -> Answer:
    body = call.body
    found = conditions(
        body,
        {"execution_id": "execution_id", "idempotency_key": "idempotency_key", "workflow_slug": "workflow"},
    )
    if body.get("recipients"):
        if "workflow_slug" not in body:
            raise invalid("workflow_slug", "required with recipients")
        found["recipient_id"] = list(body["recipients"])
    if not found:
        raise invalid("execution_id", "give execution_id, idempotency_key or workflow_slug")
    return 200, {"execution_ids": cancel_runs(ctx, found, broadcast=False)}
