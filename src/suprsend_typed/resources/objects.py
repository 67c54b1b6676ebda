"""``client.objects``: the generated resource (``edit(ObjectEdit)`` from codegen's customisations) and
``get_edit_instance``."""

from __future__ import annotations

from .._generated.resources import objects as generated
from .._object_edit import ObjectEdit
from .._paths import official_id


def _check_type(value: object) -> str:
    return official_id(value, "object_type", missing_only=True)


def _check_id(value: object) -> str:
    return official_id(value, "object_id", missing_only=True)


class ObjectsResource(generated.ObjectsResource):
    """Adds ``get_edit_instance``; every method is the generated one (its id checks come from the spec)."""

    __slots__ = ()

    def get_edit_instance(self, object_type: str, object_id: str) -> ObjectEdit:
        """A profile builder for one object; send it with ``edit``."""
        return ObjectEdit(self._core, _check_type(object_type), _check_id(object_id))
