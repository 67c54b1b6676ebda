"""suprsend-typed: a strongly typed, code-generated SDK for the SuprSend notification platform."""

from ._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConflictError,
    InputValueError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    SuprsendAPIException,
    SuprsendConfigError,
    SuprsendError,
    SuprsendValidationError,
    UnprocessableEntityError,
    ValidationError,
)
from ._http import CallOptions, Headers, Request, Response, Timeout
from ._middleware import Handler, Middleware
from ._transport import Transport
from ._types import UNSET, Unset

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AuthenticationError",
    "BadRequestError",
    "CallOptions",
    "ConflictError",
    "Handler",
    "Headers",
    "InputValueError",
    "InternalServerError",
    "Middleware",
    "NotFoundError",
    "PermissionDeniedError",
    "RateLimitError",
    "Request",
    "Response",
    "SuprsendAPIException",
    "SuprsendConfigError",
    "SuprsendError",
    "SuprsendValidationError",
    "Timeout",
    "Transport",
    "UNSET",
    "UnprocessableEntityError",
    "Unset",
    "ValidationError",
]
