"""IR -> the text of each generated file. Layout is computed here; the templates hold the fixed parts."""

from __future__ import annotations

import re
from pathlib import Path

import jinja2

from . import render_groups as groups
from .errors import SpecError, child
from .ir import (
    Alias,
    Api,
    ArrayOf,
    Field,
    Model,
    ModelRef,
    Operation,
    PathParam,
    QueryParam,
    Scalar,
    SuccessResponse,
    TypeExpr,
    UnionOf,
)
from .parse import SCHEMAS_POINTER
from .pyexpr import (
    INDENT,
    LINE_LENGTH,
    Call,
    Expr,
    Raw,
    Subscript,
    Tuple,
    comment_lines,
    docstring_lines,
    layout,
    string,
)
from .render_surface import render_surface
from .render_types import PY_TYPES, annotation, json_annotation, kind, literal

# Aliases of these annotations are the builtin object itself, so they cannot carry a kind of their own.
_UNREGISTRABLE = frozenset({*PY_TYPES.values(), "Any"})
_ENV = jinja2.Environment(
    loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"),
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
    undefined=jinja2.StrictUndefined,
    autoescape=False,
)


def render_package(api: Api) -> dict[str, str]:
    """File name -> text of every file of the generated package."""
    aliases = {alias.name: alias for alias in api.aliases}
    header = {"spec_name": api.spec_name, "spec_sha256": api.spec_sha256}
    files = {
        "__init__.py": _ENV.get_template("__init__.py.j2").render(**header),
        "limits.py": _ENV.get_template("limits.py.j2").render(**header, limits=api.limits),
    }
    files |= _models_files(api, aliases, header)
    files |= _endpoints_files(api, aliases, header)
    files |= render_surface(api, {model.name: model for model in api.models}, aliases)
    # Whatever the optional template parts left out, each file ends with exactly one newline.
    return {name: text.rstrip("\n") + "\n" for name, text in files.items()}


def _endpoints_files(api: Api, aliases: dict[str, Alias], header: dict[str, str]) -> dict[str, str]:
    """``endpoint_helpers.py`` (what every builder and parser shares), ``endpoints.py`` (untagged operations,
    lazy names) and one module per namespace; the namespace modules import the helpers, never ``endpoints``,
    so the face that loads them is not imported back."""
    taken = {model.name for model in api.models} | {alias.name for alias in api.aliases}
    blocks: dict[str, list[str]] = {}
    for op in api.operations:
        group = groups.operation_group(op.surface.namespace if op.surface else None)
        blocks.setdefault(group, []).append(_operation_block(op, aliases, taken))
    files = {f"{groups.ENDPOINT_HELPERS}.py": _ENV.get_template("endpoint_helpers.py.j2").render(**header)}
    exported: dict[str, list[str]] = {}
    for group, operations in blocks.items():
        if group == groups.BASE:
            continue
        code = "\n\n\n".join(block.strip("\n") for block in operations)
        exported[group] = groups.public_names(code)
        docstring = (
            f"The request builders and response parsers of the {group} operations; no I/O happens here."
        )
        files[f"{groups.module_name('endpoints', group)}.py"] = _endpoints_module(docstring, code, "", header)
    code = "\n\n\n".join(block.strip("\n") for block in blocks.get(groups.BASE, []))
    tail = groups.lazy_tail("endpoints", exported, reexport=False)
    files["endpoints.py"] = _endpoints_module(_ENDPOINTS_DOCSTRING, code, tail, header)
    return files


_ENDPOINTS_DOCSTRING = """\
One pure request builder and one response parser per API operation; no I/O happens here.

``build_<operation>`` takes the body as bytes already dumped once by the caller and returns a ``Request``;
``parse_<operation>`` turns a ``Response`` into its typed model or raises the error for its status.
With namespaces, each namespace's live in ``endpoints_<namespace>.py``, loaded on first use of a name here.
"""


