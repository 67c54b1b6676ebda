"""``client.users`` and ``client.user`` of the async client: the generated methods plus the builder
factories of the sync ``users``; the builders are ``AsyncUserEdit``s, whose ``save()`` is awaited."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._async_resource import AsyncResource
from .._generated.async_resources import users as generated
from .._profile import AsyncUserEdit, BaseUserEdit, legacy_distinct_id, user_edit_ids

if TYPE_CHECKING:
    from .._bulk.async_bulk import AsyncBulkInstance


class AsyncUsersResource(generated.AsyncUsersResource):
    """Adds ``get_edit_instance`` and ``get_bulk_edit_instance`` of the sync ``users``, with the same
    checks; ``edit`` is the generated method (``await client.users.edit(edit)``)."""

    __slots__ = ()

    def get_edit_instance(self, distinct_id: str, tenant_id: str | None = None) -> AsyncUserEdit:
        """A profile builder for ``distinct_id`` (optionally scoped to ``tenant_id``)."""
        return AsyncUserEdit(self._core, *user_edit_ids(distinct_id, tenant_id))

    def get_bulk_edit_instance(self) -> AsyncBulkInstance[BaseUserEdit]:
        """A new bulk of user edits, sent as identity events by ``await bulk.save()``."""
        from .._bulk.async_bulk import AsyncBulkUsersFactory

        return AsyncBulkUsersFactory(self._core).new_instance()


class AsyncUserFactory(AsyncResource):
    """``client.user``: the older entry point, ``get_instance(distinct_id).add_email(...); await .save()``."""

    __slots__ = ()

    def get_instance(self, distinct_id: str | None = None) -> AsyncUserEdit:
        return AsyncUserEdit(self._core, legacy_distinct_id(distinct_id))

    new = get_instance
