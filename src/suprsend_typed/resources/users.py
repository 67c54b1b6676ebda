"""``client.users`` (the generated resource and the official builder factories) and ``client.user``."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._errors import InputValueError
from .._generated.resources import users as generated
from .._paths import official_id_error
from .._profile import UserEdit
from .._resource import Resource

if TYPE_CHECKING:
    from .._bulk.bulk import BulkInstance


def _checked_id(value: object, name: str) -> str:
    """A stripped, non-blank id, or the official ``missing <name>`` validation error."""
    if not isinstance(value, str) or not value.strip():
        raise official_id_error(name, f"missing {name}")
    return value.strip()


class UsersResource(generated.UsersResource):
    """The generated users operations (``edit`` and ``async_edit`` too: rows of ``codegen/customisations.py``)
    plus the builder factories ``get_edit_instance`` and ``get_bulk_edit_instance``."""

    __slots__ = ()

    def get_edit_instance(self, distinct_id: str, tenant_id: str | None = None) -> UserEdit:
        """A profile builder for ``distinct_id`` (optionally scoped to ``tenant_id``)."""
        checked_tenant = _checked_id(tenant_id, "tenant_id") if tenant_id else None
        return UserEdit(self._core, _checked_id(distinct_id, "distinct_id"), checked_tenant)

    def get_bulk_edit_instance(self) -> BulkInstance[UserEdit]:
        """A new bulk of ``UserEdit`` records, sent as identity events."""
        from .._bulk.bulk import BulkUsersFactory

        return BulkUsersFactory(self._core).new_instance()


class UserFactory(Resource):
    """``client.user``: the older entry point, ``get_instance(distinct_id).add_email(...); .save()``."""

    __slots__ = ()

    def get_instance(self, distinct_id: str | None = None) -> UserEdit:
        if not isinstance(distinct_id, str):
            raise InputValueError(
                "distinct_id must be a string. an Id which uniquely identify a user in your app",
                path="distinct_id",
            )
        if not distinct_id.strip():
            raise InputValueError("distinct_id must be passed", path="distinct_id")
        return UserEdit(self._core, distinct_id.strip())

    new = get_instance