def _endpoints_module(docstring: str, code: str, tail: str, header: dict[str, str]) -> str:
    """A module of operation blocks (and maybe the lazy tail), importing only the names its code uses."""

    def uses(name: str) -> bool:
        return re.search(rf"(?<![\w.]){re.escape(name)}\b", code + tail) is not None

    lines = [
        _ENV.get_template("_header.j2").render(**header).rstrip("\n"),
        f'"""{docstring}"""',
        "",
        "from __future__ import annotations",
        "",
    ]
    if tail:
        lines += ["import importlib"]
    abc = [name for name in ("Mapping", "Sequence") if uses(name)]
    typing_names = [name for name in ("Any", "ClassVar", "Final", "Literal") if uses(name)]
    if abc:
        lines.append(f"from collections.abc import {', '.join(abc)}")
    if typing_names:
        lines.append(f"from typing import {', '.join(typing_names)}")
    if lines[-1] != "":
        lines.append("")
    if uses("attrs"):
        lines += ["import attrs", ""]
    local = []
    if uses("_rt"):
        local.append("from .. import _models as _rt")
    for module, names in (
        ("_errors", ("status_error",)),
        ("_http", ("CallOptions", "Request", "Response")),
        ("_types", ("UNSET", "Unset")),
    ):
        used = [name for name in names if uses(name)]
        if used:
            local.append(f"from ..{module} import {', '.join(used)}")
    if uses("models"):
        local.append("from . import models")
    helpers = [name for name in groups.ENDPOINT_HELPER_NAMES if uses(name)]
    if helpers:
        local.append(f"from .{groups.ENDPOINT_HELPERS} import {', '.join(helpers)}")
    lines += local
    while lines[-1] == "":
        lines.pop()
    body = (code + "\n" + tail if code and tail else code + tail).lstrip("\n")
    # Two blank lines before a def or class, one before a first assignment or comment (as ruff's isort wants).
    gap = "\n\n\n" if body.startswith(("def ", "class ", "@")) else "\n\n"
    return "\n".join(lines) + gap + body


def _models_files(api: Api, aliases: dict[str, Alias], header: dict[str, str]) -> dict[str, str]:
    """``models.py`` (shared models, aliases, lazy names) and one module per namespace's own models."""
    placement = groups.model_groups(api)
    grouped: dict[str, list[Model]] = {groups.BASE: []}
    for model in api.models:
        grouped.setdefault(placement[model.name], []).append(model)
    base_names = {model.name for model in grouped[groups.BASE]} | {alias.name for alias in api.aliases}
    files: dict[str, str] = {}
    exported: dict[str, list[str]] = {}
    for group, models in grouped.items():
        if group == groups.BASE:
            continue
        exported[group] = [model.name for model in models]
        files[f"{groups.module_name('models', group)}.py"] = _models_file(
            models, [], aliases, header, base_names=base_names
        )
    all_names = [model.name for model in api.models] + [alias.name for alias in api.aliases]
    if len(grouped) == 1:
        files["models.py"] = _models_file(grouped[groups.BASE], list(api.aliases), aliases, header)
        return files
    # The shared models live in their own module, which the namespace modules import; ``models.py`` is only
    # the face that re-exports them and loads the namespace modules, so no module imports one importing it.
    # Importing the face defines no class: the shared models load on first use like the namespace ones.
    shared = _models_file(grouped[groups.BASE], list(api.aliases), aliases, header)
    files[f"{groups.SHARED_MODELS}.py"] = shared
    shared_names = [model.name for model in grouped[groups.BASE]] + [alias.name for alias in api.aliases]
    tail = groups.lazy_tail("models", exported, reexport=True, shared=(groups.SHARED_MODELS, shared_names))
    files["models.py"] = _ENV.get_template("models_face.py.j2").render(
        **header,
        shared_module=groups.SHARED_MODELS,
        all_names=all_names,
        tail=tail,
    )
    return files


