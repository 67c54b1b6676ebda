"""How the hub writes times."""

from __future__ import annotations

from datetime import datetime, timezone


def iso_time(timestamp: float) -> str:
    """``2026-01-02T03:04:05.678000Z``: how the hub writes times."""
    return datetime.fromtimestamp(timestamp, tz=timezone.utc).isoformat().replace("+00:00", "Z")
