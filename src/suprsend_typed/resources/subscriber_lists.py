"""``client.subscriber_lists``: the generated resource (its id checks and empty-list short cuts come from
the spec, ``broadcast(SubscriberListBroadcast)`` from codegen's customisations), the official ``create``
payload check and ``get_all``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._errors import ValidationError
from .._generated.models import SubscriberList, SubscriberListCreate
from .._generated.resources import subscriber_lists as generated
from .._http import TimeoutLike
from .._models import unstructure
from .._pages import Page
from .._paths import official_id
from .._types import UNSET, Unset


def _checked_create_payload(payload: object) -> dict[str, Any]:
    """A copy of the official ``create`` payload with its ``list_id`` checked and stripped."""
    body = unstructure(payload) if isinstance(payload, SubscriberListCreate) else payload
    if not body:
        raise ValidationError("missing payload", path="payload")
    if not isinstance(body, Mapping):
        raise TypeError(f"payload must be a dict or SubscriberListCreate, got {type(body).__name__}")
    if not body.get("list_id"):
        raise ValidationError("missing list_id is payload", path="list_id")  # sic: the official wording
    return {**body, "list_id": official_id(body["list_id"], "list_id")}


class SubscriberListsResource(generated.SubscriberListsResource):
    """``create`` checks the payload's ``list_id`` as the official SDK does; ``get_all`` lets ``options``
    override ``limit`` and ``offset``."""

    __slots__ = ()

    def create(
        self,
        payload: SubscriberListCreate | Mapping[str, Any] | None = None,
        options: Mapping[str, object] | None = None,
        *,
        list_id: str | Unset = UNSET,
        list_name: str | None | Unset = UNSET,
        list_description: str | None | Unset = UNSET,
        list_type: str | None | Unset = UNSET,
        track_user_entry: bool | None | Unset = UNSET,
        track_user_exit: bool | None | Unset = UNSET,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> SubscriberList:
        """``POST v1/subscriber_list/``: create a list (or update the one with this ``list_id``).

        As the official SDK: the payload must name a ``list_id`` (sent stripped, in a copy of the payload).
        The fields may also be given as keyword arguments, alone or added to the payload.
        """
        if payload is not None or list_id is UNSET:
            payload = _checked_create_payload(payload)
        else:
            list_id = official_id(list_id, "list_id")
        return super().create(
            payload,
            options,
            list_id=list_id,
            list_name=list_name,
            list_description=list_description,
            list_type=list_type,
            track_user_entry=track_user_entry,
            track_user_exit=track_user_exit,
            timeout=timeout,
            max_retries=max_retries,
        )

    def get_all(
        self,
        limit: int | Unset = 20,
        offset: int | Unset = 0,
        options: Mapping[str, object] | None = None,
        *,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> Page[SubscriberList]:
        """``GET v1/subscriber_list/``, always with ``limit`` and ``offset`` as the official SDK sends them.

        A value left out or outside the spec's range becomes the spec's default (20 and 0); ``options``
        goes into the same query and may override both.
        """
        # UNSET is no valid value either, so the generated clamp puts the default in its place.
        query_options: dict[str, object] = {"limit": limit, "offset": offset, **(options or {})}
        return super().get_all(UNSET, UNSET, query_options, timeout=timeout, max_retries=max_retries)