def _models_file(
    models: list[Model],
    alias_list: list[Alias],
    aliases: dict[str, Alias],
    header: dict[str, str],
    *,
    base_names: set[str] | None = None,
) -> str:
    classes = [_class_block(model, aliases) for model in models]
    alias_blocks = [_alias_block(alias) for alias in alias_list]
    shapes = ["\n".join(_shape_lines(model, aliases)) for model in models]
    registrations = [
        "\n".join(layout(Call("_rt.register_alias", (Raw(alias.name), kind(alias.type, aliases))), ""))
        for alias in alias_list
        if annotation(alias.type) not in _UNREGISTRABLE
    ]
    code = "\n".join([*classes, *alias_blocks])
    # Import only what the code uses, so that a small spec still passes the linters.
    typing_names = [
        name
        for name in ("TYPE_CHECKING", "Any", "ClassVar", "Literal", "TypeAlias", "overload")
        if re.search(rf"\b{name}\b", code)
    ]
    types_names = [name for name in ("UNSET", "Unset") if re.search(rf"\b{name}\b", code)]
    base_imports: list[str] = []
    if base_names is not None:
        # Names used in code: the shapes and the field annotations (not the docstrings or comments).
        annotations = [
            line
            for block in classes
            for line in block.splitlines()
            if re.match(r"^    \w+: ", line) or "def __getitem__" in line or line.startswith("        ) -> ")
        ]
        everything = "\n".join([*annotations, *shapes])
        used = sorted(name for name in base_names if re.search(rf"(?<![\w.]){name}\b", everything))
        if used:
            head = f"from .{groups.SHARED_MODELS} import "
            base_imports = layout(Tuple(tuple(Raw(name) for name in used)), "", head=head)
            if len(base_imports) == 1:
                base_imports = [head + ", ".join(used)]
    return _ENV.get_template("models.py.j2").render(
        **header,
        classes=classes,
        aliases=alias_blocks,
        shapes=shapes,
        registrations=registrations,
        typing_names=typing_names,
        types_names=types_names,
        uses_attrs=bool(classes),
        base_imports=base_imports,
    )


# attrs compiles __repr__, __eq__ and __hash__ per class at import; every generated class shares these.
_CLASS_DECORATOR = "@attrs.frozen(kw_only=True, slots=True, repr=False, eq=False)"
_SHARED_METHODS = [
    f"{INDENT}__repr__ = _rt.model_repr",
    f"{INDENT}__eq__ = _rt.model_eq",
    f"{INDENT}__hash__ = _rt.model_hash",
]


# Models also read like the official SDK's answer dicts, with wire keys (see _model_mapping.py).
_MAPPING_METHODS = [
    f"{INDENT}__iter__ = _map.model_iter",
    f"{INDENT}__contains__ = _map.model_contains",
    f"{INDENT}keys = _map.model_keys",
    f"{INDENT}to_dict = _map.model_to_dict",
]


def _class_block(model: Model, aliases: dict[str, Alias]) -> str:
    lines = [_CLASS_DECORATOR, f"class {model.name}:"]
    lines += docstring_lines(model.description or f"The {model.name} object.", INDENT)
    lines += ["", f"{INDENT}_shape: ClassVar[_rt.Shape]", ""]
    for field in model.fields:
        lines += comment_lines(field.description, INDENT)
        pointer = child(SCHEMAS_POINTER, model.name, "properties", field.wire_name)
        lines.append(_field_line(pointer, field, response=model.lenient))
    if model.extra is not None:
        lines += comment_lines("Keys beyond the schema's properties, written back after them.", INDENT)
        lines.append(f"{INDENT}extra: dict[str, {annotation(model.extra)}] = attrs.field(factory=dict)")
    if model.lenient:
        lines += comment_lines("The optional fields the answer left out (they read None): is_absent.", INDENT)
        absent = "_absent: frozenset[str] = attrs.field(init=False, factory=frozenset, repr=False)"
        lines.append(INDENT + absent)
    lines += [
        "",
        f"{INDENT}def __attrs_post_init__(self) -> None:",
        f"{INDENT}{INDENT}_rt.check_instance(self, self._shape)",
        "",
        *_SHARED_METHODS,
        *_MAPPING_METHODS,
        "",
        *_keyed_read_lines(model, aliases),
    ]
    if model.lenient:
        # What only the hub sends prints as the official SDK's answer dict does.
        lines[lines.index(_SHARED_METHODS[0])] = f"{INDENT}__repr__ = _map.model_dict_repr"
        lines.insert(lines.index(_MAPPING_METHODS[-1]) + 1, f"{INDENT}is_absent = _map.model_is_absent")
    return "\n".join(lines)


