"""The profile builders: one profile operation per public call, for a user (UserEdit, alias Subscriber,
and AsyncUserEdit for the async client) or, through the same ``ProfileOperations``, for an object
(``_object_edit.ObjectEdit``).

Each call produces exactly the operation the official SDK produces. Arguments the official SDK would skip
and values that fail the format checks of ``_profile_checks`` are never dropped silently: they are recorded
in ``errors``/``warnings`` and logged, or raised as ``ValidationError`` when the client is strict.
"""

from __future__ import annotations

import builtins
from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING, Any

import attrs

from . import _json
from . import _profile_checks as checks
from ._async_base_client import AsyncRequestCore
from ._base_client import RequestCore
from ._context import WireContext, WireRecord
from ._dollar_keys import dollar_key_problem
from ._errors import InputValueError, ValidationError
from ._generated import models
from ._generated.operations import SEND_IDENTITY_EVENTS
from ._logging import logger
from ._models import validate
from ._operation import record_facts
from ._paths import official_id
from ._seed_calls import async_save_profile, save_profile
from ._wire_keys import with_text_keys

if TYPE_CHECKING:
    from ._results import SeedResult

_IDENTITY_EVENT_SCHEMA = "2"
# An identity event's record model and size limit: the spec's record facts of ``POST event/``.
_FACTS = record_facts(SEND_IDENTITY_EVENTS)

EMAIL = "$email"
SMS = "$sms"
WHATSAPP = "$whatsapp"
ANDROIDPUSH = "$androidpush"
IOSPUSH = "$iospush"
WEBPUSH = "$webpush"
SLACK = "$slack"
MS_TEAMS = "$ms_teams"
CHANNEL_KEYS = (EMAIL, SMS, ANDROIDPUSH, IOSPUSH, WHATSAPP, WEBPUSH, SLACK, MS_TEAMS)
ID_PROVIDER = "$id_provider"
BUNDLE_ID = "$bundle_id"
_WITH_PROVIDER = frozenset({ANDROIDPUSH, IOSPUSH, WEBPUSH})
_WITH_BUNDLE_ID = frozenset({ANDROIDPUSH, IOSPUSH})

# Operation names in the identity event.
SET = "$set"
SET_ONCE = "$set_once"
ADD = "$add"
APPEND = "$append"
REMOVE = "$remove"
UNSET = "$unset"


# How a value added to each channel is judged (removals are not judged: a malformed stored value must stay
# removable).
_VALUE_CHECKS: dict[str, Callable[[object], str | None]] = {
    EMAIL: checks.email_problem,
    SMS: checks.phone_problem,
    WHATSAPP: checks.phone_problem,
    ANDROIDPUSH: checks.token_problem,
    IOSPUSH: checks.token_problem,
    WEBPUSH: checks.object_problem,
    SLACK: checks.object_problem,
    MS_TEAMS: checks.object_problem,
}
_PROVIDERS: dict[str, frozenset[str]] = {
    ANDROIDPUSH: checks.ANDROIDPUSH_PROVIDERS,
    IOSPUSH: checks.IOSPUSH_PROVIDERS,
    WEBPUSH: checks.WEBPUSH_PROVIDERS,
}


@attrs.frozen(kw_only=True, slots=True)
class _Problem:
    path: str
    reason: str
    is_error: bool  # False for a skipped key (a warning), True for a bad argument or value


