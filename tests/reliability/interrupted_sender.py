"""A program that sends a bulk or stream and is interrupted by the test: run as a child process.

Usage: ``python interrupted_sender.py <base_url> <mode> <concurrency> <count>``, mode being ``trigger`` or
``stream``. It prints a JSON line as it starts sending, another when the send raised
``BulkInterruptedError`` (the counts, and how long after the interrupt the error reached it), then waits
for a line on stdin and sends the failed records again with ``retry_failed()``, printing that response's
counts as a last JSON line.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from collections.abc import Iterator
from types import FrameType

from suprsend_typed import BulkInterruptedError, BulkResponse, Event, Suprsend, Timeout

WORKSPACE_KEY = "reliability_workspace_key_0001"
WORKSPACE_SECRET = "rel-SECRET-q7Hz2pX9vLw4"
# Retries wait 0.5, 1, 2, 4, 8, 8 s: a chunk answered 503 every time keeps its thread for 23 s.
MAX_RETRIES = 6
interrupted_at: list[float] = []


def note_interrupt(signum: int, frame: FrameType | None) -> None:
    interrupted_at.append(time.monotonic())
    signal.default_int_handler(signum, frame)


def counts(response: BulkResponse) -> dict[str, object]:
    return {
        "total": response.total,
        "success": response.success,
        "failure": response.failure,
        "unknown": response.unknown,
        "not_sent": response.not_sent,
        "outcomes": sorted({failed["outcome"] for failed in response.failed_records}),
    }


def events(count: int) -> Iterator[Event]:
    return (Event(f"user-{n}", "order_placed", {"n": n}) for n in range(count))


def main() -> None:
    base_url, mode, concurrency, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
    signal.signal(signal.SIGINT, note_interrupt)
    client = Suprsend(
        WORKSPACE_KEY,
        WORKSPACE_SECRET,
        base_url,
        max_retries=MAX_RETRIES,
        timeout=Timeout(connect=5.0, read=60.0),
    )
    print(json.dumps({"ready": True}), flush=True)
    try:
        if mode == "stream":
            client.bulk_events.stream(events(count), concurrency=concurrency)
        else:
            bulk = client.bulk_events.new_instance()
            bulk.append(*events(count))
            bulk.trigger(concurrency=concurrency)
    except BulkInterruptedError as interrupt:
        report = counts(interrupt.response)
        report["seconds_after_sigint"] = time.monotonic() - interrupted_at[0]
        report["is_keyboard_interrupt"] = isinstance(interrupt, KeyboardInterrupt)
        print(json.dumps(report), flush=True)
        sys.stdin.readline()  # the test clears the hub's faults first
        print(json.dumps(counts(interrupt.response.retry_failed())), flush=True)
        return
    print(json.dumps({"error": "the send was never interrupted"}), flush=True)


if __name__ == "__main__":
    main()
