"""Deterministic WireContexts for item-level tests: fixed clock, counting ids."""

from __future__ import annotations

import itertools

from suprsend_typed._context import WireContext

# Event schemas want env to be at least 20 characters long.
WORKSPACE_KEY = "WKEY-differential-0001"
WORKSPACE_SECRET = "WSECRET"
USER_AGENT = "suprsend-typed/test"
FIXED_EPOCH_SECONDS = 1_767_225_600.0  # 2026-01-01T00:00:00Z


def fixed_context(*, auto_idempotency_key: bool = True, strict: bool = False) -> WireContext:
    counter = itertools.count(1)
    return WireContext(
        workspace=WORKSPACE_KEY,
        user_agent=USER_AGENT,
        clock=lambda: FIXED_EPOCH_SECONDS,
        new_id=lambda: f"00000000-0000-4000-8000-{next(counter):012d}",
        auto_idempotency_key=auto_idempotency_key,
        strict=strict,
    )
