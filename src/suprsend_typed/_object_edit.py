"""``ObjectEdit``: profile operations for one object, sent by ``client.objects.edit`` as one PATCH.

The operations are built exactly as for a user (``ProfileOperations``): the official ``ObjectEdit`` emits
the same ``{"operations": [...]}`` body as ``UserEdit``.
"""

from __future__ import annotations

from ._base_client import RequestCore
from ._profile import ProfileOperations


class ObjectEdit(ProfileOperations):
    """Collects profile operations for the object ``object_type``/``object_id``.

    Take one from ``client.objects.get_edit_instance(object_type, object_id)``, call ``set``, ``append``,
    ``add_email``, ... and send it with ``client.objects.edit(edit)``.
    """

    __slots__ = ("object_type", "object_id")

    def __init__(self, core: RequestCore, object_type: str, object_id: str) -> None:
        super().__init__(core, f"{object_type}/{object_id}")
        self.object_type = object_type
        self.object_id = object_id

    def __repr__(self) -> str:
        return (
            f"ObjectEdit(object_type={self.object_type!r}, object_id={self.object_id!r}, "
            f"operations={self._operations!r})"
        )
