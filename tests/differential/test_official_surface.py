"""The official SDK's public surface, walked: every public method of ``suprsend.Suprsend``, of every object
the client exposes (the namespaces, the ``bulk_*`` factories, ``user``), of the builders those factories
hand out, and of every class the official package exports, exists on ours and takes the official call forms.

A signature takes them when each official parameter (``*args``/``**kwargs`` aside) is, at the same position,
one of ours with the same name that can be passed positionally or by keyword; when each official default is
ours too, with the same value; and when every further parameter of ours is keyword-only or has a default.
Ours may give a default to a parameter the official SDK requires (``tenants.upsert``'s ``tenant_payload``
may be left out for the typed keyword fields): every official call still binds the same way.

What ours leaves out or does differently on purpose is in ``DELIBERATE``, each with its reason; an entry the
official surface no longer has, or that ours no longer differs on, fails too, so the table cannot go stale.
The members are read from the official SDK 0.20.0, the oracle, so nothing here lists them by hand.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Iterator
from types import FunctionType
from typing import Any

import attrs
import pytest
import suprsend
from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET

import suprsend_typed
from suprsend_typed import Suprsend

_OFFICIAL_PACKAGE = "suprsend"
_FACTORY_RESULT = "()"

# (official class name).(member), or (official class name)() for its constructor -> why ours differs.
DELIBERATE: dict[str, str] = {
    # URL and paging helpers of the official namespaces: they send nothing; ours builds URLs from the spec
    # in the generated request builders and checks limit/offset there.
    "TenantsApi.cleaned_limit_offset": "paging helper that sends nothing; ours checks limit/offset per call",
    "BrandsApi.cleaned_limit_offset": "paging helper that sends nothing; ours checks limit/offset per call",
    "SubscriberListsApi.cleaned_limit_offset": "paging helper that sends nothing; checked per call",
    "TenantsApi.detail_url": "URL helper that sends nothing; ours builds URLs from the spec's paths",
    "BrandsApi.detail_url": "URL helper that sends nothing; ours builds URLs from the spec's paths",
    "UsersApi.detail_url": "URL helper that sends nothing; ours builds URLs from the spec's paths",
    "UsersApi.detail_url_for_tenant": "URL helper that sends nothing; ours builds URLs from the spec's paths",
    "ObjectsApi.detail_url": "URL helper that sends nothing; ours builds URLs from the spec's paths",
    # The official client's own request plumbing.
    "Suprsend.default_headers": "header plumbing of the official request(); ours sets headers in middleware",
    "Suprsend.prepare_request": "signing plumbing of the official request(); ours signs in a middleware, "
    "every attempt again (client.request is the public raw call)",
    "Suprsend.request": "ours takes a path relative to base_url (`path`, not an absolute `url`) and refuses "
    "URLs that leave base_url, so that the credentials are only ever sent to the configured hub",
    # Serialisation steps the official client calls on its builders while sending; ours builds the request
    # in the generated path from the builder's state (get_payload/body are the public reads).
    "Subscriber.as_json": "serialisation step of the official send path",
    "Subscriber.get_event": "serialisation step of the official send path",
    "Subscriber.validate_body": "serialisation step of the official send path",
    "Subscriber.validate_event_size": "size check of the official send path; ours checks in the request path",
    "UserEdit.as_json_async": "serialisation step of the official send path",
    "UserEdit.get_async_payload": "serialisation step of the official send path",
    "UserEdit.validate_body": "serialisation step of the official send path",
    "UserEdit.validate_payload_size": "size check of the official send path; ours checks in the request path",
    "ObjectEdit.validate_body": "serialisation step of the official send path",
    "Event.as_json": "serialisation step of the official send path",
    "Event.get_final_json": "serialisation step of the official send path",
    "Workflow.as_json": "serialisation step of the official send path",
    "Workflow.get_final_json": "serialisation step of the official send path",
    "WorkflowTriggerRequest.as_json": "serialisation step of the official send path",
    "WorkflowTriggerRequest.get_final_json": "serialisation step of the official send path",
    "SubscriberListBroadcast.as_json": "serialisation step of the official send path",
    "SubscriberListBroadcast.get_final_json": "serialisation step of the official send path",
    "BulkResponse()": "the result of a bulk save, built by the SDK: ours is a frozen value whose counts are "
    "required fields, not an empty object filled in place",
    "BulkResponse.empty_chunk_success_response": "the official bulk merge's internal constructor",
    "BulkResponse.invalid_records_chunk_response": "the official bulk merge's internal constructor",
    "BulkResponse.merge_chunk_response": "the official bulk merge's internal step",
    "BulkResponse.parse_bulk_api_v2_response": "the official bulk merge's internal parser",
    # Builders the client's factories create (users.get_edit_instance, objects.get_edit_instance,
    # users.get_bulk_edit_instance): ours hold the client's request core, not the client.
    "UserEdit()": "built by client.users.get_edit_instance; holds a RequestCore, not the client",
    "ObjectEdit()": "built by client.objects.get_edit_instance; holds a RequestCore, not the client",
    "BulkUsersEdit()": "built by users.get_bulk_edit_instance; holds a RequestCore and its record kind",
    # Errors the SDK raises: ours carry typed fields (message, response, path) rather than the raw response.
    "SuprsendAPIException()": "raised by the SDK with the typed response, not built by callers",
    "SuprsendValidationError()": "raised by the SDK with the failing path, not built by callers",
    "InputValueError()": "raised by the SDK with the failing path, not built by callers",
}

# The official factories and the arguments that make each hand out its builder, whose methods are walked.
FACTORIES: dict[str, tuple[object, ...]] = {
    "bulk_workflows.new_instance": (),
    "bulk_events.new_instance": (),
    "bulk_users.new_instance": (),
    "workflows.bulk_trigger_instance": (),
    "users.get_bulk_edit_instance": (),
    "users.get_edit_instance": ("user-1",),
    "objects.get_edit_instance": ("team", "team-1"),
    "user.new": ("user-1",),
    "user.get_instance": ("user-1",),
}


@attrs.frozen
class Member:
    """One official callable, where the walk met it first, and ours at the same place (None if absent)."""

    path: str
    official: Callable[..., Any]
    ours: Callable[..., Any] | None


def _is_official(value: object) -> bool:
    return type(value).__module__.split(".")[0] == _OFFICIAL_PACKAGE


def _methods(kind: type) -> Iterator[str]:
    """The public methods ``kind`` defines in the official package (not those of dict, Exception, ...)."""
    for name in dir(kind):
        if name.startswith("_"):
            continue
        static = inspect.getattr_static(kind, name)
        function = static.__func__ if isinstance(static, (classmethod, staticmethod)) else static
        if isinstance(function, FunctionType) and function.__module__.split(".")[0] == _OFFICIAL_PACKAGE:
            yield name


def _resolve(root: object, dotted: str) -> Any:
    for part in dotted.split("."):
        root = getattr(root, part)
    return root


def _walk_object(path: str, official: object, ours: object, found: dict[str, Member]) -> None:
    for name in _methods(type(official)):
        key = f"{type(official).__name__}.{name}"
        found.setdefault(key, Member(f"{path}.{name}", getattr(official, name), getattr(ours, name, None)))


def official_surface() -> dict[str, Member]:
    """Every official public callable reachable from the client or exported by the package, by key."""
    official = suprsend.Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET)
    ours = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET)
    found: dict[str, Member] = {}
    _walk_object("client", official, ours, found)
    for name in dir(official):
        value = getattr(official, name)
        if not name.startswith("_") and _is_official(value) and value is not official:
            _walk_object(f"client.{name}", value, getattr(ours, name, None), found)
    for dotted, arguments in FACTORIES.items():
        made = _resolve(official, dotted)(*arguments)
        _walk_object(f"client.{dotted}{_FACTORY_RESULT}", made, _resolve(ours, dotted)(*arguments), found)
    for name in dir(suprsend):
        value = getattr(suprsend, name)
        if name.startswith("_") or not inspect.isclass(value) or not value.__module__.startswith("suprsend"):
            continue
        ours_class = getattr(suprsend_typed, name, None)
        found.setdefault(f"{name}()", Member(f"suprsend.{name}()", value, ours_class))
        for method in _methods(value):
            mine = getattr(ours_class, method, None)
            member = Member(f"suprsend.{name}.{method}", getattr(value, method), mine)
            found.setdefault(f"{name}.{method}", member)
    ours.close()
    return found


SURFACE = official_surface()


def _builtin_base(kind: type) -> type:
    return next(base for base in kind.__mro__ if base.__module__ == "builtins")


def _parameters(function: Callable[..., Any]) -> list[inspect.Parameter] | None:
    """The parameters, or None for a class that takes what its builtin base takes (a TypedDict, an error)."""
    try:
        return list(inspect.signature(function).parameters.values())
    except ValueError:
        return None


def call_form_problems(official: Callable[..., Any], ours: Callable[..., Any]) -> list[str]:
    """Why ``ours`` does not take every call form of ``official`` (see the module docstring); [] if it
    does. A class must also derive from the official one's builtin base (``dict``, ``ValueError``)."""
    problems = []
    if isinstance(official, type):
        base = _builtin_base(official)
        if not (isinstance(ours, type) and issubclass(ours, base)):
            problems.append(f"not a {base.__name__}, officially one")
    empty = inspect.Parameter.empty
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    official_parameters, mine = _parameters(official), _parameters(ours)
    if mine is None:
        return problems if official_parameters is None else [*problems, "no readable signature"]
    wanted = [parameter for parameter in official_parameters or [] if parameter.kind in positional]
    by_keyword = {
        parameter.name: parameter
        for parameter in official_parameters or []
        if parameter.kind is inspect.Parameter.KEYWORD_ONLY
    }
    for index, parameter in enumerate(wanted):
        if index >= len(mine):
            problems.append(f"no parameter {parameter.name!r} (position {index})")
            continue
        have = mine[index]
        if have.name != parameter.name:
            problems.append(f"position {index} is {have.name!r}, officially {parameter.name!r}")
        elif have.kind is not inspect.Parameter.POSITIONAL_OR_KEYWORD and parameter.kind in positional:
            problems.append(f"{have.name!r} is {have.kind.description}, officially positional or keyword")
        elif parameter.default is not empty and have.default != parameter.default:
            problems.append(f"{have.name!r} defaults to {have.default!r}, officially {parameter.default!r}")
    mine_by_name = {parameter.name: parameter for parameter in mine}
    for name, parameter in by_keyword.items():
        have = mine_by_name.get(name)
        if have is None or have.kind not in (inspect.Parameter.POSITIONAL_OR_KEYWORD, parameter.kind):
            problems.append(f"no parameter {name!r} that takes a keyword")
        elif parameter.default is not empty and have.default != parameter.default:
            problems.append(f"{name!r} defaults to {have.default!r}, officially {parameter.default!r}")
    for extra in mine[len(wanted) :]:
        required = extra.kind in (*positional, inspect.Parameter.KEYWORD_ONLY) and extra.default is empty
        if required and extra.name not in by_keyword:
            problems.append(f"extra required parameter {extra.name!r}")
    return problems