def _keyed_read_lines(model: Model, aliases: dict[str, Alias]) -> list[str]:
    """``model["key"]`` and ``model.get("key")`` typed per wire key for the type checker only; at run time
    one shared function each.

    Any other key reads as ``object`` (keys kept from the hub beyond the schema): a misspelt key cannot be
    used as a typed value. ``get`` reads as the value or None, or with a default as the value or the
    default's type (the overloads of ``dict.get``). See "Typed keyed reads" in codegen/README.md.
    """
    body = INDENT * 2
    lines = [f"{INDENT}if TYPE_CHECKING:", f"{body}# Typed per wire key; any other key reads as object."]
    gets: list[str] = []
    for field in model.fields:
        pointer = child(SCHEMAS_POINTER, model.name, "properties", field.wire_name)
        key = f"key: Literal[{string(field.wire_name)}]"
        value = json_annotation(field.type, aliases)
        lines += _overload_stub(pointer, "__getitem__", key, value)
        optional = value if "None" in value.split(" | ") else f"{value} | None"
        gets += _overload_stub(pointer, "get", f"{key}, default: None = None", optional)
        gets += _overload_stub(pointer, "get", f"{key}, default: _map.Default", f"{value} | _map.Default")
    if model.fields:
        lines += [f"{body}@overload", f"{body}def __getitem__(self, key: str) -> _map.Unknown: ..."]
    lines += [
        f"{body}def __getitem__(self, key: str) -> _map.Unknown:",
        f"{body}{INDENT}return _map.model_getitem(self, key)",
        "",
        *gets,
    ]
    # Unknown, not object: a field named ``object`` would hide the builtin in the class body.
    fallback = "def get(self, key: str, default: _map.Unknown = None) -> _map.Unknown:"
    if model.fields:
        lines += [f"{body}@overload", f"{body}{fallback} ..."]
    lines += [
        f"{body}{fallback}",
        f"{body}{INDENT}return _map.model_get(self, key, default)",
        f"{INDENT}else:",
        f"{body}__getitem__ = _map.model_getitem",
        f"{body}get = _map.model_get",
    ]
    return lines


def _overload_stub(pointer: str, name: str, parameters: str, returns: str) -> list[str]:
    """``@overload`` and ``def name(self, parameters) -> returns: ...``, laid out as ruff formats it."""
    body = INDENT * 2
    line = f"{body}def {name}(self, {parameters}) -> {returns}: ..."
    if len(line) <= LINE_LENGTH:
        return [f"{body}@overload", line]
    # As ruff format splits a def that is too long: the parameters on their own line.
    split = [f"{body}def {name}(", f"{body}{INDENT}self, {parameters}", f"{body}) -> {returns}: ..."]
    if max(map(len, split)) > LINE_LENGTH:
        raise SpecError(pointer, "the Python type is too long for one line; name part of it as a schema")
    return [f"{body}@overload", *split]


def _field_line(pointer: str, field: Field | QueryParam, *, response: bool = False) -> str:
    """The attribute of a field. UNSET is for what requests leave out; an optional field of a model only
    the hub sends reads None when absent (``_map.ABSENT`` is its default until ``check_instance``)."""
    text = annotation(field.type)
    line = f"{INDENT}{field.py_name}: {text}"
    secret = isinstance(field, Field) and field.secret
    if not field.required:
        default = "_map.ABSENT" if response else "UNSET"
        if not response:
            line += " | Unset"
        elif "None" not in text.split(" | "):
            line += " | None"
        line += f" = attrs.field(default={default}, repr=False)" if secret else f" = {default}"
    elif secret:
        line += " = attrs.field(repr=False)"
    if len(line) > LINE_LENGTH:
        raise SpecError(pointer, "the Python type is too long for one line; name part of it as a schema")
    return line


def _alias_block(alias: Alias) -> str:
    value: Expr = Raw(annotation(alias.type))
    if isinstance(alias.type, Scalar) and alias.type.enum is not None:
        value = Subscript("Literal", tuple(Raw(literal(option)) for option in alias.type.enum))
    lines = layout(value, "", head=f"{alias.name}: TypeAlias = ")
    if len(lines[0]) > LINE_LENGTH:
        raise SpecError(child(SCHEMAS_POINTER, alias.name), "the Python type is too long for one line")
    return "\n".join([*lines, *docstring_lines(alias.description, "")])


