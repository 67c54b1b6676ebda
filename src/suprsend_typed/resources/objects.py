"""``client.objects``: the generated resource (``edit(ObjectEdit)`` from codegen's customisations) and
``get_edit_instance``."""

from __future__ import annotations

from .._generated.resources import objects as generated
from .._object_edit import ObjectEdit, object_edit_ids


class ObjectsResource(generated.ObjectsResource):
    """Adds ``get_edit_instance``; every method is the generated one (its id checks come from the spec)."""

    __slots__ = ()

    def get_edit_instance(self, object_type: str, object_id: str) -> ObjectEdit:
        """A profile builder for one object; send it with ``edit``."""
        return ObjectEdit(self._core, *object_edit_ids(object_type, object_id))