def _difference(member: Member) -> str | None:
    """How ours differs from the official member, or None when it takes every official call form."""
    if member.ours is None:
        return f"{member.path} is missing"
    problems = call_form_problems(member.official, member.ours)
    return f"{member.path}: " + "; ".join(problems) if problems else None


CHECKED = sorted(SURFACE.keys() - DELIBERATE.keys())


@pytest.mark.parametrize("key", CHECKED)
def test_every_official_method_takes_the_official_call_forms(key: str) -> None:
    assert _difference(SURFACE[key]) is None


@pytest.mark.parametrize("key", sorted(DELIBERATE))
def test_each_deliberate_exception_is_still_on_the_official_surface_and_still_differs(key: str) -> None:
    assert key in SURFACE, f"{key}: the official SDK has no such member; drop it from DELIBERATE"
    assert _difference(SURFACE[key]) is not None, f"{key}: ours now matches; drop it from DELIBERATE"


def test_the_walk_reaches_the_whole_surface() -> None:
    """Each namespace and factory is walked, and every official factory method is in FACTORIES."""
    official = suprsend.Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET)
    namespaces = {
        name for name in dir(official) if not name.startswith("_") and _is_official(getattr(official, name))
    }
    assert {"tenants", "brands", "users", "objects", "subscriber_lists", "workflows", "messages"} < namespaces
    assert {"bulk_workflows", "bulk_events", "bulk_users", "user"} <= namespaces
    factories = {
        f"{namespace}.{name}"
        for namespace in namespaces
        for name in _methods(type(getattr(official, namespace)))
        if name.endswith("instance") or name == "new"
    }
    assert factories == FACTORIES.keys()
    walked = {member.path.split(".")[1] for member in SURFACE.values() if member.path.startswith("client.")}
    assert namespaces <= walked
    assert "Suprsend.add_attachment" in CHECKED


