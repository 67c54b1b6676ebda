"""``--failed-out PATH``: every line not accepted, as JSON Lines, written as soon as its fate is known.

Each entry: ``line`` (its number in the input), ``error``, ``code`` (400 for a line refused before sending),
``outcome_unknown`` (the hub may have accepted it: a server error, a timeout or a lost connection; with the
same dedupe key a resend is still counted once), and ``record`` (what was sent, or the line's JSON value).
When the line is not JSON, or its value cannot be written back as JSON (nested too deeply), ``record`` is
null and ``text`` holds the line (bytes that are not UTF-8 replaced by U+FFFD). Lines a stopped send left
unanswered are written at the end with ``not_answered: true``. Text that is not valid Unicode (a lone
surrogate from a ``\\ud800`` escape) is written as a JSON escape, so every entry reads back.

The file is created 0600: it holds the user's records.
"""

from __future__ import annotations

import json
import os
import threading
from typing import IO, Any

from .._errors import FIRST_SERVER_ERROR_STATUS, ValidationError
from .._json import dumps

# Holds the user's records: readable by its owner only, as the journal.
FILE_MODE = 0o600


def outcome_unknown(code: int) -> bool:
    """Whether a failure with this code may hide an accepted record (the library reports transport
    failures and missing per-record results as 500)."""
    return code >= FIRST_SERVER_ERROR_STATUS


class FailedOut:
    """A JSON Lines file of failed lines, shared by the sender threads."""

    def __init__(self, path: str) -> None:
        self.path = path
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, FILE_MODE)
        self._file: IO[str] = open(fd, "w", encoding="utf-8")  # noqa: SIM115 - closed by close()
        self._lock = threading.Lock()

    def write(
        self,
        *,
        line: int | None,
        error: str,
        code: int,
        record: Any = None,
        raw: bytes | None = None,
        not_answered: bool = False,
    ) -> None:
        """One entry; ``raw`` (the line's bytes) is written as ``text`` when ``record`` is None or cannot
        be written."""
        entry: dict[str, Any] = {
            "line": line,
            "error": error,
            "code": code,
            "outcome_unknown": outcome_unknown(code),
            "record": record,
        }
        if not_answered:
            entry["not_answered"] = True
        if record is None and raw is not None:
            entry["text"] = raw.decode("utf-8", errors="replace")
        serialised = _serialised(entry, raw)
        with self._lock:
            self._file.write(serialised)
            self._file.flush()

    def close(self) -> None:
        self._file.close()


def _serialised(entry: dict[str, Any], raw: bytes | None) -> str:
    """The entry as one line of valid UTF-8 JSON, whatever the record holds."""
    try:
        text = dumps(entry)
        text.encode("utf-8")  # a lone surrogate cannot be written as UTF-8: escape it instead
    except (ValidationError, UnicodeEncodeError):
        try:
            text = json.dumps(entry, ensure_ascii=True, allow_nan=False)
        except (ValueError, TypeError, RecursionError):  # nested too deeply to write back: keep the text
            entry["record"] = None
            entry["text"] = None if raw is None else raw.decode("utf-8", errors="replace")
            text = json.dumps(entry, ensure_ascii=True)
    return text + "\n"
