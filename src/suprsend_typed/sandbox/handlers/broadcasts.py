"""Broadcast runs: cancelling them (a broadcast itself is sent through its subscriber list)."""

from __future__ import annotations

from .base import Answer, Context, StateCall, invalid
from .messages import cancel_runs
from .workflows import conditions


def cancel_broadcast_run(ctx: Context, call: StateCall) -> Answer:
    found = conditions(
        call.body,
        {"execution_id": "execution_id", "list_id": "list_id", "idempotency_key": "idempotency_key"},
    )
    if not found:
        raise invalid("execution_id", "give execution_id, list_id or idempotency_key")
    return 200, {"execution_ids": cancel_runs(ctx, found, broadcast=True)}
