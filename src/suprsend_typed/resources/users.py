"""``client.users`` (the generated resource, the official builders and edit forms) and ``client.user``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from .. import _builder_forms as _forms
from .. import _json
from .._arguments import free_query, model_body
from .._base_client import BuildRequest
from .._errors import ValidationError, status_error
from .._generated import endpoints_users as endpoints
from .._generated.limits import MAX_IDENTITY_EVENT_APPARENT_BYTES
from .._generated.models import UserEditBody, UserProfile
from .._generated.operations import EDIT_USER, EDIT_USER_FOR_TENANT, SEND_IDENTITY_EVENTS
from .._generated.resources import users as generated
from .._http import TimeoutLike
from .._paths import official_id_error
from .._profile import BaseUserEdit, UserEdit, legacy_distinct_id, user_edit_ids
from .._resource import Resource
from .._results import SeedResult

if TYPE_CHECKING:
    from .._bulk.bulk import BulkInstance


def _checked_id(value: object, name: str) -> str:
    """A stripped, non-blank id, or the official ``missing <name>`` validation error."""
    if not isinstance(value, str) or not value.strip():
        raise official_id_error(name, f"missing {name}")
    return value.strip()


def _checked_profile(user: object, method: str) -> BaseUserEdit:
    if user is None:
        raise ValidationError("instance is required", path="user")
    if not isinstance(user, BaseUserEdit):
        raise TypeError(f"users.{method} expects a UserEdit, got {type(user).__name__}")
    return user


def _checked_size(text: str) -> str:
    """A PATCH body within the size limit of the identity event ``async_edit`` sends."""
    _json.checked_size(text, MAX_IDENTITY_EVENT_APPARENT_BYTES, "User edit size")
    return text


class UsersResource(generated.UsersResource):
    """Profile edits: ``edit`` (PATCH, synchronous, never retried) and ``async_edit`` (identity event)."""

    __slots__ = ()

    def get_edit_instance(self, distinct_id: str, tenant_id: str | None = None) -> UserEdit:
        """A profile builder for ``distinct_id`` (optionally scoped to ``tenant_id``)."""
        return UserEdit(self._core, *user_edit_ids(distinct_id, tenant_id))

    def edit(  # type: ignore[override]
        self,
        edit_ins_or_distinct_id: BaseUserEdit | str,
        edit_payload: UserEditBody | Mapping[str, Any] | None = None,
        tenant_id: str | None = None,
        options: Mapping[str, object] | None = None,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> UserProfile:
        """``PATCH v1/user/{distinct_id}/`` (or ``…/tenant/{tenant_id}/``) with profile operations.

        Takes a ``UserEdit`` builder, or, as the official SDK, ``(distinct_id, {"operations": [...]},
        tenant_id=None)``. Never retried: operations such as ``increment`` would apply twice, so a per-call
        ``max_retries`` other than 0 is refused. Returns the updated profile; raises ``APIStatusError``
        subclasses on an error status and ``APIConnectionError`` when no answer arrives.
        """
        user = edit_ins_or_distinct_id
        if isinstance(user, BaseUserEdit):
            if edit_payload is not None:
                raise TypeError("users.edit(UserEdit) takes no payload; the builder holds the operations")
            call = _forms.user_edit(self._core.context, user)
            return _forms.send(self._core, call, timeout=timeout, max_retries=max_retries)
        if user is None:
            raise ValidationError("instance is required", path="user")
        else:
            distinct_id = _checked_id(user, "distinct_id")
            if edit_payload is None:
                raise ValidationError("missing payload", path="payload")
            text = _checked_size(_json.dumps(model_body(edit_payload, UserEditBody, {})))
            # As the official SDK: an empty tenant_id edits the global profile.
            tenant = _checked_id(tenant_id, "tenant_id") if tenant_id else None
        operation, parse = EDIT_USER, endpoints.parse_edit_user
        build: BuildRequest = endpoints.build_edit_user
        path = {"distinct_id": distinct_id}
        if tenant is not None:
            operation, build = EDIT_USER_FOR_TENANT, endpoints.build_edit_user_for_tenant
            parse, path = endpoints.parse_edit_user_for_tenant, {**path, "tenant_id": tenant}
        response = self._core.send_operation(
            operation,
            build,
            path=path,
            query=free_query(options),
            content=_json.encode(text),
            timeout=timeout,
            max_retries=max_retries,
        )
        return parse(response)

    def async_edit(
        self,
        edit_instance: BaseUserEdit,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> SeedResult:
        """``POST event/`` with the builder's operations as one identity event.

        Raises ``APIStatusError`` subclasses on an error status (as the official SDK does) and returns the
        T1 success result otherwise. ``timeout`` and ``max_retries`` override the client's for this call.
        """
        profile = _checked_profile(edit_instance, "async_edit")
        record = profile._to_wire(self._core.context)
        response = self._core.send_operation(
            SEND_IDENTITY_EVENTS,
            endpoints.build_send_identity_events,
            content=_json.encode(record.text),
            dedupe=record.dedupe,
            timeout=timeout,
            max_retries=max_retries,
        )
        if not response.is_success:
            raise status_error(response)
        return SeedResult.from_text_response(response)

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
