"""Body validation with the generated models, so the sandbox refuses exactly what the spec refuses."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from .._errors import ValidationError

Validator = Callable[[str, Any], None]
"""``(kind, record)``: raises ``ValidationError`` (with a field path) when ``record`` is not valid."""

MESSAGE_ACTIONS: Final = frozenset(
    {"seen", "clicked", "dismissed", "read", "unread", "archived", "unarchived"}
)


MODEL_NAMES: Final = {
    "legacy_workflow": "LegacyWorkflow",
    "workflow_trigger": "WorkflowTrigger",
    "event": "EventPayload",
    "identity_event": "IdentityEvent",
    "user_operation": "UserOperation",
}
"""Record kind -> name of its class in ``_generated.models``."""


class ModelValidator:
    """Validates records with ``_models.structure`` and the generated model of each kind."""

    def __init__(self) -> None:
        from .._generated import models
        from .._models import structure

        self._structure = structure
        self._models = {kind: getattr(models, name) for kind, name in MODEL_NAMES.items()}

    def __call__(self, kind: str, record: Any) -> None:
        if kind == "user_edit":
            self._user_edit(record)
        elif kind == "message_update":
            _message_update(record)
        else:
            self._structure(record, self._models[kind])

    def _user_edit(self, body: Any) -> None:
        if not isinstance(body, dict) or not isinstance(body.get("operations"), list):
            raise ValidationError("must be an object with an 'operations' array", path="operations")
        for index, operation in enumerate(body["operations"]):
            try:
                self._structure(operation, self._models["user_operation"])
            except ValidationError as exc:
                raise ValidationError(exc.reason, path=join_path(f"operations[{index}]", exc.path)) from None


def _message_update(body: Any) -> None:
    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
        raise ValidationError("must be an object with a 'messages' array", path="messages")
    for index, item in enumerate(body["messages"]):
        where = f"messages[{index}]"
        if not isinstance(item, dict):
            raise ValidationError("must be an object", path=where)
        if not isinstance(item.get("message_id"), str) or not item["message_id"]:
            raise ValidationError("missing message_id", path=f"{where}.message_id")
        if item.get("action") not in MESSAGE_ACTIONS:
            raise ValidationError(f"action must be one of {sorted(MESSAGE_ACTIONS)}", path=f"{where}.action")


def join_path(prefix: str, path: str) -> str:
    """``prefix`` then ``path`` (``[0]`` + ``users[1]`` -> ``[0].users[1]``)."""
    if not path:
        return prefix
    return f"{prefix}{path}" if path.startswith("[") else f"{prefix}.{path}"


def error_text(error: ValidationError) -> str:
    """``<field path>: <reason>``, the message the sandbox answers with."""
    return f"{error.path}: {error.reason}" if error.path else error.reason
