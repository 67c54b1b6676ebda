"""``suprsend-typed <namespace> <method> [IDS...] [--json BODY] [--<param> VALUE ...]``: every operation of
the table as a command, built at run time from the table (as aws-cli is from botocore's data).

Path ids are positional in the table's order; each query parameter is a typed flag (an array's flag
repeats), ``--query key=value`` takes any of them by name or wire key; the JSON body comes from ``--json``
(text, ``@file`` or ``-`` for standard input) and is checked against the spec's model before anything is
sent. The result is printed as its wire JSON; ``--all`` streams every item of a paged list as JSON Lines,
and ``--max-pages N`` stops it after N pages (standard error then says where the next page starts).
Exit codes: 0 done (a walk stopped by ``--max-pages`` included), 1 the API answered an error (or no answer
came, or the hub repeated a page), 2 usage, validation or configuration error, 3 the hub refused the
credentials (401 or 403), 130 interrupted. See ``operation_calls`` for how values reach the generated method.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterable
from typing import Any

from .. import _models as _rt
from .._client import Suprsend
from .._errors import (
    APIError,
    APIStatusError,
    AuthenticationError,
    PermissionDeniedError,
    SuprsendConfigError,
    ValidationError,
)
from .._generated import models
from .._generated.operations import OPERATIONS
from .._operation import OperationInfo
from .._pages import Page
from . import exit_codes, output, profiles
from .operation_calls import CommandLineError, OperationCall, QueryField, generated_class, resource_class

PROG = "suprsend-typed"
STDIN = "-"
FILE_PREFIX = "@"
BOOL_METAVAR = "{true,false}"


def spelled(name: str) -> str:
    """The command-line spelling of a table name: ``get_all`` is ``get-all`` (the ``_`` form is an alias)."""
    return name.replace("_", "-")


def namespaces() -> dict[str, list[OperationInfo]]:
    grouped: dict[str, list[OperationInfo]] = {}
    for op in OPERATIONS.values():
        grouped.setdefault(op.namespace, []).append(op)
    return grouped


def _aliases(name: str) -> list[str]:
    return [name] if spelled(name) != name else []


def add_parsers(subcommands: Any, *, only: str | None = None) -> None:
    """One command per namespace, one subcommand per operation.

    With ``only`` (the command named on the command line), only that namespace gets its operation
    subcommands: building them all cost about 0.13 s of CPU per run. The other namespaces are still listed.
    """
    for namespace, ops in namespaces().items():
        wanted = only is None or only in (namespace, spelled(namespace))
        parser = subcommands.add_parser(
            spelled(namespace),
            aliases=_aliases(namespace),
            help=f"the {namespace} operations of the API (`{PROG} {spelled(namespace)} --help` lists them)",
            description=f"The {namespace} operations of the SuprSend API, one subcommand each.",
        )
        methods = parser.add_subparsers(dest="operation", required=True, metavar="OPERATION")
        for op in ops if wanted else ():
            _add_operation(methods, op)


def operation_call(op: OperationInfo) -> OperationCall:
    return OperationCall.of(op, resource_class(op.namespace))


def _add_operation(methods: Any, op: OperationInfo) -> None:
    call = operation_call(op)
    parser = methods.add_parser(
        spelled(op.method_name),
        aliases=_aliases(op.method_name),
        help=op.summary,
        description=f"{op.http_method} {op.path}: {op.summary}",
        epilog=_epilog(call),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    for name in call.path_ids:
        parser.add_argument(f"path:{name}", metavar=name.upper(), help=call.docs.get(name, name))
    if call.takes_body:
        parser.add_argument(
            "--json",
            dest="body",
            action=StoreOnce,
            metavar="BODY",
            help="the JSON body: text, @FILE, or - for standard input; checked against the spec first",
        )
    if call.query_fields or call.takes_free_query:
        parser.add_argument(
            "--query",
            action="append",
            default=[],
            metavar="KEY=VALUE",
            help="a query parameter by name or wire key (repeat for arrays)",
        )
    for field in call.query_fields:
        _add_query_flag(parser, field, call.docs.get(field.name, ""))
    if op.pagination is not None:
        parser.add_argument(
            "--all", action="store_true", help="every item across pages, one JSON line each (JSON Lines)"
        )
        parser.add_argument(
            "--max-pages",
            type=_positive_int,
            metavar="N",
            help="with --all: stop after N pages; standard error says where the next page starts (exit 0)",
        )
    profiles.add_arguments(parser)
    parser.set_defaults(run=run, operation_call=call)


class StoreOnce(argparse.Action):
    """A single-valued flag: given twice it is a usage error, not a silent keep-the-last."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        if getattr(namespace, self.dest, None) is not None:
            parser.error(f"argument {option_string}: given twice")
        setattr(namespace, self.dest, values)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive whole number, got {text!r}")
    return value


