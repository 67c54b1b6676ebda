"""suprsend-typed: a strongly typed, code-generated SDK for the SuprSend notification platform.

Seed names (``Suprsend``, ``Workflow``, ``WorkflowTriggerRequest``, ``Event``, ``BulkResponse``, the
official exception names) behave as in ``suprsend-py-sdk``; the typed surface adds the generated ``models``,
``structure``/``unstructure``/``validate``, typed errors, transports and middleware.
"""

from typing import TYPE_CHECKING

from ._broadcast import SubscriberListBroadcast
from ._bulk.bulk import BulkAlreadySentError, BulkInstance
from ._bulk.errors import BulkAuthenticationError, BulkInterruptedError
from ._bulk.progress import BulkProgressError
from ._bulk.response import AsyncBulkResponse, BaseBulkResponse, BulkResponse, FailedRecord
from ._bulk.source import BulkSourceError
from ._client import AppInfo, Suprsend
from ._dollar_keys import SuprsendWarning
from ._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ClientClosedError,
    ConflictError,
    InputValueError,
    InternalServerError,
    NotFoundError,
    PaginationLoopError,
    PermissionDeniedError,
    RateLimitError,
    ResponseTooLargeError,
    SuprsendAPIException,
    SuprsendConfigError,
    SuprsendError,
    SuprsendValidationError,
    UnprocessableEntityError,
    ValidationError,
)
from ._event import Event
from ._generated import models
from ._http import CallOptions, Headers, Request, Response, Timeout
from ._middleware import Handler, Middleware
from ._models import structure, unstructure, validate
from ._object_edit import ObjectEdit
from ._pages import Page
from ._profile import AsyncUserEdit, BaseUserEdit, Subscriber, UserEdit
from ._results import SeedResult
from ._retry import RetryMiddleware
from ._status_result import StatusResult
from ._transport import Transport
from ._types import UNSET, Unset
from ._urllib3_transport import Urllib3Transport
from ._version import __version__
from ._workflow import Workflow, WorkflowTriggerRequest

if TYPE_CHECKING:
    from ._aiohttp_transport import AiohttpTransport
    from ._async_client import AsyncSuprsend
    from ._async_middleware import AsyncHandler, AsyncMiddleware
    from ._async_pages import AsyncPage, AsyncPager
    from ._async_retry import AsyncRetryMiddleware
    from ._async_transport import AsyncTransport
    from ._background.errors import (
        BackgroundSenderError,
        ForkedSenderError,
        OutboxLockedError,
        QueueFullError,
        SenderClosedError,
        SenderStoppedError,
    )
    from ._background.outbox import DeadLetter
    from ._background.sender import BackgroundSender, SenderStats
    from ._bulk.async_bulk import AsyncBulkInstance
    from ._bulk.async_sender import BulkCancelledError
    from .replay import AsyncReplayTransport, ReplayTransport

BulkUsersEdit = BulkInstance  # the official SDK's name for a bulk of profile edits

# The async client's names, imported on first use: a sync program never loads asyncio through us.
_ASYNC_NAMES = {
    "AsyncSuprsend": "._async_client",
    "AsyncBulkInstance": "._bulk.async_bulk",
    "AiohttpTransport": "._aiohttp_transport",
    "AsyncHandler": "._async_middleware",
    "AsyncMiddleware": "._async_middleware",
    "AsyncPage": "._async_pages",
    "AsyncPager": "._async_pages",
    "AsyncRetryMiddleware": "._async_retry",
    "AsyncTransport": "._async_transport",
    "AsyncReplayTransport": ".replay",
    "BulkCancelledError": "._bulk.async_sender",
}


# Imported on first use (see __getattr__), so that importing the package loads no background machinery.
_BACKGROUND_NAMES = frozenset(
    {
        "BackgroundSender",
        "BackgroundSenderError",
        "DeadLetter",
        "ForkedSenderError",
        "OutboxLockedError",
        "QueueFullError",
        "SenderClosedError",
        "SenderStats",
        "SenderStoppedError",
    }
)


def __getattr__(name: str) -> object:
    """``ReplayTransport``, the background sender's classes and the async names are imported on first use:
    most programs never need the cassette machinery or SQLite, and a sync program never needs asyncio."""
    if name == "ReplayTransport":
        from .replay import ReplayTransport

        return ReplayTransport
    if name in _BACKGROUND_NAMES:
        from ._background import errors, outbox, sender

        for module in (sender, outbox, errors):
            if hasattr(module, name):
                return getattr(module, name)
    if name in _ASYNC_NAMES:
        import importlib

        return getattr(importlib.import_module(_ASYNC_NAMES[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "AiohttpTransport",
    "AsyncBulkInstance",
    "AsyncBulkResponse",
    "AsyncHandler",
    "AsyncMiddleware",
    "AsyncPage",
    "AsyncPager",
    "AsyncReplayTransport",
    "AsyncRetryMiddleware",
    "AsyncSuprsend",
    "AsyncTransport",
    "AsyncUserEdit",
    "APIConnectionError",
    "BackgroundSender",
    "BackgroundSenderError",
    "DeadLetter",
    "ForkedSenderError",
    "OutboxLockedError",
    "QueueFullError",
    "SenderClosedError",
    "SenderStats",
    "SenderStoppedError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AppInfo",
    "AuthenticationError",
    "BadRequestError",
    "BaseBulkResponse",
    "BaseUserEdit",
    "BulkAlreadySentError",
    "BulkAuthenticationError",
    "BulkCancelledError",
    "BulkInstance",
    "BulkInterruptedError",
    "BulkResponse",
    "BulkProgressError",
    "BulkSourceError",
    "BulkUsersEdit",
    "CallOptions",
    "ClientClosedError",
    "ConflictError",
    "Event",
    "FailedRecord",
    "Handler",
    "Headers",
    "InputValueError",
    "InternalServerError",
    "Middleware",
    "Page",
    "PaginationLoopError",
    "NotFoundError",
    "ObjectEdit",
    "PermissionDeniedError",
    "RateLimitError",
    "ReplayTransport",
    "Request",
    "Response",
    "ResponseTooLargeError",
    "RetryMiddleware",
    "SeedResult",
    "StatusResult",
    "Subscriber",
    "SubscriberListBroadcast",
    "Suprsend",
    "SuprsendAPIException",
    "SuprsendConfigError",
    "SuprsendError",
    "SuprsendValidationError",
    "SuprsendWarning",
    "Timeout",
    "Transport",
    "UNSET",
    "UnprocessableEntityError",
    "Unset",
    "Urllib3Transport",
    "UserEdit",
    "ValidationError",
    "Workflow",
    "WorkflowTriggerRequest",
    "models",
    "structure",
    "unstructure",
    "validate",
    "__version__",
]
