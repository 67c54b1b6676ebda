"""The records every side sends: built by the same functions, so no side gets lighter data."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def workflow_body(i: int) -> dict[str, Any]:
    """A legacy workflow body, as the official README's quickstart builds it (one user, a little data)."""
    return {
        "name": "bench-order-confirmation",
        "template": "order-confirmation",
        "notification_category": "transactional",
        "users": [{"distinct_id": f"user-{i}", "$email": [f"user-{i}@example.com"]}],
        "data": {"first_name": "Ann", "order_id": i, "amount": 12.5},
    }


def event_fields(i: int) -> tuple[str, str, dict[str, Any]]:
    """distinct_id, event name and properties of one tracked event."""
    return f"user-{i}", "order_placed", {"order_id": i, "amount": 12.5, "items": ["book", "pen"]}


def event_field_stream(count: int) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Generated lazily: a million events never sit in memory at once."""
    return (event_fields(i) for i in range(count))


def write_event_lines(path: Path, count: int) -> int:
    """A JSON Lines file of ``count`` events, one wire event object per line (what ``send events`` reads);
    returns its size in bytes."""
    with path.open("w", encoding="utf-8") as file:
        for distinct_id, name, properties in event_field_stream(count):
            file.write(
                json.dumps({"distinct_id": distinct_id, "event": name, "properties": properties}) + "\n"
            )
    return path.stat().st_size