def _add_query_flag(parser: argparse.ArgumentParser, field: QueryField, doc: str) -> None:
    kind = field.item_kind
    enum = getattr(kind, "enum", None)

    def convert(text: str) -> object:
        try:
            return field.convert(text)
        except ValidationError as exc:
            raise argparse.ArgumentTypeError(exc.reason) from None

    parser.add_argument(
        f"--{spelled(field.name)}",
        dest=f"query:{field.name}",
        type=convert,
        action="append" if field.repeated else StoreOnce,
        choices=list(enum) if enum else None,
        metavar=BOOL_METAVAR if isinstance(kind, _rt.Bool) else field.name.upper(),
        help=" ".join(part for part in (doc, _flag_note(field)) if part),
    )


def _flag_note(field: QueryField) -> str:
    notes = [f"query key {field.key}"] if field.key != field.name else []
    if field.repeated:
        notes.append("repeat for several")
    return f"({', '.join(notes)})" if notes else ""


def _epilog(call: OperationCall) -> str:
    """The body's fields by wire key, described by the generated method's docstring."""
    if call.op.body_model is None:
        return ""
    shape: _rt.Shape = getattr(models, call.op.body_model)._shape
    lines = ["JSON body fields (--json '{...}'):"]
    for field in shape.fields:
        required = " (required)" if field.required else ""
        lines.append(f"  {field.key}{required}: {call.docs.get(field.name, '')}".rstrip())
    return "\n".join(lines)


def run(args: argparse.Namespace) -> int:
    call: OperationCall = args.operation_call
    name = command_name(call)
    stream_all: bool = getattr(args, "all", False)
    max_pages: int | None = getattr(args, "max_pages", None)
    if max_pages is not None and not stream_all:
        return _usage(name, "--max-pages caps the pages of --all; add --all")
    try:
        positional, keywords = prepare(call, args)
        client = profiles.resolve(args, os.environ).client()
    except ValidationError as exc:
        return _usage(name, f"invalid {exc.message}")
    except (CommandLineError, SuprsendConfigError) as exc:
        return _usage(name, str(exc))
    with client:
        return invoke(call, client, positional, keywords, stream_all=stream_all, max_pages=max_pages)


def command_name(call: OperationCall) -> str:
    return f"{PROG} {spelled(call.op.namespace)} {spelled(call.op.method_name)}"


def prepare(call: OperationCall, args: argparse.Namespace) -> tuple[list[object], dict[str, object]]:
    """The generated method's arguments from the parsed command line, every value checked before sending."""
    ids = [getattr(args, f"path:{path_id}") for path_id in call.path_ids]
    body = read_body(getattr(args, "body", None)) if call.takes_body else None
    if body is not None:
        call.check_body(body)
    query = gather_query(call, args)
    call.check_query(query)
    return call.arguments(ids, body, query)


def invoke(
    call: OperationCall,
    client: Suprsend,
    positional: list[object],
    keywords: dict[str, object],
    *,
    stream_all: bool,
    max_pages: int | None = None,
) -> int:
    """Call the generated method on the client's resource and print the result's wire JSON (with
    ``stream_all``, the items of every page, or of the first ``max_pages`` pages, as JSON Lines)."""
    name = command_name(call)
    resource = getattr(client, call.op.namespace)
    function = getattr(generated_class(resource, call.op.namespace), call.op.method_name)
    try:
        result = function(resource, *positional, **keywords)
        if stream_all and isinstance(result, Page):
            next_start = write_pages(result, max_pages)
            if next_start is not None:
                parameter, position = next_start
                print(
                    f"{name}: stopped after {max_pages} page(s) (--max-pages); more pages remain: "
                    f"continue with --query {parameter}={position}",
                    file=sys.stderr,
                )
        else:
            output.write_json(wire(result))
    except BrokenPipeError:
        # The reader stopped early (`| head`): no more output is wanted, and none may be flushed at exit.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (AuthenticationError, PermissionDeniedError) as exc:
        print(
            f"{name}: error: {exc.status_code} {exc.message}; {exit_codes.CREDENTIALS_HINT}", file=sys.stderr
        )
        return exit_codes.CREDENTIALS_REFUSED
    except APIStatusError as exc:
        print(f"{name}: error: {exc.status_code} {exc.message}", file=sys.stderr)
        return exit_codes.FAILED
    except ValidationError as exc:
        return _usage(name, f"invalid {exc.message}")
    except APIError as exc:
        print(f"{name}: error: {exc.message}", file=sys.stderr)
        return exit_codes.FAILED
    return exit_codes.OK


