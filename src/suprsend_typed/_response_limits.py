"""The bounds every transport puts on one attempt's answer: a deadline and a size cap.

A hub answer is a few kilobytes of JSON, so a body that keeps dripping or keeps growing is a broken hub or
an attack, not data to wait for. ``Deadline`` bounds the whole attempt (``Timeout.total``): connecting,
sending and reading the whole body. ``BodyCollector`` gathers the body chunk by chunk as it arrives,
decoding ``gzip``/``deflate`` itself step by step, and raises ``ResponseTooLargeError`` as soon as the
decoded bytes pass the cap, so memory never holds more than the cap and one step (a gzip bomb included).

Both are pure (no I/O): a transport feeds them what it reads, whatever its I/O library.
"""

from __future__ import annotations

import time
import zlib
from collections.abc import Callable

from ._errors import APIConnectionError, ResponseTooLargeError

# Hub answers are small: 8 MiB is hundreds of times the largest page, and far from hurting a process.
DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024
# Bytes asked of the network per read, and the most one decoding step may produce at once.
READ_CHUNK_BYTES = 64 * 1024
# Content-Encoding values decoded here; gzip and zlib streams are told apart by their header.
_ZLIB_ENCODINGS = frozenset({"gzip", "x-gzip", "deflate"})
_IDENTITY = "identity"
# More encodings than this on one answer is no real server's doing (urllib3 refuses the same).
MAX_CONTENT_ENCODINGS = 5
_GZIP_OR_ZLIB_WBITS = zlib.MAX_WBITS | 32  # accept either header
_RAW_DEFLATE_WBITS = -zlib.MAX_WBITS  # "deflate" sent without the zlib header, as some servers do
# A socket timeout of 0 would make the socket non-blocking rather than time out: the shortest wait given.
_SHORTEST_WAIT = 0.001


def check_max_response_bytes(value: object) -> int:
    """``value`` as a size cap, or ``ValueError``: a positive int of bytes."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"max_response_bytes must be a positive int of bytes, got {value!r}")
    return value


class Deadline:
    """When the whole attempt must be over; ``total=None`` sets none."""

    __slots__ = ("_ends_at", "_clock", "total")

    def __init__(self, total: float | None, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.total = total
        self._clock = clock
        self._ends_at = None if total is None else clock() + total

    def remaining(self) -> float | None:
        """Seconds left (0 or less once passed), or ``None`` without a deadline."""
        return None if self._ends_at is None else self._ends_at - self._clock()

    def bound(self, seconds: float | None) -> float | None:
        """``seconds`` (a per-read timeout) shortened to the time left, so no wait outlives the deadline."""
        left = self.remaining()
        if left is None:
            return seconds
        left = max(left, _SHORTEST_WAIT)
        return left if seconds is None else min(seconds, left)

    def expired(self) -> bool:
        left = self.remaining()
        return left is not None and left <= 0


class _ZlibStage:
    """One gzip or deflate decoding step; a "deflate" without the zlib header falls back to raw deflate."""

    __slots__ = ("_decoder", "_started", "_encoding")

    def __init__(self, encoding: str) -> None:
        self._encoding = encoding
        self._decoder = zlib.decompressobj(_GZIP_OR_ZLIB_WBITS)
        self._started = False

    def decode(self, data: bytes) -> tuple[bytes, bytes]:
        """Up to ``READ_CHUNK_BYTES`` decoded bytes of ``data``, and the part of ``data`` not yet used."""
        try:
            out = self._decoder.decompress(data, READ_CHUNK_BYTES)
        except zlib.error:
            if self._started or self._encoding != "deflate":
                raise
            self._decoder = zlib.decompressobj(_RAW_DEFLATE_WBITS)
            out = self._decoder.decompress(data, READ_CHUNK_BYTES)
        self._started = True
        return out, self._decoder.unconsumed_tail

    def flush(self) -> bytes:
        return self._decoder.flush(READ_CHUNK_BYTES)


class BodyCollector:
    """A response body gathered as it arrives, decoded and capped at ``max_bytes`` decoded bytes.

    ``what`` names the request in error messages (``POST host:port``, never the path or a header).
    """

    __slots__ = ("_parts", "_size", "_max_bytes", "_stages", "_what")

    def __init__(self, *, content_encoding: str, max_bytes: int, what: str) -> None:
        self._parts: list[bytes] = []
        self._size = 0
        self._max_bytes = max_bytes
        self._what = what
        self._stages: list[_ZlibStage] = []
        if not content_encoding:  # nearly every answer: nothing to decode
            return
        encodings = [e.strip().lower() for e in content_encoding.split(",") if e.strip()]
        if len(encodings) > MAX_CONTENT_ENCODINGS:
            raise APIConnectionError(f"{what}: the answer has {len(encodings)} content encodings")
        # Applied in the order listed, so decoded in the reverse order; an encoding not known here is left
        # as it came (an SDK that asks for no encoding gets none but gzip from real servers).
        self._stages = [_ZlibStage(e) for e in reversed(encodings) if e in _ZLIB_ENCODINGS]

    def check_declared_length(self, content_length: str | None) -> None:
        """Refuse before reading when an unencoded body announces more bytes than the cap."""
        if self._stages or content_length is None:
            return
        try:
            declared = int(content_length)
        except ValueError:
            return
        if declared > self._max_bytes:
            self._too_large(declared)

    def feed(self, chunk: bytes) -> None:
        """Add bytes as they came off the wire; ``ResponseTooLargeError`` once the decoded body is too big."""
        if not self._stages:
            self._keep(chunk)
            return
        try:
            self._decode(0, chunk)
        except zlib.error as exc:
            raise APIConnectionError(f"{self._what}: the answer's compressed body is corrupt: {exc}") from exc

    def finish(self) -> bytes:
        """The whole decoded body, once the wire has no more."""
        if not self._stages:
            parts = self._parts
            return parts[0] if len(parts) == 1 else b"".join(parts)
        try:
            for index, stage in enumerate(self._stages):
                self._decode(index + 1, stage.flush())
        except zlib.error as exc:
            raise APIConnectionError(f"{self._what}: the answer's compressed body is corrupt: {exc}") from exc
        return b"".join(self._parts)

    def _decode(self, stage_index: int, data: bytes) -> None:
        """Run ``data`` through the stages from ``stage_index`` on, one bounded step at a time."""
        if stage_index == len(self._stages):
            self._keep(data)
            return
        stage = self._stages[stage_index]
        while data:
            out, data = stage.decode(data)
            self._decode(stage_index + 1, out)
            if not out and data:  # zlib keeps input back only when it has output to give: never here
                raise zlib.error("the decoder stopped taking input")

    def _keep(self, data: bytes) -> None:
        if not data:
            return
        self._size += len(data)
        if self._size > self._max_bytes:
            self._parts.clear()
            self._too_large(None)
        self._parts.append(data)

    def _too_large(self, declared: int | None) -> None:
        announced = f" (it announced {declared} bytes)" if declared is not None else ""
        raise ResponseTooLargeError(
            f"{self._what}: the answer is larger than the {self._max_bytes}-byte cap{announced}; "
            "raise it with the client's max_response_bytes=... (or your transport's) if this hub's answers "
            "are that big",
            limit=self._max_bytes,
        )
