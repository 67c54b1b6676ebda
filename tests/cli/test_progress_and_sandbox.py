"""The progress line, and ``suprsend-typed sandbox``."""

from __future__ import annotations

import io
import re
import signal
import subprocess
import sys

from suprsend_typed.cli import exit_codes
from suprsend_typed.cli.output import write_json
from suprsend_typed.cli.progress import ProgressReporter, duration

START_TIMEOUT_S = 30


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_progress_shows_records_rate_failures_and_an_eta_from_bytes_read() -> None:
    stream, clock, read = io.StringIO(), FakeClock(), [0]
    reporter = ProgressReporter(
        stream, enabled=True, terminal=True, bytes_read=lambda: read[0], size=1_000, clock=clock
    )
    clock.now, read[0] = 110.0, 250

    reporter.update(5_000, 3)

    assert stream.getvalue() == "\r\x1b[K5,000 records · 500/s · 3 failed · 25% · ETA 0:00:30"
    reporter.message("line 7: not JSON")
    reporter.finish()
    assert stream.getvalue().endswith("\r\x1b[Kline 7: not JSON\n")


def test_progress_is_throttled_and_plain_when_not_a_terminal() -> None:
    stream, clock = io.StringIO(), FakeClock()
    reporter = ProgressReporter(
        stream, enabled=True, terminal=False, bytes_read=lambda: 0, size=None, clock=clock
    )

    reporter.update(100, 0)  # too soon after the start
    clock.now += 10
    reporter.update(200, 0)
    reporter.update(300, 0)  # too soon after the last line

    assert stream.getvalue() == "200 records · 20/s\n"


def test_disabled_progress_prints_nothing() -> None:
    stream, clock = io.StringIO(), FakeClock()
    reporter = ProgressReporter(
        stream, enabled=False, terminal=True, bytes_read=lambda: 0, size=None, clock=clock
    )
    clock.now += 10

    reporter.update(1, 0)

    assert stream.getvalue() == ""


def test_durations_read_as_hours_minutes_seconds() -> None:
    assert [duration(seconds) for seconds in (0, 59.9, 61, 3_725)] == [
        "0:00:00",
        "0:00:59",
        "0:01:01",
        "1:02:05",
    ]


def test_the_sandbox_command_starts_the_hub_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "suprsend_typed", "sandbox", "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first_line = process.stdout.readline()
        assert re.fullmatch(r"export SUPRSEND_BASE_URL=http://127\.0\.0\.1:\d+/\n", first_line)
    finally:
        process.send_signal(signal.SIGINT)
        process.communicate(timeout=START_TIMEOUT_S)
    assert process.returncode == exit_codes.OK


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_json_output_is_indented_on_a_terminal_and_one_line_otherwise() -> None:
    terminal, pipe = Terminal(), io.StringIO()

    write_json({"a": [1], "é": True}, terminal)
    write_json({"a": [1], "é": True}, pipe)

    assert terminal.getvalue() == '{\n  "a": [\n    1\n  ],\n  "é": true\n}\n'
    assert pipe.getvalue() == '{"a": [1], "é": true}\n'