@attrs.define(kw_only=True, slots=True)
class _PendingOperation:
    """What one public call is about to add: the entries of one operation kind, and what was wrong."""

    caller: str
    kind: str
    entries: dict[str, Any] = attrs.field(factory=dict)
    unset_keys: list[str] = attrs.field(factory=list)
    problems: list[_Problem] = attrs.field(factory=list)

    def problem(self, path: str, reason: str, *, is_error: bool = True) -> None:
        self.problems.append(_Problem(path=path, reason=reason, is_error=is_error))

    def checked_key(self, key: object) -> str | None:
        """The stripped key, or ``None`` (with a warning) when it is not a usable key."""
        if not isinstance(key, str):
            self.problem(self.caller, f"key {key!r} skipped: keys must be strings", is_error=False)
            return None
        stripped = key.strip()
        if not stripped:
            self.problem(self.caller, "empty key skipped", is_error=False)
            return None
        if (reason := dollar_key_problem(stripped)) is not None:
            self.problem(stripped, reason, is_error=False)
        return stripped

    def write_channel(
        self, key: str, value: object, provider: object = None, bundle_id: object = None, *, judged: bool
    ) -> None:
        """Add a channel value (with provider and bundle id for push) as the official SDK lays it out."""
        self.entries[key] = value
        if key in _WITH_PROVIDER:
            self.entries[ID_PROVIDER] = provider
        if key in _WITH_BUNDLE_ID and bundle_id:
            self.entries[BUNDLE_ID] = bundle_id
        if not judged:
            return
        if reason := _VALUE_CHECKS[key](value):
            self.problem(key, reason)
        if key in _PROVIDERS and (reason := checks.provider_problem(provider, _PROVIDERS[key])):
            self.problem(f"{key}.{ID_PROVIDER}", reason)

    def operation(self) -> dict[str, Any] | None:
        if self.kind == UNSET:
            return {UNSET: self.unset_keys} if self.unset_keys else None
        return {self.kind: self.entries} if self.entries else None


