"""Progress of a send on standard error: records done, rate, and an ETA from bytes read against the size.

On a terminal one status line is redrawn in place; elsewhere (``--progress`` into a log) a line is printed
at a slower pace. Updates are throttled, so a million records cost a million cheap clock reads, no more.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TextIO

TERMINAL_INTERVAL_S = 0.2
LOG_INTERVAL_S = 5.0
_CLEAR_LINE = "\r\x1b[K"
_SECONDS_PER_MINUTE = 60
_SECONDS_PER_HOUR = 3600


def duration(seconds: float) -> str:
    """``h:mm:ss``."""
    hours, rest = divmod(int(seconds), _SECONDS_PER_HOUR)
    minutes, whole_seconds = divmod(rest, _SECONDS_PER_MINUTE)
    return f"{hours}:{minutes:02d}:{whole_seconds:02d}"


class ProgressReporter:
    """Draws ``status()`` on ``stream`` now and then; ``message`` prints a line without garbling it."""

    def __init__(
        self,
        stream: TextIO,
        *,
        enabled: bool,
        terminal: bool,
        bytes_read: Callable[[], int],
        size: int | None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._stream = stream
        self.enabled = enabled
        self._terminal = terminal
        self._interval = TERMINAL_INTERVAL_S if terminal else LOG_INTERVAL_S
        self._bytes_read = bytes_read
        self._size = size
        self._clock = clock
        self._started = clock()
        self._next_draw = self._started + self._interval
        self._drawn = False
        self._done = 0
        self._failed = 0

    def update(self, done: int, failed: int) -> None:
        """``on_progress`` of the bulk sender: records accounted for, and how many of them failed."""
        self._done, self._failed = done, failed
        if self.enabled and self._clock() >= self._next_draw:
            self._draw()

    def message(self, text: str) -> None:
        """Print one line (a bad input line, a warning) above the status line."""
        if self._drawn and self._terminal:
            self._stream.write(_CLEAR_LINE)
            self._drawn = False
        self._stream.write(text + "\n")
        self._stream.flush()

    def finish(self) -> None:
        """Remove the status line (the summary replaces it)."""
        if self._drawn and self._terminal:
            self._stream.write(_CLEAR_LINE)
            self._stream.flush()
        self._drawn = False

    def status(self) -> str:
        elapsed = max(self._clock() - self._started, 1e-9)
        rate = self._done / elapsed
        parts = [f"{self._done:,} records", f"{rate:,.0f}/s"]
        if self._failed:
            parts.append(f"{self._failed:,} failed")
        read = self._bytes_read()
        if self._size:
            fraction = min(read / self._size, 1.0)
            parts.append(f"{fraction:.0%}")
            if fraction > 0:
                parts.append(f"ETA {duration(elapsed * (1 - fraction) / fraction)}")
        return " · ".join(parts)

    def _draw(self) -> None:
        self._next_draw = self._clock() + self._interval
        line = self.status()
        self._stream.write((_CLEAR_LINE + line) if self._terminal else (line + "\n"))
        self._stream.flush()
        self._drawn = True
