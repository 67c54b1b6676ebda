"""Body validation with the generated models, so the sandbox refuses exactly what the spec refuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from .._errors import ValidationError
from .._generated import models
from .._models import validate

Validator = Callable[[str, Any], None]
"""``(kind, record)``: raises ``ValidationError`` (with a field path) when ``record`` is not valid."""

MODELS: Final[dict[str, type[Any]]] = {
    "legacy_workflow": models.LegacyWorkflow,
    "workflow_trigger": models.WorkflowTrigger,
    "event": models.EventPayload,
    "identity_event": models.IdentityEvent,
    "user_edit": models.UserEditBody,
    "message_update": models.BulkMessagesUpdate,
}
"""Record kind -> the generated model its body must satisfy."""


def validate_record(kind: str, record: Any) -> None:
    """The default ``Validator``: checks ``record`` against the model of ``kind`` without building it."""
    validate(record, MODELS[kind])


def join_path(prefix: str, path: str) -> str:
    """``prefix`` then ``path`` (``[0]`` + ``users[1]`` -> ``[0].users[1]``)."""
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


def error_text(error: ValidationError) -> str:
    """``<field path>: <reason>`` of the first problem, the message the sandbox answers with."""
    return f"{error.path}: {error.reason}" if error.path else error.reason