class ProfileOperations:
    """Collects profile operations, one per public call; ``UserEdit`` and ``ObjectEdit`` add whose
    profile they change and how it is sent."""

    __slots__ = ("_context", "_subject", "_operations", "_errors", "_warnings")

    def __init__(self, context: WireContext, subject: str) -> None:
        self._context = context  # of the client that made the builder: its ``strict`` applies
        self._subject = subject  # whose profile this is, as log lines name it
        self._operations: list[dict[str, Any]] = []
        self._errors: list[str] = []
        self._warnings: list[str] = []

    # ------------------------------------------------------------------ results

    @property
    def operations(self) -> tuple[dict[str, Any], ...]:
        return tuple(self._operations)

    @property
    def errors(self) -> tuple[str, ...]:
        """Bad arguments and values that fail a format check (the values are still sent)."""
        return tuple(self._errors)

    @property
    def warnings(self) -> tuple[str, ...]:
        """Keys that were skipped because they were not non-empty strings."""
        return tuple(self._warnings)

    def get_payload(self) -> dict[str, list[dict[str, Any]]]:
        """The ``{"operations": [...]}`` body of the profile's PATCH, keys as on the wire."""
        return with_text_keys({"operations": list(self._operations)})

    def _checked_payload_text(self) -> str:
        """The JSON text of ``get_payload()``, checked against the PATCH body's schema."""
        payload = self.get_payload()
        validate(payload, models.UserEditBody)
        return _json.dumps(payload)

    # ------------------------------------------------------------------ plumbing

    def _finish(self, pending: _PendingOperation) -> None:
        """Raise (strict) or record and log the problems, then keep the operation if it has content."""
        if pending.problems and self._context.strict:
            first = pending.problems[0]
            raise ValidationError(
                f"[{pending.caller}] {first.reason}",
                path=first.path,
                errors=[(problem.path, problem.reason) for problem in pending.problems],
            )
        for problem in pending.problems:
            line = f"[{pending.caller}] {problem.reason}"
            if problem.is_error:
                self._errors.append(line)
                logger.error("profile %r: %s", self._subject, line)
            else:
                self._warnings.append(line)
                logger.warning("profile %r: %s", self._subject, line)
        operation = pending.operation()
        if operation is not None:
            self._operations.append(operation)

    def _key_value_call(
        self, caller: str, kind: str, arg1: object, arg2: object, *, routes_channels: bool
    ) -> None:
        """``name(key, value)`` or ``name({key: value, ...})``; append/remove route channel keys."""
        pending = _PendingOperation(caller=caller, kind=kind)
        if isinstance(arg1, str):
            if arg2 is None:
                pending.problem(caller, f"a value is required with the key {arg1!r} (got None)")
            else:
                self._put(pending, arg1, arg2, {}, routes_channels=routes_channels)
        elif isinstance(arg1, dict):
            for key, value in arg1.items():
                self._put(pending, key, value, arg1, routes_channels=routes_channels)
        else:
            pending.problem(caller, f"arg1 must be a string key or a dict of keys and values, got {arg1!r}")
        self._finish(pending)

    def _put(
        self,
        pending: _PendingOperation,
        key: object,
        value: object,
        siblings: Mapping[Any, Any],
        *,
        routes_channels: bool,
    ) -> None:
        checked = pending.checked_key(key)
        if checked is None:
            return
        if routes_channels and checked in CHANNEL_KEYS:
            # Push keys take their provider and bundle id from the same dict, as in the official SDK.
            pending.write_channel(
                checked,
                value,
                siblings.get(ID_PROVIDER),
                siblings.get(BUNDLE_ID),
                judged=pending.kind == APPEND,
            )
        else:
            pending.entries[checked] = value

    def _channel_call(
        self,
        caller: str,
        kind: str,
        key: str,
        value: object,
        provider: object = None,
        bundle_id: object = None,
    ) -> None:
        pending = _PendingOperation(caller=caller, kind=kind)
        pending.write_channel(key, value, provider, bundle_id, judged=kind == APPEND)
        self._finish(pending)

    def _set_one(self, caller: str, key: str, value: object, problem: str | None = None) -> None:
        pending = _PendingOperation(caller=caller, kind=SET)
        pending.entries[key] = value
        if problem:
            pending.problem(key, problem)
        self._finish(pending)

    def _replace_channel(self, caller: str, key: str, value: object) -> None:
        """Two ordered operations: drop every value of the channel, then add the new one."""
        self._check_strict_channel(caller, key, value)
        self._finish(_PendingOperation(caller=caller, kind=UNSET, unset_keys=[key]))
        self._channel_call(caller, APPEND, key, value)

    def _check_strict_channel(self, caller: str, key: str, value: object) -> None:
        """In strict mode, refuse a bad replacement before the unset is recorded (nothing half-done)."""
        if self._context.strict and (reason := _VALUE_CHECKS[key](value)):
            raise ValidationError(f"[{caller}] {reason}", path=key)

    # ------------------------------------------------------------------ generic operations

    def set(self, arg1: str | dict[str, Any], arg2: Any = None) -> None:
        """``set(key, value)`` or ``set({key: value, ...})``: overwrite properties."""
        self._key_value_call("set", SET, arg1, arg2, routes_channels=False)

    def set_once(self, arg1: str | dict[str, Any], arg2: Any = None) -> None:
        """Like ``set``, but the hub keeps an existing value."""
        self._key_value_call("set_once", SET_ONCE, arg1, arg2, routes_channels=False)

    def increment(self, arg1: str | dict[str, Any], arg2: Any = None) -> None:
        """Add a number to numeric properties (the ``$add`` operation)."""
        self._key_value_call("increment", ADD, arg1, arg2, routes_channels=False)

    def append(self, arg1: str | dict[str, Any], arg2: Any = None) -> None:
        """Append to list properties; channel keys (``$email``, ...) are added as channels."""
        self._key_value_call("append", APPEND, arg1, arg2, routes_channels=True)

    def remove(self, arg1: str | dict[str, Any], arg2: Any = None) -> None:
        """Remove from list properties; channel keys (``$email``, ...) are removed as channels."""
        self._key_value_call("remove", REMOVE, arg1, arg2, routes_channels=True)

    def unset(self, key: str | list[str] | tuple[str, ...] | builtins.set[str]) -> None:
        """Delete properties (or whole channels such as ``$email``)."""
        pending = _PendingOperation(caller="unset", kind=UNSET)
        keys: Iterable[object]
        if isinstance(key, str):
            keys = (key,)
        elif isinstance(key, (list, tuple, set)):
            keys = key
        else:
            keys = ()
            pending.problem("unset", f"key must be a string or a list, tuple or set of strings, got {key!r}")
        for each in keys:
            checked = pending.checked_key(each)
            if checked is not None:
                pending.unset_keys.append(checked)
        self._finish(pending)

    # ------------------------------------------------------------------ language, locale, timezone

    def set_preferred_language(self, lang_code: str) -> None:
        """Two-letter ISO 639-1 code such as ``en``."""
        self._set_one(
            "set_preferred_language", "$preferred_language", lang_code, checks.language_problem(lang_code)
        )

    def set_locale(self, locale_code: str) -> None:
        """Locale such as ``en_GB``."""
        self._set_one("set_locale", "$locale", locale_code)

    def set_timezone(self, timezone: str) -> None:
        """IANA time zone such as ``America/New_York``."""
        self._set_one("set_timezone", "$timezone", timezone)

    # ------------------------------------------------------------------ channels

    def add_email(self, value: str) -> None:
        self._channel_call("add_email", APPEND, EMAIL, value)

    def remove_email(self, value: str) -> None:
        self._channel_call("remove_email", REMOVE, EMAIL, value)

    def set_email(self, value: str) -> None:
        """Make ``value`` the only email: unset the channel, then add it."""
        self._replace_channel("set_email", EMAIL, value)

    def add_sms(self, value: str) -> None:
        self._channel_call("add_sms", APPEND, SMS, value)

    def remove_sms(self, value: str) -> None:
        self._channel_call("remove_sms", REMOVE, SMS, value)

    def set_sms(self, value: str) -> None:
        """Make ``value`` the only SMS number: unset the channel, then add it."""
        self._replace_channel("set_sms", SMS, value)

    def add_whatsapp(self, value: str) -> None:
        self._channel_call("add_whatsapp", APPEND, WHATSAPP, value)

    def remove_whatsapp(self, value: str) -> None:
        self._channel_call("remove_whatsapp", REMOVE, WHATSAPP, value)

    def set_whatsapp(self, value: str) -> None:
        """Make ``value`` the only WhatsApp number: unset the channel, then add it."""
        self._replace_channel("set_whatsapp", WHATSAPP, value)

    def add_androidpush(self, value: str, provider: str | None = None, bundle_id: str | None = None) -> None:
        """An Android push token; ``provider`` is fcm, xiaomi or oppo, ``bundle_id`` the app package."""
        self._channel_call("add_androidpush", APPEND, ANDROIDPUSH, value, provider, bundle_id)

    def remove_androidpush(
        self, value: str, provider: str | None = None, bundle_id: str | None = None
    ) -> None:
        self._channel_call("remove_androidpush", REMOVE, ANDROIDPUSH, value, provider, bundle_id)

    def add_iospush(self, value: str, provider: str | None = None, bundle_id: str | None = None) -> None:
        """An iOS push token; ``provider`` is apns, ``bundle_id`` the app bundle id."""
        self._channel_call("add_iospush", APPEND, IOSPUSH, value, provider, bundle_id)

    def remove_iospush(self, value: str, provider: str | None = None, bundle_id: str | None = None) -> None:
        self._channel_call("remove_iospush", REMOVE, IOSPUSH, value, provider, bundle_id)

    def add_webpush(self, value: dict[str, Any], provider: str | None = None) -> None:
        """A web push subscription object; ``provider`` is vapid."""
        self._channel_call("add_webpush", APPEND, WEBPUSH, value, provider)

    def remove_webpush(self, value: dict[str, Any], provider: str | None = None) -> None:
        self._channel_call("remove_webpush", REMOVE, WEBPUSH, value, provider)

    def add_slack(self, value: dict[str, Any]) -> None:
        self._channel_call("add_slack", APPEND, SLACK, value)

    def remove_slack(self, value: dict[str, Any]) -> None:
        self._channel_call("remove_slack", REMOVE, SLACK, value)

    def add_ms_teams(self, value: dict[str, Any]) -> None:
        self._channel_call("add_ms_teams", APPEND, MS_TEAMS, value)

    def remove_ms_teams(self, value: dict[str, Any]) -> None:
        self._channel_call("remove_ms_teams", REMOVE, MS_TEAMS, value)


