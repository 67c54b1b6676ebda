"""Ctrl-C stops a bulk or a stream within about a second, whatever the retry backoff or the hub's speed,
and the ``BulkInterruptedError`` it raises accounts for every record: acknowledged, in flight (unknown)
and not sent, so that ``retry_failed()`` completes the delivery without sending anything twice.

Before: the process stopped 37 s after SIGINT (sender threads were joined after their whole retry loop),
and the interrupt carried no response while the bulk instance had been emptied.

Each case runs a real child process (``interrupted_sender.py``) against the sandbox hub and sends it
SIGINT once its first chunks are on the wire.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from suprsend_typed.sandbox import Fault, Sandbox

from .scenarios import accepted

SENDER = Path(__file__).with_name("interrupted_sender.py")
EVENTS = 1_000  # ten chunks
PROMPT_SECONDS = 1.5  # "about one second", with room for a loaded machine
WAIT_SECONDS = 30.0  # how long the test waits for the child at most (a hang fails, it does not block)
SLOW_HUB = Fault(kind="latency", latency_s=4.0)
SLOW_HUB_HOLDS_THEM = 1.0  # seconds after the child starts sending: its first chunks wait in the slow hub
ALWAYS_UNAVAILABLE = Fault(kind="status", status=503)  # with the child's retries: 23 s of backoff a chunk


def wait_until_sending(
    sandbox: Sandbox, child: subprocess.Popen[str], fault: Fault, concurrency: int
) -> None:
    """Until the child's first chunks are on the wire: answered 503 and in retry backoff, or held by the
    slow hub (which records a request only once it answers it)."""
    assert read_json_line(child) == {"ready": True}
    if fault is SLOW_HUB:
        time.sleep(SLOW_HUB_HOLDS_THEM)
        return
    deadline = time.monotonic() + WAIT_SECONDS
    while len(sandbox.requests()) < concurrency:
        assert time.monotonic() < deadline, "the child never started sending"
        time.sleep(0.05)
    time.sleep(0.3)  # into the backoff sleep


def read_json_line(child: subprocess.Popen[str]) -> dict[str, Any]:
    assert child.stdout is not None
    line = child.stdout.readline()
    assert line, f"the child printed nothing; stderr: {child.stderr.read() if child.stderr else ''}"
    report: dict[str, Any] = json.loads(line)
    return report


@pytest.mark.parametrize(
    ("mode", "concurrency", "fault"),
    [
        ("trigger", 4, ALWAYS_UNAVAILABLE),
        ("trigger", 1, SLOW_HUB),
        ("stream", 4, ALWAYS_UNAVAILABLE),
        ("stream", 4, SLOW_HUB),
        ("stream", 1, ALWAYS_UNAVAILABLE),
    ],
    ids=["trigger-backoff", "trigger-slow-hub", "stream-backoff", "stream-slow-hub", "stream-1-backoff"],
)
def test_sigint_stops_within_a_second_and_the_partial_response_completes_the_delivery(
    sandbox: Sandbox, mode: str, concurrency: int, fault: Fault
) -> None:
    sandbox.faults.add(fault, rate=1.0)
    child = subprocess.Popen(
        [sys.executable, str(SENDER), sandbox.url, mode, str(concurrency), str(EVENTS)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until_sending(sandbox, child, fault, concurrency)
        child.send_signal(signal.SIGINT)
        interrupted = read_json_line(child)

        assert interrupted["is_keyboard_interrupt"] is True
        assert interrupted["seconds_after_sigint"] < PROMPT_SECONDS
        assert interrupted["success"] == 0  # nothing was answered with a success
        assert (
            interrupted["total"] == interrupted["failure"] == interrupted["unknown"] + interrupted["not_sent"]
        )
        assert 0 < interrupted["unknown"] <= concurrency * 100  # the chunks in flight
        if mode == "trigger":  # every record of the instance is accounted for; those never taken can be sent
            assert interrupted["total"] == EVENTS
            assert interrupted["not_sent"] > 0
        # (a stream leaves the records it did not read in the caller's iterator)

        sandbox.faults.clear()
        assert child.stdin is not None
        child.stdin.write("go\n")
        child.stdin.flush()
        resent = read_json_line(child)
        assert (resent["total"], resent["success"]) == (interrupted["total"],) * 2
        assert child.wait(timeout=WAIT_SECONDS) == 0
    finally:
        if child.poll() is None:
            child.kill()
            child.wait()

    # Requests still held by the slow hub may land after the resend: the hub keeps each record once.
    numbers = [row["body"]["properties"]["n"] for row in accepted(sandbox, "event")]
    assert sorted(numbers) == list(range(interrupted["total"]))
