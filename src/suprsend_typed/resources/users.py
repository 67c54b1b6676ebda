"""``client.users`` (edit, async_edit, builders) and ``client.user`` (the older profile factory)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .. import _json
from .._errors import InputValueError, SuprsendConfigError, ValidationError, status_error
from .._generated import endpoints
from .._http import TimeoutLike
from .._profile import UserEdit
from .._results import SeedResult
from ._shared import json_or_raise

if TYPE_CHECKING:
    from .._bulk.bulk import BulkInstance
    from .._client import Suprsend

EDIT_OPERATION = "edit_user"
ASYNC_EDIT_OPERATION = "send_identity_events"


def _checked_id(value: object, name: str) -> str:
    """A stripped, non-blank id, or the official ``missing <name>`` validation error."""
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"missing {name}", path=name)
    return value.strip()


def _checked_profile(user: object, method: str) -> UserEdit:
    if user is None:
        raise ValidationError("instance is required", path="user")
    if not isinstance(user, UserEdit):
        raise TypeError(f"users.{method} expects a UserEdit, got {type(user).__name__}")
    return user


class UsersResource:
    """Profile edits: ``edit`` (PATCH, synchronous) and ``async_edit`` (identity event)."""

    __slots__ = ("_client",)

    def __init__(self, client: Suprsend) -> None:
        self._client = client

    def get_edit_instance(self, distinct_id: str, tenant_id: str | None = None) -> UserEdit:
        """A profile builder for ``distinct_id`` (optionally scoped to ``tenant_id``)."""
        checked_tenant = _checked_id(tenant_id, "tenant_id") if tenant_id else None
        return UserEdit(self._client, _checked_id(distinct_id, "distinct_id"), checked_tenant)

    def edit(
        self, user: UserEdit, *, timeout: TimeoutLike | None = None, max_retries: int | None = None
    ) -> Any:
        """``PATCH v1/user/{distinct_id}/`` with the builder's operations; returns the updated profile JSON.

        Never retried: operations such as ``increment`` would apply twice, so a per-call ``max_retries``
        other than 0 is refused. Raises ``APIStatusError`` subclasses on an error status and
        ``APIConnectionError`` when no answer arrives.
        """
        profile = _checked_profile(user, "edit")
        content = _json.encode(profile._edit_body_text())
        client = self._client
        options = client._call_options(
            EDIT_OPERATION, retryable=False, timeout=timeout, max_retries=max_retries
        )
        if options.max_retries and max_retries is not None:
            raise SuprsendConfigError(
                f"users.edit is never retried (operations such as increment would apply twice); "
                f"max_retries must be 0, got {max_retries!r}"
            )
        distinct_id = _checked_id(profile.distinct_id, "distinct_id")
        if profile.tenant_id:
            tenant_id = _checked_id(profile.tenant_id, "tenant_id")
            request = endpoints.build_edit_user_for_tenant(
                base_url=client.base_url,
                distinct_id=distinct_id,
                tenant_id=tenant_id,
                content=content,
                options=options,
            )
        else:
            request = endpoints.build_edit_user(
                base_url=client.base_url, distinct_id=distinct_id, content=content, options=options
            )
        return json_or_raise(client._send(request))

    def async_edit(
        self, user: UserEdit, *, timeout: TimeoutLike | None = None, max_retries: int | None = None
    ) -> SeedResult:
        """``POST event/`` with the builder's operations as one identity event.

        Raises ``APIStatusError`` subclasses on an error status (as the official SDK does) and returns the
        T1 success result otherwise. ``timeout`` and ``max_retries`` override the client's for this call.
        """
        profile = _checked_profile(user, "async_edit")
        client = self._client
        record = profile._to_wire(client._context)
        request = endpoints.build_send_identity_events(
            base_url=client.base_url,
            content=_json.encode(record.text),
            options=client._call_options(
                ASYNC_EDIT_OPERATION,
                retryable=record.dedupe,
                timeout=timeout,
                max_retries=max_retries,
            ),
        )
        response = client._send(request)
        if not response.is_success:
            raise status_error(response)
        return SeedResult.from_text_response(response)

    def get_bulk_edit_instance(self) -> BulkInstance[UserEdit]:
        """A new bulk of ``UserEdit`` records, sent as identity events."""
        from .._bulk.bulk import BulkUsersFactory

        return BulkUsersFactory(self._client).new_instance()


class UserFactory:
    """``client.user``: the older entry point, ``get_instance(distinct_id).add_email(...); .save()``."""

    __slots__ = ("_client",)

    def __init__(self, client: Suprsend) -> None:
        self._client = client

    def get_instance(self, distinct_id: str) -> UserEdit:
        if not isinstance(distinct_id, str):
            raise InputValueError(
                "distinct_id must be a string. an Id which uniquely identify a user in your app",
                path="distinct_id",
            )
        if not distinct_id.strip():
            raise InputValueError("distinct_id must be passed", path="distinct_id")
        return UserEdit(self._client, distinct_id.strip())

    new = get_instance