class BaseUserEdit(ProfileOperations):
    """Collects profile operations for one user: everything of ``UserEdit`` and ``AsyncUserEdit`` but how
    ``save()`` sends them. ``users.edit``, ``users.async_edit`` and the bulk of users take either."""

    __slots__ = ("distinct_id", "tenant_id")

    def __init__(self, context: WireContext, distinct_id: str, tenant_id: str | None = None) -> None:
        super().__init__(context, distinct_id)
        self.distinct_id = distinct_id
        self.tenant_id = tenant_id

    def __repr__(self) -> str:
        return f"{type(self).__name__}(distinct_id={self.distinct_id!r}, operations={self._operations!r})"

    user_operations = ProfileOperations.operations

    def _edit_body_text(self) -> str:
        """The checked JSON text of ``get_payload()`` for ``users.edit``: the same operations, so the same
        size limit as the identity event ``async_edit`` sends, refused before anything is sent."""
        text = self._checked_payload_text()
        _json.checked_size(text, _FACTS.max_record_bytes, "User edit size")
        return text

    def _to_wire(self, ctx: WireContext) -> WireRecord:
        body: dict[str, object] = {
            "$schema": _IDENTITY_EVENT_SCHEMA,
            "$insert_id": ctx.new_id(),
            "$time": ctx.now_ms(),
            "env": ctx.workspace,
            "distinct_id": self.distinct_id,
            "$user_operations": list(self._operations),
            "properties": {"$ss_sdk_version": ctx.user_agent},
        }
        if self.tenant_id:
            body["tenant_id"] = self.tenant_id
        body = with_text_keys(body)
        validate(body, getattr(models, _FACTS.model))
        text = _json.dumps(body)
        size = _json.checked_size(text, _FACTS.max_record_bytes, "User Event size")
        return WireRecord(text, size, dedupe=True)  # it has an $insert_id

    def _record(self) -> dict[str, object]:
        """The official ``as_json()`` shape, with the recorded problems as ``warnings`` lines."""
        record: dict[str, object] = {
            "distinct_id": self.distinct_id,
            "$user_operations": list(self._operations),
            "warnings": self._warning_lines(),
        }
        if self.tenant_id:
            record["tenant_id"] = self.tenant_id
        return record

    def _warning_lines(self) -> list[str]:
        """One line per kind of problem, prefixed with the user, as bulk responses list them."""
        prefix = f"[distinct_id: {self.distinct_id}]"
        return [prefix + "\n".join(lines) for lines in (self._warnings, self._errors) if lines]


