"""The exception hierarchy. Names of the official SDK are kept as aliases so ``except`` clauses port over."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ._error_base import DEFAULT_ERROR_STATUS as DEFAULT_ERROR_STATUS
from ._error_base import SuprsendConfigError as SuprsendConfigError
from ._error_base import SuprsendError as SuprsendError
from ._http import Response, mask_credentials, mask_json

# The first server-error status: from here on every status is an InternalServerError.
FIRST_SERVER_ERROR_STATUS = 500


class ValidationError(SuprsendError, ValueError):
    """Bad input, found before anything is sent. ``path`` names the field (``users[0].$email``)."""

    status_code = 400

    def __init__(self, reason: str, *, path: str = "", errors: Sequence[tuple[str, str]] = ()) -> None:
        self.path = path
        self.reason = reason
        self.errors: tuple[tuple[str, str], ...] = tuple(errors) or ((path, reason),)
        message = f"{path}: {reason}" if path else reason
        if len(self.errors) > 1:
            message += f" (and {len(self.errors) - 1} more)"
        super().__init__(message)


class InputValueError(ValidationError):
    """A value the API would refuse (size, reserved name, wrong type): the official SDK's name for it."""


class ClientClosedError(SuprsendError, RuntimeError):
    """The client was closed (``close()`` or the end of its ``with`` block); it sends nothing more.

    Nothing was sent, so ``str()`` is the message alone, with no HTTP code."""

    def __str__(self) -> str:
        return self.message


class APIError(SuprsendError):
    """A request was sent and did not succeed."""


class APIConnectionError(APIError):
    """No response: connection refused or dropped, TLS failure, DNS failure.

    ``outcome_unknown`` is False only when the request certainly never left (no connection could be
    opened); otherwise it may have reached the hub and been processed although no answer came back (a
    dropped connection, a read timeout), and resending it is safe only with the same dedupe key.

    ``status_code`` is the official SDK's 500, but no HTTP answer came, so ``str()`` is the message alone:
    a ``[code: 500]`` there would read as the hub's answer.
    """

    def __init__(self, message: str = "connection error", *, outcome_unknown: bool = True) -> None:
        super().__init__(message, status_code=DEFAULT_ERROR_STATUS)
        self.outcome_unknown = outcome_unknown

    def __str__(self) -> str:
        return self.message


class APITimeoutError(APIConnectionError):
    """A connect or read timeout expired (only a read timeout leaves the outcome unknown)."""

    def __init__(self, message: str = "request timed out", *, outcome_unknown: bool = True) -> None:
        super().__init__(message, outcome_unknown=outcome_unknown)


class ResponseTooLargeError(APIConnectionError):
    """The answer's body, decoded, passed the transport's size cap (``max_response_bytes``).

    Reading stopped at the cap, so the answer is lost: the hub may have processed the request
    (``outcome_unknown``). ``limit`` is the cap in bytes.
    """

    def __init__(self, message: str, *, limit: int) -> None:
        super().__init__(message, outcome_unknown=True)
        self.limit = limit


class PaginationLoopError(APIError):
    """The hub asked for a page already fetched (a repeated cursor or offset), so walking on would never end.

    ``parameter`` is the query parameter (``after`` or ``offset``) and ``position`` its repeated value;
    ``pages`` is how many pages were fetched before the repeat was seen.
    """

    def __init__(self, *, parameter: str, position: str, pages: int) -> None:
        super().__init__(
            f"the hub repeated {parameter}={position!r} after {pages} page(s): "
            "walking on would fetch the same pages again forever"
        )
        self.parameter = parameter
        self.position = position
        self.pages = pages

    def __str__(self) -> str:
        return self.message  # every page was answered with a success: no HTTP code to show


class APIStatusError(APIError):
    """The hub answered with an error status. ``message`` comes from the body (see ``error_message``).

    ``body`` is the parsed answer with registered credentials masked; ``response`` is the answer as received
    (its repr is masked too).
    """

    def __init__(self, message: str, *, response: Response, body: Any = None) -> None:
        super().__init__(message, status_code=response.status_code)
        self.response = response
        self.body = body


class BadRequestError(APIStatusError):
    status_code = 400


class AuthenticationError(APIStatusError):
    status_code = 401


class PermissionDeniedError(APIStatusError):
    status_code = 403


class NotFoundError(APIStatusError):
    status_code = 404


class ConflictError(APIStatusError):
    status_code = 409


class UnprocessableEntityError(APIStatusError):
    status_code = 422


class RateLimitError(APIStatusError):
    status_code = 429


class InternalServerError(APIStatusError):
    """Any 5xx."""


_BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    422: UnprocessableEntityError,
    429: RateLimitError,
}


def error_message(response: Response) -> str:
    """The server's message: ``error.message``, else ``message``, else ``detail``, else the raw text.

    Registered credentials are masked, since a server may echo the ``Authorization`` header it was sent.
    """
    return mask_credentials(_server_message(response))


def _server_message(response: Response) -> str:
    body = response.json_or_none()
    if isinstance(body, dict):
        err = body.get("error")
        if isinstance(err, dict) and isinstance(err.get("message"), str) and err["message"]:
            return str(err["message"])
        for key in ("message", "detail"):
            value = body.get(key)
            if isinstance(value, str) and value:
                return value
    return response.text


def status_error(response: Response) -> APIStatusError:
    """The typed error for an error response."""
    cls = _BY_STATUS.get(response.status_code)
    if cls is None:
        cls = InternalServerError if response.status_code >= FIRST_SERVER_ERROR_STATUS else APIStatusError
    return cls(error_message(response), response=response, body=mask_json(response.json_or_none()))


# Official SDK names, so that code written against it keeps catching the same things.
SuprsendValidationError = ValidationError
SuprsendAPIException = APIStatusError
