"""What the sandbox answers with: a status, a body and headers, and the hub's error body.

The hub's error body is ``{"code", "error_code", "type", "message", "detail"}`` (the description's
``ErrorResponse``): the official SDK's ``SuprsendAPIException`` shows its top-level ``message``, and our
client's ``error_message`` reads it too.
"""

from __future__ import annotations

from typing import Any, Final

import attrs

from .._json import dumps

JSON_CONTENT_TYPE: Final = "application/json; charset=utf-8"


@attrs.frozen(kw_only=True, slots=True)
class HubAnswer:
    status: int
    body: bytes
    content_type: str = JSON_CONTENT_TYPE
    headers: tuple[tuple[str, str], ...] = ()


def error_type_name(error_code: str) -> str:
    """The hub's ``type`` for an ``error_code``: ``not_found`` -> ``NotFound``."""
    return "".join(part.title() for part in error_code.split("_"))


def error_document(status: int, message: str, error_code: str) -> dict[str, Any]:
    return {
        "code": status,
        "error_code": error_code,
        "type": error_type_name(error_code),
        "message": message,
        "detail": message,
    }


def error_body(status: int, message: str, error_code: str) -> bytes:
    return dumps(error_document(status, message, error_code)).encode("utf-8")


def error_answer(
    status: int, message: str, error_code: str, headers: tuple[tuple[str, str], ...] = ()
) -> HubAnswer:
    return HubAnswer(status=status, body=error_body(status, message, error_code), headers=headers)


def json_answer(status: int, document: Any) -> HubAnswer:
    return HubAnswer(status=status, body=dumps(document).encode("utf-8"))
