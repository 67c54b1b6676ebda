"""Validation messages that lead with the likeliest fix: a misspelt key is named first, with a close match.

A misspelt required key produces two problems, ``recipents: is not an allowed property`` and ``recipients:
is required``; the first is the cause, so ``likeliest_first`` puts unknown keys ahead of everything else
and ``unknown_key_reason`` suggests the closest known key (``did you mean 'recipients'?``). Only error paths
call these, so a valid body costs nothing here.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Sequence

UNKNOWN_KEY = "is not an allowed property"
# How alike (difflib's ratio, 0 to 1) a known key must be to be suggested: "recipents" -> "recipients" is
# 0.95 and "$emial" -> "$email" 0.83, while unrelated keys of the same schema stay below it.
CLOSE_MATCH_CUTOFF = 0.7


def close_match(key: str, known: Iterable[str]) -> str | None:
    """The known key most like ``key``, when one is alike enough to be the likely intent."""
    matches = difflib.get_close_matches(key, list(known), n=1, cutoff=CLOSE_MATCH_CUTOFF)
    return matches[0] if matches else None


def did_you_mean(key: str, known: Iterable[str]) -> str:
    """``"; did you mean 'x'?"`` for the closest known key, or an empty string."""
    match = close_match(key, known)
    return f"; did you mean {match!r}?" if match is not None else ""


def unknown_key_reason(key: str, known: Iterable[str]) -> str:
    """The reason reported for a key a schema does not allow, with the closest allowed key if any."""
    return UNKNOWN_KEY + did_you_mean(key, known)


def likeliest_first(errors: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """``errors`` with unknown keys first (a misspelling explains the rest), otherwise in their order."""
    return sorted(errors, key=lambda error: not error[1].startswith(UNKNOWN_KEY))
