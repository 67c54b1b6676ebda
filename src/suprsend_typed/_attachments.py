"""Attachment dicts for workflow data and event properties: a local file inlined as base64, or a URL."""

from __future__ import annotations

import base64
import functools
import mimetypes
import os
from collections.abc import Callable
from typing import Any

from ._errors import InputValueError
from ._json import BYTES_PER_KB
from ._logging import logger

_URL_PREFIXES = ("https://", "http://")
_FALLBACK_MIME = "application/octet-stream"
# base64 turns every 3 input bytes into 4 output characters, so blocks that are a multiple of 3 bytes
# encode independently and their texts simply concatenate (no padding in the middle).
_BASE64_GROUP_BYTES = 3
_GROUPS_PER_READ = 64 * BYTES_PER_KB  # 192 KiB per read: few system calls, little memory
_READ_BLOCK_BYTES = _BASE64_GROUP_BYTES * _GROUPS_PER_READ

MimeDetector = Callable[[str], str]


def _mimetypes_guess(path: str) -> str:
    guessed, _ = mimetypes.guess_type(path)
    return guessed or _FALLBACK_MIME


@functools.cache
def mime_detector() -> MimeDetector:
    """python-magic's content sniffing when libmagic loads; else extension guessing, announced once."""
    try:
        import magic
    except ImportError as exc:
        logger.warning(
            "libmagic is not available (%s); attachment MIME types are guessed from file extensions", exc
        )
        return _mimetypes_guess

    def sniff(path: str) -> str:
        return str(magic.from_file(path, mime=True))

    return sniff


def is_url(file_path: str) -> bool:
    return file_path.startswith(_URL_PREFIXES)


def url_attachment(url: str, file_name: str | None, ignore_if_error: bool) -> dict[str, object]:
    """A URL the hub fetches itself; nothing is downloaded or checked here."""
    return {
        "filename": file_name,
        "contentType": None,
        "data": None,
        "url": url,
        "ignore_if_error": ignore_if_error,
    }


def _base64_of_file(path: str) -> str:
    """The file's standard base64 text, encoded block by block so the raw bytes are never all in memory."""
    parts: list[str] = []
    with open(path, "rb") as stream:
        while block := stream.read(_READ_BLOCK_BYTES):
            parts.append(base64.b64encode(block).decode("ascii"))
    return "".join(parts)


def file_attachment(file_path: str, file_name: str | None, ignore_if_error: bool) -> dict[str, object] | None:
    """The file inlined as base64; ``None`` (and a warning) if it is unreadable and errors are ignored."""
    path = os.path.abspath(os.path.expanduser(file_path))
    try:
        data = _base64_of_file(path)
        content_type = mime_detector()(path)
    except OSError as exc:
        if not ignore_if_error:
            raise
        logger.warning(
            "attachment %r skipped (ignore_if_error=True): %s: %s", file_path, type(exc).__name__, exc
        )
        return None
    chosen_name = file_name.strip() if file_name and file_name.strip() else os.path.basename(path)
    return {
        "filename": chosen_name,
        "contentType": content_type,
        "data": data,
        "url": None,
        "ignore_if_error": ignore_if_error,
    }


def attachment_for(
    file_path: str | os.PathLike[str], file_name: str | None = None, ignore_if_error: bool = False
) -> dict[str, object] | None:
    """The attachment dict for a local path or an ``http(s)://`` URL, as the hub expects it."""
    if isinstance(file_path, os.PathLike):
        file_path = os.fspath(file_path)
    if not isinstance(file_path, str) or not file_path.strip():
        raise InputValueError(f"file_path must be a non-empty string or path, got {file_path!r}")
    if file_name is not None and not isinstance(file_name, str):
        raise InputValueError(f"file_name must be a string, got {file_name!r}")
    if not isinstance(ignore_if_error, bool):
        raise InputValueError(f"ignore_if_error must be a bool, got {ignore_if_error!r}")
    if is_url(file_path):
        return url_attachment(file_path, file_name, ignore_if_error)
    return file_attachment(file_path, file_name, ignore_if_error)


def attach_to_body(
    body: dict[str, Any],
    file_path: str | os.PathLike[str],
    file_name: str | None = None,
    ignore_if_error: bool = False,
) -> dict[str, Any]:
    """The official ``Suprsend.add_attachment``: the attachment appended to ``body["data"]["$attachments"]``
    (both created if absent), in place; returns ``body``. Every check runs before anything changes. A file
    skipped by ``ignore_if_error`` adds nothing (the official SDK appends a null there)."""
    if not isinstance(body, dict):
        raise InputValueError("data must be a dictionary")
    data = body.get("data")
    if data is not None and not isinstance(data, dict):
        raise InputValueError("body['data'] must be a dictionary (attachments go into data.$attachments)")
    present = None if data is None else data.get("$attachments")
    if present is not None and not isinstance(present, list):
        raise InputValueError("data.$attachments must be a list")
    attachment = attachment_for(file_path, file_name, ignore_if_error)
    if attachment is None:
        return body
    if data is None:
        data = body["data"] = {}
    if present is None:
        present = data["$attachments"] = []
    present.append(attachment)
    return body
