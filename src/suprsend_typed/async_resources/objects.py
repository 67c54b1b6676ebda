"""``client.objects`` of the async client: the generated methods plus ``get_edit_instance``."""

from __future__ import annotations

from .._generated.async_resources import objects as generated
from .._object_edit import ObjectEdit, object_edit_ids


class AsyncObjectsResource(generated.AsyncObjectsResource):
    """Adds ``get_edit_instance`` of the sync ``objects``, with the same checks; send the builder with
    ``await client.objects.edit(edit)`` (the generated method)."""

    __slots__ = ()

    def get_edit_instance(self, object_type: str, object_id: str) -> ObjectEdit:
        """A profile builder for one object (the same ``ObjectEdit`` as the sync client's)."""
        return ObjectEdit(self._core, *object_edit_ids(object_type, object_id))
