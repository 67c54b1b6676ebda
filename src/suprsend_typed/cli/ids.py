"""Deterministic dedupe keys: the same line of the same input always gets the same ``$insert_id``.

A record re-sent after a crash (it was in flight, so the journal does not list it) then carries the key it
carried the first time, and the hub counts it once. The key of line ``n`` is the name-based UUID (version 5,
RFC 4122) of the name ``"<n>:" + line bytes`` in the namespace of the input: a UUID taken from the SHA-256 of
the input's identity (see ``source.py``), or, for standard input, a random one kept in the journal.
"""

from __future__ import annotations

import hashlib
import uuid

_VERSION_DIGIT = "5"
_VARIANT_DIGIT = {digit: "89ab"[int(digit, 16) & 0b11] for digit in "0123456789abcdef"}
_UUID_BYTES = 16


def namespace_for(seed: str) -> uuid.UUID:
    """The UUID namespace of an input, from its seed text (identity or random)."""
    return uuid.UUID(bytes=hashlib.sha256(seed.encode("utf-8")).digest()[:_UUID_BYTES])


class LineIds:
    """``key(line_number, raw)``: ``str(uuid.uuid5(namespace, f"{line_number}:" + raw))``, computed without
    building a ``UUID`` object (this runs once per record)."""

    __slots__ = ("_prefix",)

    def __init__(self, namespace: uuid.UUID) -> None:
        self._prefix = namespace.bytes

    def key(self, line_number: int, raw: bytes) -> str:
        digits = hashlib.sha1(self._prefix + b"%d:" % line_number + raw).hexdigest()
        return (
            f"{digits[:8]}-{digits[8:12]}-{_VERSION_DIGIT}{digits[13:16]}-"
            f"{_VARIANT_DIGIT[digits[16]]}{digits[17:20]}-{digits[20:32]}"
        )
