"""How one operation of the table is called from the command line: its path ids, query fields and body, mapped
onto the positional and keyword parameters of its generated resource method.

Everything here is read from the operation table, the generated query classes and the generated method's
signature and docstring, so a new operation in the spec is a new command with no code written for it.

The command calls the *generated* method (the class in ``_generated.resources`` that the client's resource
derives from), never a hand-written official-SDK override in ``suprsend_typed.resources``: the overrides
widen signatures for the official SDK's builders and some of them return a result dict instead of raising,
whereas every command must take the wire JSON and fail with the typed error of the status, uniformly.
The request still goes through the client's one request path (its ``RequestCore``).
"""

from __future__ import annotations

import importlib
import inspect
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from .. import _models as _rt
from .._errors import ValidationError
from .._generated import endpoints, models
from .._operation import OperationInfo
from .._resource import Resource
from .._types import UNSET

PAYLOAD = "payload"
OPTIONS = "options"
# Parameters every generated method has that the command does not set: the client's defaults apply.
CALL_OPTIONS = frozenset({"timeout", "max_retries"})
GENERATED_RESOURCES = "suprsend_typed._generated.resources"
ARGS_HEADING = "Args:"


class CommandLineError(Exception):
    """A usage mistake the parser cannot see (a --query key, a body that is not an object): exit code 2."""


def query_class(op: OperationInfo) -> type[Any] | None:
    """The generated query class of ``op`` (``endpoints.<Operation>Query``), if it has query parameters."""
    name = "".join(part.capitalize() for part in op.id.split("_")) + "Query"
    found: type[Any] | None = getattr(endpoints, name, None)
    return found


def resource_class(namespace: str) -> type[Resource]:
    """The generated resource class of a namespace (in ``_generated.resources``), without a client."""
    module = importlib.import_module(f"{GENERATED_RESOURCES}.{namespace}")
    return next(
        value
        for value in vars(module).values()
        if isinstance(value, type) and issubclass(value, Resource) and value.__module__ == module.__name__
    )


def generated_class(resource: object, namespace: str) -> type[Any]:
    """The generated resource class behind ``resource`` (the client's namespace object, maybe a subclass)."""
    module = f"{GENERATED_RESOURCES}.{namespace}"
    for cls in type(resource).__mro__:
        if cls.__module__ == module:
            return cls
    raise LookupError(f"{type(resource).__name__} does not derive from a class of {module}")


def arg_docs(doc: str | None) -> dict[str, str]:
    """The ``Args:`` section of a generated docstring: parameter name to its one-paragraph description."""
    lines = inspect.cleandoc(doc or "").splitlines()
    docs: dict[str, str] = {}
    current: str | None = None
    inside = False
    for line in lines:
        if line.strip() == ARGS_HEADING:
            inside = True
            continue
        if not inside:
            continue
        if not line.startswith(" "):
            break  # blank line or the next section
        text = line.strip()
        name, colon, rest = text.partition(": ")
        if colon and line.startswith("    ") and not line.startswith("     ") and name.isidentifier():
            current = name
            docs[name] = rest
        elif current is not None:
            docs[current] += " " + text
    return docs


@attrs.frozen(kw_only=True, slots=True)
class QueryField:
    """One query parameter: Python name, wire key, kind, and whether the flag repeats (an array)."""

    name: str
    key: str
    kind: _rt.Kind

    @property
    def repeated(self) -> bool:
        return isinstance(self.kind, _rt.ListOf)

    @property
    def item_kind(self) -> _rt.Kind:
        return self.kind.items if isinstance(self.kind, _rt.ListOf) else self.kind

    def convert(self, text: str) -> object:
        """A command-line value as the query class takes it; ValidationError names the parameter."""
        return convert_scalar(self.item_kind, text, self.name)


def convert_scalar(kind: _rt.Kind, text: str, name: str) -> object:
    if isinstance(kind, _rt.Bool):
        lowered = text.lower()
        if lowered not in ("true", "false"):
            raise ValidationError(f"must be true or false, got {text!r}", path=name)
        return lowered == "true"
    if isinstance(kind, _rt.Int):
        try:
            return int(text)
        except ValueError:
            raise ValidationError(f"must be an integer, got {text!r}", path=name) from None
    return text