def test_the_rule_refuses_what_an_official_call_would_trip_on() -> None:
    def official(a: int, b: str = "x", c: object = None) -> None: ...

    def same(a: int, b: str = "x", c: object = None, *, typed: int = 0) -> None: ...

    def renamed(a: int, bee: str = "x", c: object = None) -> None: ...

    def positional_only(a: int, /, b: str = "x", c: object = None) -> None: ...

    def other_default(a: int, b: str = "y", c: object = None) -> None: ...

    def short(a: int, b: str = "x") -> None: ...

    def one(a: int) -> None: ...

    def one_more(a: int, d: int) -> None: ...

    def optional_first(a: int = 1, b: str = "x", c: object = None) -> None: ...

    assert call_form_problems(official, same) == []
    assert call_form_problems(official, optional_first) == []
    assert call_form_problems(official, renamed) == ["position 1 is 'bee', officially 'b'"]
    assert call_form_problems(official, positional_only) == [
        "'a' is positional-only, officially positional or keyword"
    ]
    assert call_form_problems(official, other_default) == ["'b' defaults to 'y', officially 'x'"]
    assert call_form_problems(official, short) == ["no parameter 'c' (position 2)"]
    assert call_form_problems(one, one_more) == ["extra required parameter 'd'"]

    def keyword(a: int, *, k: int = 1) -> None: ...

    def keyword_required(a: int, *, k: int = 1, must: int) -> None: ...

    def keyword_as_positional(a: int, k: int = 1) -> None: ...

    def keyword_missing(a: int) -> None: ...

    assert call_form_problems(keyword, keyword_as_positional) == []
    assert call_form_problems(keyword, keyword_required) == ["extra required parameter 'must'"]
    assert call_form_problems(keyword, keyword_missing) == ["no parameter 'k' that takes a keyword"]

    class OfficialError(ValueError):
        pass

    class OurError(ValueError):
        def __init__(self, message: str = "") -> None:
            super().__init__(message)

    assert call_form_problems(OfficialError, OurError) == []
    assert call_form_problems(OfficialError, dict) == ["not a ValueError, officially one"]