def wire(value: object) -> object:
    """The wire JSON of a result: models, pages and status results have ``to_dict``; text stays text."""
    to_dict = getattr(value, "to_dict", None)
    return to_dict() if callable(to_dict) else value


def write_pages(first: Page[Any, Any], max_pages: int | None) -> tuple[str, str] | None:
    """The items of ``first`` and the pages after it (at most ``max_pages``) as JSON Lines; where the next
    page starts when the cap stopped the walk, else None."""
    last = first
    for page in first.iter_pages(max_pages=max_pages):
        write_lines(wire(item) for item in page.items)
        last = page
    return last.next_page_start()


def write_lines(values: Iterable[object]) -> None:
    """JSON Lines, each line written as its item arrives (pages are fetched lazily: memory stays bounded)."""
    for value in values:
        sys.stdout.write(json.dumps(value, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def read_body(spec: str | None) -> object:
    """The ``--json`` value: JSON text, ``@FILE`` or ``-`` (standard input); None when not given."""
    if spec is None:
        return None
    source = "--json"
    try:
        if spec == STDIN:
            source = "standard input"
            text = sys.stdin.read()
        elif spec.startswith(FILE_PREFIX):
            source = spec[len(FILE_PREFIX) :]
            with open(source, encoding="utf-8") as file:
                text = file.read()
        else:
            text = spec
    except OSError as exc:
        raise CommandLineError(f"cannot read {exc.filename}: {exc.strerror}") from None
    except UnicodeDecodeError as exc:
        raise CommandLineError(f"the body in {source} is not UTF-8: {exc}") from None
    try:
        return json.loads(text, object_pairs_hook=_unique_keys)
    except ValueError as exc:  # JSONDecodeError, an integer past Python's digit limit, a duplicate key
        raise CommandLineError(f"the body in {source} is not JSON: {exc}") from None
    except RecursionError:
        raise CommandLineError(f"the body in {source} is not JSON: nested too deeply to read") from None


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object of the body, refused when it names a key twice (``json`` would keep the last value)."""
    obj: dict[str, Any] = {}
    for key, value in pairs:
        if key in obj:
            raise ValueError(f"duplicate key {key!r}")
        obj[key] = value
    return obj


def gather_query(call: OperationCall, args: argparse.Namespace) -> dict[str, object]:
    """Query values by Python name (spec-listed) or as given (pass-through), from flags and ``--query``."""
    query: dict[str, object] = {}
    for field in call.query_fields:
        value = getattr(args, f"query:{field.name}", None)
        if value is not None:
            query[field.name] = value
    for pair in getattr(args, "query", []):
        key, equals, text = pair.partition("=")
        if not equals or not key:
            raise CommandLineError(f"--query takes KEY=VALUE, got {pair!r}")
        _add_query_pair(call, query, key, text)
    return query


def _add_query_pair(call: OperationCall, query: dict[str, object], key: str, text: str) -> None:
    field = call.field(key)
    if field is None:
        if not call.takes_free_query:
            known = ", ".join(f.name for f in call.query_fields)
            raise CommandLineError(f"--query {key}: not a query parameter of this operation (known: {known})")
        _merge(query, key, text, repeated=key in query)
        return
    value = field.convert(text)
    if not field.repeated and field.name in query:
        raise CommandLineError(f"query parameter {field.name} given twice")
    _merge(query, field.name, value, repeated=field.repeated)


def _merge(query: dict[str, object], key: str, value: object, *, repeated: bool) -> None:
    if not repeated:
        query[key] = value
        return
    existing = query.get(key)
    items = list(existing) if isinstance(existing, list) else ([] if existing is None else [existing])
    query[key] = [*items, value]


def _usage(name: str, message: str) -> int:
    print(f"{name}: error: {message}", file=sys.stderr)
    return exit_codes.USAGE
