"""``--failed-out PATH``: every line not accepted, as JSON Lines, written as soon as its fate is known.

Each entry: ``line`` (its number in the input), ``error``, ``code`` (400 for a line refused before sending),
``outcome_unknown`` (the hub may have accepted it: a server error, a timeout or a lost connection; with the
same dedupe key a resend is still counted once), and ``record`` (what was sent, or the line's JSON value; the
raw ``text`` instead when the line is not JSON).
"""

from __future__ import annotations

import threading
from typing import IO, Any

from .._errors import FIRST_SERVER_ERROR_STATUS
from .._json import dumps


def outcome_unknown(code: int) -> bool:
    """Whether a failure with this code may hide an accepted record (the library reports transport
    failures and missing per-record results as 500)."""
    return code >= FIRST_SERVER_ERROR_STATUS


class FailedOut:
    """A JSON Lines file of failed lines, shared by the sender threads."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._file: IO[str] = open(path, "w", encoding="utf-8")  # noqa: SIM115 - closed by close()
        self._lock = threading.Lock()

    def write(
        self, *, line: int | None, error: str, code: int, record: Any = None, text: str | None = None
    ) -> None:
        entry: dict[str, Any] = {
            "line": line,
            "error": error,
            "code": code,
            "outcome_unknown": outcome_unknown(code),
            "record": record,
        }
        if text is not None:
            entry["text"] = text
        serialised = dumps(entry) + "\n"
        with self._lock:
            self._file.write(serialised)
            self._file.flush()

    def close(self) -> None:
        self._file.close()
