"""Wire JSON: the exact text the official SDK sends and signs, and the "apparent size" used for limits."""

from __future__ import annotations

import json
from typing import Any

from ._errors import ValidationError

_encoder = json.JSONEncoder(ensure_ascii=False, allow_nan=False)


def dumps(obj: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False)`` with default separators; NaN and infinities are refused."""
    try:
        return _encoder.encode(obj)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"value is not JSON-serialisable: {exc}") from None
    except RecursionError:
        raise ValidationError("value is nested too deeply to serialise as JSON") from None


def encode(text: str) -> bytes:
    """UTF-8 bytes of wire text; a lone surrogate is refused instead of crashing the transport."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(f"text is not valid Unicode (lone surrogate at {exc.start})") from None


def join_array(parts: list[str]) -> str:
    """The text ``dumps(list)`` would give, built from already-dumped elements (no second pass)."""
    return "[" + ", ".join(parts) + "]"


def apparent_size(text: str) -> int:
    """Number of UTF-8 bytes of the wire text, the measure every SuprSend limit is stated in."""
    return len(text.encode("utf-8", errors="surrogatepass"))


BYTES_PER_KB = 1024


def too_big_message(what: str, size: int, limit: int) -> str:
    """The official wording for a record over its size limit, e.g. ``... must not cross 800KB``."""
    return f"{what} too big - {size} Bytes, must not cross {limit // BYTES_PER_KB}KB"
