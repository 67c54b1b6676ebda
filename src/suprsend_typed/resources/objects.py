"""``client.objects``: the generated resource with the official id checks, ``get_edit_instance`` and the
official ``edit(ObjectEdit)`` / ``edit(object_type, object_id, payload)``."""

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
from .._official_ids import missing_id, with_checked_ids

_check_type = missing_id("object_type")
_check_id = missing_id("object_id")
_TYPE = (0, _check_type)
_ID = (1, _check_id)
_CATEGORY = (2, missing_id("category"))

_Generated = generated.ObjectsResource


class ObjectsResource(_Generated):
    """Every call strips ``object_type`` and ``object_id`` and refuses a missing one with the official
    message (``missing object_type``, ``missing object_id``) before anything is sent."""

    __slots__ = ()

    list = with_checked_ids(_Generated.list, _TYPE)
    get = with_checked_ids(_Generated.get, _TYPE, _ID)
    upsert = with_checked_ids(_Generated.upsert, _TYPE, _ID)
    delete = with_checked_ids(_Generated.delete, _TYPE, _ID)
    bulk_delete = with_checked_ids(_Generated.bulk_delete, _TYPE)
    get_subscriptions = with_checked_ids(_Generated.get_subscriptions, _TYPE, _ID)
    create_subscriptions = with_checked_ids(_Generated.create_subscriptions, _TYPE, _ID)
    delete_subscriptions = with_checked_ids(_Generated.delete_subscriptions, _TYPE, _ID)
    get_objects_subscribed_to = with_checked_ids(_Generated.get_objects_subscribed_to, _TYPE, _ID)
    get_full_preference = with_checked_ids(_Generated.get_full_preference, _TYPE, _ID)
    update_full_preference = with_checked_ids(_Generated.update_full_preference, _TYPE, _ID)
    get_global_channels_preference = with_checked_ids(_Generated.get_global_channels_preference, _TYPE, _ID)
    update_global_channels_preference = with_checked_ids(
        _Generated.update_global_channels_preference, _TYPE, _ID
    )
    list_category_preferences = with_checked_ids(_Generated.list_category_preferences, _TYPE, _ID)
    # The official call checks the category first; its update counterpart sends the category as given.
    get_category_preference = with_checked_ids(_Generated.get_category_preference, _CATEGORY, _TYPE, _ID)
    update_category_preference = with_checked_ids(_Generated.update_category_preference, _TYPE, _ID)

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
