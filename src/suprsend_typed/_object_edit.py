"""``ObjectEdit``: profile operations for one object, sent by ``client.objects.edit`` as one PATCH.

The operations are built exactly as for a user (``ProfileOperations``): the official ``ObjectEdit`` emits
the same ``{"operations": [...]}`` body as ``UserEdit``.
"""

from __future__ import annotations

from ._async_base_client import AsyncRequestCore
from ._base_client import RequestCore
from ._paths import official_id
from ._profile import ProfileOperations


class ObjectEdit(ProfileOperations):
    """Collects profile operations for the object ``object_type``/``object_id``.

    Take one from ``client.objects.get_edit_instance(object_type, object_id)``, call ``set``, ``append``,
    ``add_email``, ... and send it with ``client.objects.edit(edit)`` (``await`` it on the async client).
    It has no ``save()`` (nor has the official one), so one class serves both clients.
    """

    __slots__ = ("object_type", "object_id")

    def __init__(self, core: RequestCore | AsyncRequestCore, object_type: str, object_id: str) -> None:
        super().__init__(core.context, f"{object_type}/{object_id}")
        self.object_type = object_type
        self.object_id = object_id

    def __repr__(self) -> str:
        return (
            f"ObjectEdit(object_type={self.object_type!r}, object_id={self.object_id!r}, "
            f"operations={self._operations!r})"
        )


def object_edit_ids(object_type: object, object_id: object) -> tuple[str, str]:
    """The ids of ``objects.get_edit_instance`` of both clients, checked and stripped as the official SDK
    does (``missing object_type``, ``missing object_id``)."""
    return (
        official_id(object_type, "object_type", missing_only=True),
        official_id(object_id, "object_id", missing_only=True),
    )