def _shape_lines(model: Model, aliases: dict[str, Alias]) -> list[str]:
    fields = tuple(
        Call(
            "_rt.Field",
            (Raw(string(field.py_name)), Raw(string(field.wire_name)), kind(field.type, aliases)),
            (("required", Raw("True")),) if field.required else (),
        )
        for field in model.fields
    )
    extra = Raw("None") if model.extra is None else kind(model.extra, aliases)
    options: tuple[tuple[str, Expr], ...] = (("extra", extra),)
    if model.lenient:
        options += (("lenient", Raw("True")),)
    shape = Call("_rt.Shape", (Raw(model.name), Tuple(fields)), options)
    return layout(shape, "", head=f"{model.name}._shape = ")


def _query_name(operation: Operation) -> str:
    return "".join(part.capitalize() for part in operation.operation_id.split("_")) + "Query"


def _query_lines(operation: Operation, aliases: dict[str, Alias], taken: set[str]) -> list[str]:
    """The frozen query value of an operation with query parameters, and constants of its numeric bounds."""
    name = _query_name(operation)
    pointer = child("#/paths", operation.path, operation.method.lower(), "parameters")
    if name in taken:
        raise SpecError(pointer, f"the query class {name} would have the name of a schema")
    lines = [
        _CLASS_DECORATOR,
        f"class {name}:",
        *docstring_lines(
            f"The query parameters of {operation.operation_id}, checked on construction.",
            INDENT,
        ),
        "",
        f"{INDENT}_shape: ClassVar[_rt.Shape]",
        "",
    ]
    for param in operation.query_params:
        lines += comment_lines(param.description, INDENT)
        lines.append(_field_line(pointer, param))
    lines += [
        "",
        f"{INDENT}def __attrs_post_init__(self) -> None:",
        f"{INDENT * 2}_rt.check_instance(self, self._shape)",
        "",
        *_SHARED_METHODS,
        "",
        f"{INDENT}def to_pairs(self) -> list[tuple[str, str]]:",
        *docstring_lines(
            "(key, text) pairs in spec order: arrays repeat their key, booleans are true/false.", INDENT * 2
        ),
        f"{INDENT * 2}return _rt.query_pairs(self)",
        "",
        f"{INDENT}@classmethod",
        f"{INDENT}def from_options(cls, options: Mapping[str, object]) -> {name}:",
        *docstring_lines(
            "From an official-style dict keyed by field names or wire keys; None values are left out.",
            INDENT * 2,
        ),
        f"{INDENT * 2}return _rt.query_from_options(options, cls)",
        "",
        "",
    ]
    fields = tuple(
        Call(
            "_rt.Field",
            (Raw(string(param.py_name)), Raw(string(param.wire_name)), kind(param.type, aliases)),
            (("required", Raw("True")),) if param.required else (),
        )
        for param in operation.query_params
    )
    lines += layout(
        Call("_rt.Shape", (Raw(name), Tuple(fields)), (("extra", Raw("None")),)), "", head=f"{name}._shape = "
    )
    for param in operation.query_params:
        if isinstance(param.type, Scalar):
            for bound, value in (("MINIMUM", param.type.minimum), ("MAXIMUM", param.type.maximum)):
                if value is not None:
                    constant = f"{operation.operation_id}_{param.py_name}_{bound}".upper()
                    lines.append(f"{constant}: Final = {value!r}")
    return [*lines, "", ""]