class UserEdit(BaseUserEdit):
    """Collects profile operations for one user; ``save()`` sends them as one identity event."""

    __slots__ = ("_core",)

    def __init__(self, core: RequestCore, distinct_id: str, tenant_id: str | None = None) -> None:
        super().__init__(core.context, distinct_id, tenant_id)
        self._core = core

    def save(self) -> SeedResult:
        """Send the operations as one identity event (``POST event/``)."""
        return save_profile(self._core, self)


class AsyncUserEdit(BaseUserEdit):
    """``UserEdit`` of the async client: the same builder; ``await edit.save()`` sends the identity event."""

    __slots__ = ("_core",)

    def __init__(self, core: AsyncRequestCore, distinct_id: str, tenant_id: str | None = None) -> None:
        super().__init__(core.context, distinct_id, tenant_id)
        self._core = core

    async def save(self) -> SeedResult:
        """Send the operations as one identity event (``POST event/``), as ``UserEdit.save``."""
        return await async_save_profile(self._core, self)


def user_edit_ids(distinct_id: object, tenant_id: object) -> tuple[str, str | None]:
    """The ids of ``users.get_edit_instance(distinct_id, tenant_id=None)`` of both clients, checked and
    stripped as the official SDK does (``missing tenant_id``, then ``missing distinct_id``); an empty
    ``tenant_id`` means the global profile."""
    tenant = official_id(tenant_id, "tenant_id", missing_only=True) if tenant_id else None
    return official_id(distinct_id, "distinct_id", missing_only=True), tenant


def legacy_distinct_id(distinct_id: object) -> str:
    """The id of the older ``user.get_instance(distinct_id)`` of both clients, with its own messages."""
    if not isinstance(distinct_id, str):
        raise InputValueError(
            "distinct_id must be a string. an Id which uniquely identify a user in your app",
            path="distinct_id",
        )
    if not distinct_id.strip():
        raise InputValueError("distinct_id must be passed", path="distinct_id")
    return distinct_id.strip()


Subscriber = UserEdit
