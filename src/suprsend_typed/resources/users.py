"""``client.users`` (the generated resource and the official builder factories) and ``client.user``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._generated.resources import users as generated
from .._profile import BaseUserEdit, UserEdit, legacy_distinct_id, user_edit_ids
from .._resource import Resource

if TYPE_CHECKING:
    from .._bulk.bulk import BulkInstance


class UsersResource(generated.UsersResource):
    """The generated users operations (``edit`` and ``async_edit`` too: rows of ``codegen/customisations.py``)
    plus the builder factories ``get_edit_instance`` and ``get_bulk_edit_instance``."""

    __slots__ = ()

    def get_edit_instance(self, distinct_id: str, tenant_id: str | None = None) -> UserEdit:
        """A profile builder for ``distinct_id`` (optionally scoped to ``tenant_id``)."""
        return UserEdit(self._core, *user_edit_ids(distinct_id, tenant_id))

    def get_bulk_edit_instance(self) -> BulkInstance[BaseUserEdit]:
        """A new bulk of ``UserEdit`` records, sent as identity events."""
        from .._bulk.bulk import BulkUsersFactory

        return BulkUsersFactory(self._core).new_instance()


class UserFactory(Resource):
    """``client.user``: the older entry point, ``get_instance(distinct_id).add_email(...); .save()``."""

    __slots__ = ()

    def get_instance(self, distinct_id: str | None = None) -> UserEdit:
        return UserEdit(self._core, legacy_distinct_id(distinct_id))

    new = get_instance
