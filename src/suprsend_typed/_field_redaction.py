"""Masking of body fields by name in debug logs: passwords, tokens, one-time codes, card numbers, secrets.

A field matches a name when the name's words appear, in order, among the words of the field's key: the
name ``token`` matches ``token``, ``access_token`` and ``pushToken``; ``card`` matches ``card_number`` but
not ``discard``; ``api_key`` matches ``x-api-key``. Words are split at anything that is not a letter or a
digit and at lower-to-upper case changes, and compared case-insensitively.

Only debug logging uses this, so the work (parsing a body, walking it, dumping it again) is done only for a
record that will be emitted.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any

from ._http import REDACTED

DEFAULT_REDACT_FIELDS: tuple[str, ...] = ("password", "token", "otp", "card", "secret")
"""Fields masked in every client's debug logs; ``Suprsend(redact_fields=...)`` adds names to these."""

# Verdicts remembered per redactor; a body keyed by ids (millions of distinct keys) must not grow it forever.
MAX_REMEMBERED_KEYS = 4096
_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")
_NON_WORD = re.compile(r"[^A-Za-z0-9]+")


def key_words(key: str) -> tuple[str, ...]:
    """The lower-cased words of a key: ``pushToken`` and ``push_token`` both give ``("push", "token")``."""
    return tuple(word.lower() for word in _NON_WORD.split(_CAMEL_BOUNDARY.sub("_", key)) if word)


def _contains_run(words: tuple[str, ...], run: tuple[str, ...]) -> bool:
    width = len(run)
    return any(words[at : at + width] == run for at in range(len(words) - width + 1))


class FieldRedactor:
    """Masks the values of JSON object keys that match one of ``names`` (see the module docstring)."""

    __slots__ = ("_names", "_verdicts")

    def __init__(self, names: Iterable[str] = DEFAULT_REDACT_FIELDS) -> None:
        if isinstance(names, str):
            raise TypeError("redact_fields must be a list of field names, not one string")
        runs = []
        for name in names:
            if not isinstance(name, str) or not key_words(name):
                raise TypeError(f"redact_fields items must be non-empty field names, got {name!r}")
            runs.append(key_words(name))
        self._names: tuple[tuple[str, ...], ...] = tuple(dict.fromkeys(runs))
        # Bodies repeat the same keys, so each key is judged once (bounded by the keys seen in debug logs).
        self._verdicts: dict[str, bool] = {}

    @property
    def names(self) -> tuple[str, ...]:
        return tuple("_".join(run) for run in self._names)

    def matches(self, key: str) -> bool:
        verdict = self._verdicts.get(key)
        if verdict is None:
            words = key_words(key)
            verdict = any(_contains_run(words, run) for run in self._names)
            if len(self._verdicts) >= MAX_REMEMBERED_KEYS:
                self._verdicts.clear()
            self._verdicts[key] = verdict
        return verdict

    def redact_value(self, value: Any) -> Any:
        """A copy of a parsed JSON value with the value of every matching key (at any depth) masked."""
        if isinstance(value, dict):
            return {
                key: REDACTED if isinstance(key, str) and self.matches(key) else self.redact_value(item)
                for key, item in value.items()
            }
        if isinstance(value, list):
            return [self.redact_value(item) for item in value]
        return value

    def redact_text(self, text: str) -> str:
        """A JSON text with matching fields masked; text that is not JSON is not shown at all."""
        try:
            parsed = json.loads(text)
        except ValueError:
            return f"<{len(text)} characters, not JSON: not shown>"
        return json.dumps(self.redact_value(parsed), ensure_ascii=False)
