"""Wire JSON: the exact text the official SDK sends and signs, and the "apparent size" used for limits."""

from __future__ import annotations

import json
import json.encoder
from collections.abc import Callable
from typing import Any

from ._errors import InputValueError, ValidationError

TOO_DEEP = "value is nested too deeply (or contains itself) to serialise as JSON"

_encoder = json.JSONEncoder(ensure_ascii=False, allow_nan=False)
_encode_string: Callable[[str], str] = json.encoder.encode_basestring
# The C encoder factory JSONEncoder.encode itself uses (None on interpreters without the C accelerator).
_make_c_encoder: Callable[..., Callable[[Any, int], tuple[str, ...]]] | None = getattr(
    json.encoder, "c_make_encoder", None
)
# Everything the C encoder takes after its markers dict, exactly as JSONEncoder.iterencode passes it.
_C_ENCODER_SETTINGS = (
    _encoder.default,
    json.encoder.encode_basestring,
    _encoder.indent,
    _encoder.key_separator,
    _encoder.item_separator,
    _encoder.sort_keys,
    _encoder.skipkeys,
    _encoder.allow_nan,
)


# One C encoder for every call, built without a markers dict: it then keeps no state between calls (so
# threads can share it), and a value that contains itself ends in RecursionError, reported like any value
# nested too deeply. Building an encoder per call cost more than the encoding of a small event.
_c_encode: Callable[[Any, int], tuple[str, ...]] | None = (
    None if _make_c_encoder is None else _make_c_encoder(None, *_C_ENCODER_SETTINGS)
)


def _encode(obj: Any) -> str:
    """``_encoder.encode(obj)`` without the Python closures ``JSONEncoder.iterencode`` rebuilds per call."""
    if type(obj) is str:  # what JSONEncoder.encode does for a str (ensure_ascii off), without its frame
        return _encode_string(obj)
    if _c_encode is None or isinstance(obj, str):
        return _encoder.encode(obj)
    return "".join(_c_encode(obj, 0))


def dumps(obj: Any) -> str:
    """``json.dumps(obj, ensure_ascii=False)`` with default separators; NaN and infinities are refused."""
    try:
        if type(obj) is dict and _c_encode is not None:  # a record's body: the common case, one frame less
            return "".join(_c_encode(obj, 0))
        return _encode(obj)
    except (TypeError, ValueError) as exc:
        raise ValidationError(f"value is not JSON-serialisable: {exc}") from None
    except RecursionError:
        raise ValidationError(TOO_DEEP) from None


def encode(text: str) -> bytes:
    """UTF-8 bytes of wire text; a lone surrogate is refused instead of crashing the transport."""
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise ValidationError(f"text is not valid Unicode (lone surrogate at {exc.start})") from None


def encoded_size(text: str) -> int:
    """``len(encode(text))``, and the same refusal of lone surrogates, without encoding ASCII text
    (``str.isascii`` is answered from the string's header, so the common case costs no copy)."""
    if text.isascii():
        return len(text)
    return len(encode(text))


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


def checked_size(text: str, limit: int, what: str, *, allowance: int = 0) -> int:
    """The size of a record's wire text as the official SDK measures it (UTF-8 bytes of its
    ``json.dumps(..., ensure_ascii=False)``, plus ``allowance``), refused with the official message when
    above ``limit``. The one size check of every record the SDK sends."""
    size = encoded_size(text) + allowance
    if size > limit:
        raise InputValueError(too_big_message(what, size, limit))
    return size