@attrs.frozen(kw_only=True, slots=True)
class OperationCall:
    """The command-line shape of one operation and how its values reach the generated method."""

    op: OperationInfo
    function: Callable[..., Any]
    path_ids: tuple[str, ...]
    query_fields: tuple[QueryField, ...]
    query_cls: type[Any] | None
    # Positional parameters of the generated method, in order, with their defaults and spec names.
    positional: tuple[inspect.Parameter, ...]
    keywords: frozenset[str]
    # Body fields the method takes as positional arguments instead of a payload (``from_user_id``).
    positional_body_fields: tuple[str, ...]
    docs: Mapping[str, str]

    @classmethod
    def of(cls, op: OperationInfo, resource_cls: type[Any]) -> OperationCall:
        function = getattr(resource_cls, op.method_name)
        parameters = list(inspect.signature(function).parameters.values())[1:]  # without self
        # Named as the spec names them (``payload``), where the method takes the official SDK's name; a
        # positional the spec does not list (a customisation's route, ``tenant_id``) keeps its name.
        spec_names = {official: ours for ours, official in op.official_names}
        positional = tuple(
            p.replace(name=spec_names.get(p.name, p.name))
            for p in parameters
            if p.kind is not inspect.Parameter.KEYWORD_ONLY
        )
        keywords = frozenset(
            p.name
            for p in parameters
            if p.kind is inspect.Parameter.KEYWORD_ONLY and p.name not in CALL_OPTIONS
        )
        query_cls = query_class(op)
        fields = (
            tuple(QueryField(name=f.name, key=f.key, kind=f.kind) for f in query_cls._shape.fields)
            if query_cls is not None
            else ()
        )
        query_names = {f.name for f in fields}
        path_ids = tuple(name for name in op.positional if name in op.path_params)
        body_fields = tuple(
            p.name
            for p in positional
            if p.name in op.positional
            and p.name not in path_ids
            and p.name not in query_names
            and p.name not in (PAYLOAD, OPTIONS)
        )
        return cls(
            op=op,
            function=function,
            path_ids=path_ids,
            query_fields=fields,
            query_cls=query_cls,
            positional=positional,
            keywords=keywords,
            positional_body_fields=body_fields,
            docs=arg_docs(function.__doc__),
        )

    @property
    def takes_body(self) -> bool:
        return any(p.name == PAYLOAD for p in self.positional) or bool(self.positional_body_fields)

    @property
    def takes_free_query(self) -> bool:
        """Query parameters the spec does not list pass through the official ``options`` dict as given."""
        return self.query_cls is None and any(p.name == OPTIONS for p in self.positional)

    def field(self, key: str) -> QueryField | None:
        return next((f for f in self.query_fields if key in (f.name, f.key)), None)

    def check_body(self, body: object) -> None:
        """The body against the spec's model before anything is sent; ValidationError names the field."""
        if self.op.body_model is None:
            # Not one model: the generated method checks it against its schema, once it is a JSON object
            # or array (a bare string or number is no body of the spec; ``workflows trigger`` raises
            # TypeError for one).
            if not isinstance(body, dict | list):
                raise CommandLineError(f"the body must be a JSON object or array, got {type(body).__name__}")
            return
        if not isinstance(body, dict):
            raise CommandLineError(f"the body must be a JSON object, got {type(body).__name__}")
        _rt.validate(body, getattr(models, self.op.body_model))

    def check_query(self, query: Mapping[str, object]) -> None:
        """Strictly, as the query class does: a value the official SDK would clamp is an error here."""
        if self.query_cls is not None and query:
            _rt.query_from_options(dict(query), self.query_cls)

    def arguments(
        self, ids: Sequence[str], body: object, query: Mapping[str, object]
    ) -> tuple[list[object], dict[str, object]]:
        """Positional and keyword arguments of the generated method for these values."""
        path = dict(zip(self.path_ids, ids, strict=True))
        remaining_query = dict(query)
        body_fields: dict[str, object] = {}
        if self.positional_body_fields:
            if body is None:
                body = {}
            if not isinstance(body, dict):
                raise CommandLineError(f"the body must be a JSON object, got {type(body).__name__}")
            body_fields = dict(body)
        args: list[object] = []
        for parameter in self.positional:
            name = parameter.name
            if name in path:
                args.append(path[name])
            elif name == PAYLOAD:
                if body is None and parameter.default is inspect.Parameter.empty:
                    raise CommandLineError("this operation needs a body: --json BODY")
                args.append(body)
            elif name == OPTIONS:
                args.append(None)  # filled below with what no typed parameter takes
            elif self.field(name) is not None:
                args.append(remaining_query.pop(name, UNSET))
            elif name in body_fields:
                args.append(body_fields.pop(name))
            elif parameter.default is not inspect.Parameter.empty:
                args.append(parameter.default)
            else:
                raise ValidationError("required", path=name)
        if body_fields:
            unknown = ", ".join(sorted(body_fields))
            raise ValidationError(
                f"not a field of this body (fields: {', '.join(self.positional_body_fields)})", path=unknown
            )
        kwargs = {name: remaining_query.pop(name) for name in list(remaining_query) if name in self.keywords}
        if remaining_query:
            names = [p.name for p in self.positional]
            if OPTIONS not in names:
                raise CommandLineError(f"takes no query parameters {sorted(remaining_query)}")
            args[names.index(OPTIONS)] = remaining_query
        return args, kwargs
