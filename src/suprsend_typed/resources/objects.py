"""``client.objects``: the generated resource, ``get_edit_instance`` and the official ``edit(ObjectEdit)`` /
``edit(object_type, object_id, payload)``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .. import _json
from .._arguments import model_body
from .._errors import ValidationError
from .._generated import endpoints_objects as endpoints
from .._generated.models import ObjectProfile, UserEditBody
from .._generated.operations import EDIT_OBJECT
from .._generated.resources import objects as generated
from .._http import TimeoutLike
from .._object_edit import ObjectEdit
from .._paths import official_id


def _check_type(value: object) -> str:
    return official_id(value, "object_type", missing_only=True)


def _check_id(value: object) -> str:
    return official_id(value, "object_id", missing_only=True)


class ObjectsResource(generated.ObjectsResource):
    """``get_edit_instance`` and the official ``edit(ObjectEdit)`` / ``edit(object_type, object_id,
    payload)``; every other method is the generated one (its id checks come from the spec)."""

    __slots__ = ()

    def get_edit_instance(self, object_type: str, object_id: str) -> ObjectEdit:
        """A profile builder for one object; send it with ``edit``."""
        return ObjectEdit(self._core, _check_type(object_type), _check_id(object_id))

    def edit(  # type: ignore[override]
        self,
        edit_ins_or_object_type: ObjectEdit | str,
        object_id: str | None = None,
        edit_payload: UserEditBody | Mapping[str, Any] | None = None,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> ObjectProfile:
        """``PATCH v1/object/{object_type}/{object_id}/`` with profile operations.

        Takes an ``ObjectEdit`` builder, or, as the official SDK, ``(object_type, object_id,
        {"operations": [...]})``. Never retried: operations such as ``increment`` would apply twice, so a
        per-call ``max_retries`` other than 0 is refused. Returns the updated object; raises
        ``APIStatusError`` subclasses on an error status.
        """
        edit = edit_ins_or_object_type
        if isinstance(edit, ObjectEdit):
            if object_id is not None or edit_payload is not None:
                raise TypeError(
                    "objects.edit(ObjectEdit) takes no object_id or payload: the builder has both"
                )
            object_type, checked_id = _check_type(edit.object_type), _check_id(edit.object_id)
            text = edit._checked_payload_text()
        else:
            object_type, checked_id = _check_type(edit), _check_id(object_id)
            if edit_payload is None:
                # The official SDK sends {} here, which has no operations to apply.
                raise ValidationError("missing payload", path="payload")
            text = _json.dumps(model_body(edit_payload, UserEditBody, {}))
        response = self._core.send_operation(
            EDIT_OBJECT,
            endpoints.build_edit_object,
            path={"object_type": object_type, "object_id": checked_id},
            content=_json.encode(text),
            timeout=timeout,
            max_retries=max_retries,
        )
        return endpoints.parse_edit_object(response)