def _operation_block(operation: Operation, aliases: dict[str, Alias], taken: set[str]) -> str:
    op_id = operation.operation_id
    lines: list[str] = []
    record = _record_model(operation.body)
    if record is not None:
        lines += comment_lines(f"The model of one record of the {op_id} body.", "")
        lines += [f"{op_id.upper()}_BODY = models.{record}", "", ""]
    query_type = "Sequence[tuple[str, str]]"
    if operation.query_params:
        lines += _query_lines(operation, aliases, taken)
        query_type = f"{_query_name(operation)} | {query_type}"
    lines += _path_kind_lines(operation, aliases)
    lines += [
        f"def build_{op_id}(",
        f"{INDENT}*,",
        f"{INDENT}base_url: str,",
        *(f"{INDENT}{param.name}: str," for param in operation.path_params),
        f'{INDENT}content: bytes = b"",',
        f"{INDENT}query: {query_type} = (),",
        f"{INDENT}options: CallOptions = _DEFAULT_OPTIONS,",
        ") -> Request:",
    ]
    lines += docstring_lines(f"{operation.method} {operation.path}: {operation.summary}", INDENT)
    pairs = "query"
    if operation.query_params:
        pairs = "pairs"
        lines.append(
            f"{INDENT}pairs = query.to_pairs() if isinstance(query, {_query_name(operation)}) else query"
        )
    url_args: tuple[Expr, ...] = (Raw("base_url"), Raw(string(operation.path.lstrip("/"))), Raw(pairs))
    url = Call(
        "_url",
        url_args,
        tuple(
            (param.name, Raw(f"({param.name}, {_path_kind_name(operation, param)})"))
            for param in operation.path_params
        ),
    )
    request = Call(
        "Request",
        kwargs=(
            ("method", Raw(string(operation.method))),
            ("url", url),
            ("headers", Raw("_JSON_HEADERS")),
            ("content", Raw("content")),
            ("options", Raw(f"_named(options, {string(op_id)})")),
        ),
    )
    lines += layout(request, INDENT, head="return ")
    lines += ["", ""]
    lines += _parse_lines(operation, aliases)
    return "\n".join(lines)


def _path_kind_name(operation: Operation, param: PathParam) -> str:
    return f"_{operation.operation_id}_{param.name}".upper()


def _path_kind_lines(operation: Operation, aliases: dict[str, Alias]) -> list[str]:
    """Module constants holding the check of each path parameter (its schema's constraints)."""
    lines: list[str] = []
    for param in operation.path_params:
        lines += layout(kind(param.type, aliases), "", head=f"{_path_kind_name(operation, param)} = ")
    return [*lines, "", ""] if lines else []


def _record_model(body: TypeExpr | None) -> str | None:
    """The model a body is made of: the model itself, a list of it, or a model-or-list-of-it union."""
    if isinstance(body, ModelRef):
        return body.name
    if isinstance(body, ArrayOf):
        return _record_model(body.items)
    if isinstance(body, UnionOf):
        names = {_record_model(branch) for branch in body.branches}
        return names.pop() if len(names) == 1 else None
    return None


def _response_type(response: SuccessResponse) -> str:
    if response.kind == "text":
        return "str"
    if response.kind == "empty" or response.type is None:
        return "None"
    return annotation(response.type, "models.")


def _parse_lines(operation: Operation, aliases: dict[str, Alias]) -> list[str]:
    op_id = operation.operation_id
    constants: list[str] = []
    body: list[str] = []
    fallback, *others = operation.responses
    for response in [*others, fallback]:
        if response.kind == "json" and response.type is not None:
            name = f"_{op_id.upper()}_{response.status}"
            constants += layout(kind(response.type, aliases, "models."), "", head=f"{name} = ")
            result = f"result_{response.status}"
            steps = [
                f"{result}: {_response_type(response)} = _decode(response, {name})",
                f"return {result}",
            ]
        else:
            steps = ["return response.text" if response.kind == "text" else "return None"]
        if response is fallback:
            body += [INDENT + step for step in steps]
        else:
            body.append(f"{INDENT}if response.status_code == {response.status}:")
            body += [INDENT * 2 + step for step in steps]
    types: list[str] = []
    for response in operation.responses:
        text = _response_type(response)
        if text not in types:
            types.append(text)
    statuses = " or ".join(str(response.status) for response in operation.responses)
    signature = f"def parse_{op_id}(response: Response) -> {' | '.join(types)}:"
    if len(signature) > LINE_LENGTH:
        raise SpecError(
            child("#/paths", operation.path, operation.method.lower(), "responses"),
            "the response type is too long for one line",
        )
    lines = [*constants, "", ""] if constants else []
    lines += [signature]
    lines += docstring_lines(
        f"The {statuses} answer of {op_id}, typed; an error status raises its APIStatusError.", INDENT
    )
    lines += [f"{INDENT}if not response.is_success:", f"{INDENT}{INDENT}raise status_error(response)", *body]
    return lines
