"""Spec -> IR. Every problem is reported as a SpecError with the JSON pointer of the offending node."""

from __future__ import annotations

import keyword
import re
from collections.abc import Mapping
from typing import Any

import attrs

from .errors import SpecError, child
from .ir import (
    Alias,
    AliasRef,
    AnyValue,
    Api,
    ArrayOf,
    Field,
    JsonType,
    Limit,
    MapOf,
    Model,
    ModelRef,
    Operation,
    PathParam,
    QueryParam,
    ResponseKind,
    Scalar,
    SuccessResponse,
    TypeExpr,
    UnionOf,
)
from .loader import LoadedSpec
from .records import check_kinds, records
from .surface import surface

SCHEMAS_POINTER = "#/components/schemas"
_METHODS = ("get", "put", "post", "delete", "patch")
_SCALAR_TYPES: dict[str, type | tuple[type, ...]] = {
    "string": str,
    "integer": int,
    "number": (int, float),
    "boolean": bool,
    "null": type(None),
}
_KNOWN_TYPES = (*_SCALAR_TYPES, "array", "object")
# Keywords that only document; everything else must be understood or the spec is refused.
_DOC_KEYWORDS = frozenset(
    {
        "description",
        "title",
        "example",
        "examples",
        "default",
        "format",
        "deprecated",
        "readOnly",
        "writeOnly",
    }
)
_SCHEMA_KEYWORDS = _DOC_KEYWORDS | {
    "type",
    "enum",
    "minLength",
    "maxLength",
    "pattern",
    "minimum",
    "maximum",
    "items",
    "minItems",
    "maxItems",
    "properties",
    "required",
    "additionalProperties",
    "minProperties",
    "oneOf",
    "$ref",
    "uniqueItems",
}
_SCHEMA_NAME = re.compile(r"^[A-Z][A-Za-z0-9]*$")
_SNAKE_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_STATUS_CODE = re.compile(r"^[1-5]\d\d$")
_OTHER_RANGES = frozenset({"1XX", "3XX", "4XX", "5XX"})
# Names the generated modules already use; a schema or field with one of them would shadow it.
_RESERVED_TYPE_NAMES = frozenset(
    {"Any", "ClassVar", "Final", "Literal", "Sequence", "TypeAlias", "UNSET", "Unset", "attrs"}
)
# Names a class body's annotations and defaults refer to: a field with one of them would hide it there.
_RESERVED_FIELD_NAMES = frozenset(
    {
        "str",
        "int",
        "float",
        "bool",
        "list",
        "dict",
        "attrs",
        "models",
        "to_pairs",
        "from_options",
        "get",
        "keys",
        "to_dict",
    }
)
_RESERVED_ARGUMENTS = frozenset({"base_url", "content", "query", "options", "pairs"})
_EXTRA_FIELD = "extra"
_OPERATION_KEYS = frozenset(
    {
        "operationId",
        "summary",
        "description",
        "parameters",
        "requestBody",
        "responses",
        "tags",
        "deprecated",
        "security",
        "externalDocs",
    }
)
_PARAMETER_KEYS = frozenset(
    {
        "name",
        "in",
        "required",
        "description",
        "schema",
        "style",
        "explode",
        "deprecated",
        "example",
        "examples",
    }
)


def build_api(loaded: LoadedSpec) -> Api:
    """The IR of a loaded spec; raises SpecError on the first problem found."""
    document = loaded.document
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3.1"):
        raise SpecError("#/openapi", f"expected an OpenAPI 3.1 document, got {version!r}")
    _check_references(document, document, "#")
    schemas = _mapping(
        _mapping(document.get("components", {}), "#/components").get("schemas", {}), SCHEMAS_POINTER
    )
    parser = _SchemaParser(schemas)
    models: list[Model] = []
    aliases: list[Alias] = []
    for name, schema in schemas.items():
        pointer = child(SCHEMAS_POINTER, name)
        if parser.is_model(name):
            models.append(parser.model(name, schema, pointer))
        else:
            aliases.append(Alias(name=name, description=_text(schema), type=parser.type(schema, pointer)))
    limits = tuple(_limits(document))
    operations = _operations(document, parser, {model.name: model for model in models}, limits)
    lenient = _hub_only_models(models, aliases, operations)
    return Api(
        spec_name=loaded.display_name,
        spec_sha256=loaded.sha256,
        models=tuple(attrs.evolve(model, lenient=model.name in lenient) for model in models),
        aliases=tuple(_alias_order(aliases)),
        operations=tuple(operations),
        limits=limits,
    )


def _hub_only_models(models: list[Model], aliases: list[Alias], operations: list[Operation]) -> set[str]:
    """Names of the models reachable from an answer of the hub and from no request body."""
    fields = {model.name: [field.type for field in model.fields] + [model.extra] for model in models}
    alias_types = {alias.name: alias.type for alias in aliases}

    def reach(roots: list[TypeExpr | None]) -> set[str]:
        found: set[str] = set()
        pending = list(roots)
        while pending:
            expr = pending.pop()
            if isinstance(expr, ModelRef) and expr.name not in found:
                found.add(expr.name)
                pending += fields[expr.name]
            elif isinstance(expr, AliasRef):
                pending.append(alias_types[expr.name])
            elif isinstance(expr, ArrayOf):
                pending.append(expr.items)
            elif isinstance(expr, MapOf):
                pending.append(expr.values)
            elif isinstance(expr, UnionOf):
                pending += expr.branches
        return found

    sent = reach([operation.body for operation in operations])
    answered = reach(
        [response.type for operation in operations for response in operation.responses]
        + [answer for operation in operations for answer in operation.other_answers]
    )
    return answered - sent


def _mapping(value: object, pointer: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise SpecError(pointer, "expected a mapping")
    return value


def _text(schema: Mapping[str, Any]) -> str:
    description = schema.get("description", schema.get("summary", ""))
    return " ".join(str(description).split())


def _resolve(document: Mapping[str, Any], ref: object, pointer: str) -> Any:
    if not isinstance(ref, str) or not ref.startswith("#/"):
        raise SpecError(pointer, f"only local references ('#/...') are supported, got {ref!r}")
    node: Any = document
    for part in ref[2:].split("/"):
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, Mapping) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            raise SpecError(pointer, f"dangling $ref {ref!r}")
    return node


def _check_references(document: Mapping[str, Any], node: object, pointer: str) -> None:
    """Every ``$ref`` anywhere in the document resolves, used or not."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "$ref" and not isinstance(value, Mapping):
                _resolve(document, value, child(pointer, "$ref"))
            else:
                _check_references(document, value, child(pointer, str(key)))
    elif isinstance(node, list):
        for index, item in enumerate(node):
            _check_references(document, item, child(pointer, index))


class _SchemaParser:
    """Turns schema nodes into type expressions; knows which component names are models."""

    def __init__(self, schemas: Mapping[str, Any]) -> None:
        self._schemas = schemas
        for name, schema in schemas.items():
            pointer = child(SCHEMAS_POINTER, name)
            if not _SCHEMA_NAME.match(name):
                raise SpecError(pointer, f"schema name {name!r} must be CamelCase letters and digits")
            if name in _RESERVED_TYPE_NAMES:
                raise SpecError(pointer, f"schema name {name!r} is reserved by the generated code")
            _mapping(schema, pointer)

    def is_model(self, name: str) -> bool:
        schema = self._schemas[name]
        return "properties" in schema

    def model(self, name: str, schema: Mapping[str, Any], pointer: str) -> Model:
        self._check_keywords(schema, pointer)
        if schema.get("type") != "object":
            raise SpecError(child(pointer, "type"), "a schema with properties must have type: object")
        properties = _mapping(schema["properties"], child(pointer, "properties"))
        required = schema.get("required", [])
        if not isinstance(required, list):
            raise SpecError(child(pointer, "required"), "expected a list of property names")
        for index, wire_name in enumerate(required):
            if wire_name not in properties:
                raise SpecError(
                    child(pointer, "required", index), f"required property {wire_name!r} is not defined"
                )
        additional = schema.get("additionalProperties", True)
        extra: TypeExpr | None
        if additional is True:
            extra = AnyValue()
        elif additional is False:
            extra = None
        else:
            extra = self.type(additional, child(pointer, "additionalProperties"))
        taken: dict[str, str] = {}
        if extra is not None:
            taken[_EXTRA_FIELD] = "the extra keys"
        fields = []
        for wire_name, prop in properties.items():
            prop_pointer = child(pointer, "properties", str(wire_name))
            if not isinstance(wire_name, str):
                raise SpecError(prop_pointer, f"a property name must be a string, got {wire_name!r}")
            prop = _mapping(prop, prop_pointer)
            py_name = self.field_name(wire_name, prop, prop_pointer)
            if py_name == _EXTRA_FIELD and extra is not None and "x-python-name" not in prop:
                py_name = _EXTRA_FIELD + "_"
            if py_name in taken:
                raise SpecError(
                    prop_pointer,
                    f"Python name {py_name!r} is already used by {taken[py_name]}; set x-python-name",
                )
            taken[py_name] = f"property {wire_name!r}"
            secret = prop.get("x-secret", False)
            if not isinstance(secret, bool):
                raise SpecError(child(prop_pointer, "x-secret"), "x-secret must be true or false")
            fields.append(
                Field(
                    wire_name=wire_name,
                    py_name=py_name,
                    type=self.type(prop, prop_pointer),
                    required=wire_name in required,
                    description=_text(prop),
                    secret=secret,
                )
            )
        return Model(name=name, description=_text(schema), fields=tuple(fields), extra=extra)

    def field_name(self, wire_name: str, node: Mapping[str, Any], pointer: str) -> str:
        """The Python name of a property or parameter: ``x-python-name``, else derived from ``wire_name``
        (a derived name that would hide a name the generated code uses gets a trailing ``_``)."""
        if "x-python-name" not in node:
            derived = python_name(wire_name)
            return derived + "_" if derived in _RESERVED_FIELD_NAMES else derived
        chosen = node["x-python-name"]
        if not isinstance(chosen, str) or not _is_field_name(chosen):
            raise SpecError(child(pointer, "x-python-name"), f"{chosen!r} is not usable as a Python name")
        if chosen in _RESERVED_FIELD_NAMES or chosen in _RESERVED_TYPE_NAMES or chosen in self._schemas:
            raise SpecError(child(pointer, "x-python-name"), f"{chosen!r} is a name the generated code uses")
        return chosen

    def type(self, schema: object, pointer: str) -> TypeExpr:
        schema = _mapping(schema, pointer)
        self._check_keywords(schema, pointer)
        if "$ref" in schema:
            return self._reference(schema, pointer)
        if "oneOf" in schema:
            return self._one_of(schema, pointer)
        declared = schema.get("type")
        if declared is None:
            for needs_type in ("enum", "properties", "items"):
                if needs_type in schema:
                    raise SpecError(child(pointer, needs_type), f"{needs_type!r} needs a 'type'")
            return AnyValue()
        names = [declared] if isinstance(declared, str) else declared
        if not isinstance(names, list) or not names:
            raise SpecError(child(pointer, "type"), "expected a type name or a list of them")
        for index, type_name in enumerate(names):
            if type_name not in _KNOWN_TYPES:
                where = child(pointer, "type") if isinstance(declared, str) else child(pointer, "type", index)
                raise SpecError(where, f"unknown type {type_name!r}")
        branches = tuple(self._single(type_name, schema, pointer) for type_name in names)
        if "enum" in schema:
            self._check_enum(schema["enum"], names, child(pointer, "enum"))
        return branches[0] if len(branches) == 1 else UnionOf(branches=branches)

    def _check_keywords(self, schema: Mapping[str, Any], pointer: str) -> None:
        for key in schema:
            if key not in _SCHEMA_KEYWORDS and not str(key).startswith("x-"):
                raise SpecError(child(pointer, key), f"unsupported keyword {key!r}")
        if schema.get("uniqueItems", False) is not False:
            raise SpecError(child(pointer, "uniqueItems"), "uniqueItems: true is not supported")

    def _reference(self, schema: Mapping[str, Any], pointer: str) -> TypeExpr:
        ref = schema["$ref"]
        prefix = SCHEMAS_POINTER + "/"
        if not isinstance(ref, str) or not ref.startswith(prefix) or ref[len(prefix) :] not in self._schemas:
            raise SpecError(child(pointer, "$ref"), f"dangling $ref {ref!r}: expected {prefix}<Name>")
        constraints = {key for key in schema if not str(key).startswith("x-")} - _DOC_KEYWORDS - {"$ref"}
        if constraints:
            key = sorted(constraints)[0]
            raise SpecError(child(pointer, key), f"{key!r} beside $ref is not supported")
        name = ref[len(prefix) :]
        return ModelRef(name=name) if self.is_model(name) else AliasRef(name=name)

    def _one_of(self, schema: Mapping[str, Any], pointer: str) -> TypeExpr:
        options = schema["oneOf"]
        if not isinstance(options, list) or not options:
            raise SpecError(child(pointer, "oneOf"), "expected a non-empty list of schemas")
        others = set(schema) - _DOC_KEYWORDS - {"oneOf"}
        if others:
            key = sorted(others)[0]
            raise SpecError(child(pointer, key), f"{key!r} beside oneOf is not supported")
        branches: list[TypeExpr] = []
        for index, option in enumerate(options):
            branch = self.type(option, child(pointer, "oneOf", index))
            branches.extend(branch.branches if isinstance(branch, UnionOf) else (branch,))
        return UnionOf(branches=tuple(branches))

    def _single(self, type_name: str, schema: Mapping[str, Any], pointer: str) -> TypeExpr:
        if type_name == "array":
            items = self.type(schema["items"], child(pointer, "items")) if "items" in schema else AnyValue()
            return ArrayOf(
                items=items,
                min_items=_count(schema, "minItems", pointer),
                max_items=_count(schema, "maxItems", pointer),
            )
        if type_name == "object":
            if "properties" in schema:
                raise SpecError(
                    child(pointer, "properties"),
                    f"an inline object with properties must be a named schema under {SCHEMAS_POINTER}",
                )
            additional = schema.get("additionalProperties", True)
            if additional is False:
                raise SpecError(child(pointer, "additionalProperties"), "an object that allows no keys")
            values = None
            if additional is not True:
                values = self.type(additional, child(pointer, "additionalProperties"))
            return MapOf(values=values, min_properties=_count(schema, "minProperties", pointer))
        json_type: JsonType = type_name  # type: ignore[assignment]  # checked against _KNOWN_TYPES
        enum = schema.get("enum")
        is_string = json_type == "string"
        is_number = json_type in ("integer", "number")
        pattern = schema.get("pattern") if is_string else None
        if pattern is not None:
            try:
                re.compile(pattern)
            except (re.error, TypeError) as exc:
                raise SpecError(child(pointer, "pattern"), f"invalid pattern: {exc}") from None
        return Scalar(
            json_type=json_type,
            enum=tuple(v for v in enum if _is_json_type(v, json_type)) or None if enum is not None else None,
            min_length=_count(schema, "minLength", pointer) if is_string else None,
            max_length=_count(schema, "maxLength", pointer) if is_string else None,
            pattern=pattern,
            minimum=_number(schema, "minimum", pointer) if is_number else None,
            maximum=_number(schema, "maximum", pointer) if is_number else None,
        )

    def _check_enum(self, values: object, names: list[str], pointer: str) -> None:
        if not isinstance(values, list) or not values:
            raise SpecError(pointer, "expected a non-empty list of values")
        for index, value in enumerate(values):
            if not any(_is_json_type(value, name) for name in names if name in _SCALAR_TYPES):
                raise SpecError(child(pointer, index), f"enum value {value!r} does not fit type {names}")


def _is_json_type(value: object, type_name: str) -> bool:
    if type_name in ("integer", "number") and isinstance(value, bool):
        return False
    expected = _SCALAR_TYPES.get(type_name)
    return expected is not None and isinstance(value, expected)


def _count(schema: Mapping[str, Any], key: str, pointer: str) -> int | None:
    value = schema.get(key)
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise SpecError(child(pointer, key), f"{key} must be a non-negative integer")
    return value


def _number(schema: Mapping[str, Any], key: str, pointer: str) -> int | float | None:
    value = schema.get(key)
    if value is None:
        return None
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        raise SpecError(child(pointer, key), f"{key} must be a number")
    return value


def python_name(wire_name: str) -> str:
    """A field name for a JSON key: ``$idempotency_key`` -> ``idempotency_key``, ``contentType`` ->
    ``content_type``, other characters -> ``_``, a keyword gets a trailing ``_``."""
    name = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", wire_name.lstrip("$")).lower()
    name = re.sub(r"[^a-z0-9_]", "_", name).strip("_")
    if not name:
        name = "field"
    elif name[0].isdigit():
        name = "field_" + name
    if keyword.iskeyword(name):
        name += "_"
    return name


def _is_field_name(name: str) -> bool:
    # attrs drops a leading underscore from __init__ argument names, so those are refused.
    return name.isidentifier() and not name.startswith("_") and not keyword.iskeyword(name)


def _alias_order(aliases: list[Alias]) -> list[Alias]:
    """Aliases in spec order, except that an alias comes after the aliases it uses."""
    by_name = {alias.name: alias for alias in aliases}
    ordered: list[Alias] = []
    state: dict[str, str] = {}

    def visit(alias: Alias) -> None:
        if state.get(alias.name) == "done":
            return
        if state.get(alias.name) == "visiting":
            raise SpecError(child(SCHEMAS_POINTER, alias.name), "recursive type alias is not supported")
        state[alias.name] = "visiting"
        for name in _alias_names(alias.type):
            visit(by_name[name])
        state[alias.name] = "done"
        ordered.append(alias)

    for alias in aliases:
        visit(alias)
    return ordered


def _alias_names(expr: TypeExpr | None) -> list[str]:
    if isinstance(expr, AliasRef):
        return [expr.name]
    if isinstance(expr, ArrayOf):
        return _alias_names(expr.items)
    if isinstance(expr, MapOf):
        return _alias_names(expr.values)
    if isinstance(expr, UnionOf):
        return [name for branch in expr.branches for name in _alias_names(branch)]
    return []


def _operations(
    document: Mapping[str, Any],
    parser: _SchemaParser,
    models: Mapping[str, Model],
    limits: tuple[Limit, ...],
) -> list[Operation]:
    operations: list[Operation] = []
    seen: dict[str, str] = {}
    for path, item in _mapping(document.get("paths", {}), "#/paths").items():
        item_pointer = child("#/paths", str(path))
        if not isinstance(path, str) or not path.startswith("/"):
            raise SpecError(item_pointer, "a path must be a string starting with '/'")
        item = _mapping(item, item_pointer)
        shared = _parameters(document, item, item_pointer)
        for method, operation in item.items():
            if method not in _METHODS:
                if method not in ("parameters", "summary", "description") and not str(method).startswith(
                    "x-"
                ):
                    raise SpecError(child(item_pointer, str(method)), f"unsupported path item key {method!r}")
                continue
            pointer = child(item_pointer, method)
            operation = _mapping(operation, pointer)
            for key in operation:
                if key not in _OPERATION_KEYS and not str(key).startswith("x-"):
                    raise SpecError(child(pointer, str(key)), f"unsupported operation key {key!r}")
            operation_id = operation.get("operationId")
            if not isinstance(operation_id, str) or not _SNAKE_NAME.match(operation_id):
                raise SpecError(child(pointer, "operationId"), "operationId must be snake_case")
            if operation_id in seen:
                raise SpecError(
                    child(pointer, "operationId"),
                    f"duplicate operationId {operation_id!r} (also at {seen[operation_id]})",
                )
            seen[operation_id] = pointer
            # An operation's parameter replaces a path item's one of the same name and location.
            params = {**shared, **_parameters(document, operation, pointer)}
            responses, other_answers = _responses(document, operation, pointer, parser)
            path_params = _path_params(path, params, pointer, parser)
            query_params = _query_params(params, parser)
            body = _body(document, operation, pointer, parser)
            body_fields = (
                tuple(field.wire_name for field in models[body.name].fields)
                if isinstance(body, ModelRef)
                else None
            )
            operations.append(
                Operation(
                    operation_id=operation_id,
                    method=method.upper(),
                    path=path,
                    summary=_text(operation),
                    description=" ".join(str(operation.get("description", "")).split()),
                    path_params=path_params,
                    query_params=query_params,
                    body=body,
                    responses=responses,
                    other_answers=other_answers,
                    surface=surface(
                        operation,
                        pointer,
                        operation_id=operation_id,
                        path_params=tuple(param.name for param in path_params if not param.from_client),
                        query_params=tuple(param.wire_name for param in query_params),
                        body_fields=body_fields,
                    ),
                    records=records(
                        operation,
                        pointer,
                        body,
                        limits,
                        models=models,
                        responses=responses,
                        path_params=path_params,
                    ),
                )
            )
    check_kinds(operations)
    return operations


def _parameters(
    document: Mapping[str, Any], node: Mapping[str, Any], pointer: str
) -> dict[tuple[str, str], tuple[Mapping[str, Any], str]]:
    """(name, location) -> (parameter, pointer) of the ``parameters`` of a path item or an operation."""
    params_pointer = child(pointer, "parameters")
    params = node.get("parameters", [])
    if not isinstance(params, list):
        raise SpecError(params_pointer, "expected a list of parameters")
    found: dict[tuple[str, str], tuple[Mapping[str, Any], str]] = {}
    for index, param in enumerate(params):
        param_pointer = child(params_pointer, index)
        if isinstance(param, Mapping) and "$ref" in param:
            param = _resolve(document, param["$ref"], child(param_pointer, "$ref"))
        param = _mapping(param, param_pointer)
        for key in param:
            if key not in _PARAMETER_KEYS and not str(key).startswith("x-"):
                raise SpecError(child(param_pointer, str(key)), f"unsupported parameter key {key!r}")
        name, location = param.get("name"), param.get("in")
        if not isinstance(name, str) or not name:
            raise SpecError(child(param_pointer, "name"), "a parameter needs a name")
        if location not in ("path", "query"):
            raise SpecError(child(param_pointer, "in"), f"parameters in {location!r} are not supported")
        if (name, location) in found:
            raise SpecError(param_pointer, f"duplicate {location} parameter {name!r}")
        if "schema" not in param:
            raise SpecError(param_pointer, "a parameter needs a schema")
        found[(name, location)] = (param, param_pointer)
    return found


def _path_params(
    path: str,
    params: Mapping[tuple[str, str], tuple[Mapping[str, Any], str]],
    pointer: str,
    parser: _SchemaParser,
) -> tuple[PathParam, ...]:
    declared: dict[str, PathParam] = {}
    for (name, location), (param, param_pointer) in params.items():
        if location != "path":
            continue
        if not _is_field_name(name) or name in _RESERVED_ARGUMENTS:
            raise SpecError(child(param_pointer, "name"), f"path parameter name {name!r} is not usable")
        if param.get("required") is not True:
            raise SpecError(param_pointer, "a path parameter must be required: true")
        if param.get("style", "simple") != "simple" or param.get("explode", False) is not False:
            raise SpecError(param_pointer, "only style: simple, explode: false path parameters are supported")
        schema_type = parser.type(param["schema"], child(param_pointer, "schema"))
        if not isinstance(schema_type, Scalar) or schema_type.json_type != "string":
            raise SpecError(child(param_pointer, "schema"), "a path parameter must be a string")
        from_client = param.get("x-suprsend-from-client")
        if from_client not in (None, "workspace"):
            raise SpecError(child(param_pointer, "x-suprsend-from-client"), "only 'workspace' is supported")
        declared[name] = PathParam(name=name, type=schema_type, from_client=from_client is not None)
    in_path = re.findall(r"\{([^{}]*)\}", path)
    for name in in_path:
        if name not in declared:
            raise SpecError(pointer, f"path parameter {{{name}}} is not declared in parameters")
        if in_path.count(name) > 1:
            raise SpecError(pointer, f"path parameter {{{name}}} appears more than once in the path")
    for name in sorted(set(declared) - set(in_path)):
        raise SpecError(pointer, f"path parameter {name!r} does not appear in the path")
    return tuple(declared[name] for name in in_path)


def _query_params(
    params: Mapping[tuple[str, str], tuple[Mapping[str, Any], str]],
    parser: _SchemaParser,
) -> tuple[QueryParam, ...]:
    found: list[QueryParam] = []
    taken: dict[str, str] = {}
    for (name, location), (param, param_pointer) in params.items():
        if location != "query":
            continue
        if param.get("style", "form") != "form":
            raise SpecError(child(param_pointer, "style"), "only style: form query parameters are supported")
        if param.get("explode", True) is not True:
            raise SpecError(
                child(param_pointer, "explode"), "only explode: true query parameters are supported"
            )
        schema_pointer = child(param_pointer, "schema")
        schema_type = parser.type(param["schema"], schema_pointer)
        if isinstance(schema_type, ArrayOf):
            item = schema_type.items
        elif isinstance(schema_type, Scalar):
            item = schema_type
        else:
            raise SpecError(schema_pointer, "a query parameter must be a scalar or an array of scalars")
        if not isinstance(item, Scalar) or item.json_type == "null":
            raise SpecError(schema_pointer, "a query parameter must be a scalar or an array of scalars")
        py_name = parser.field_name(name, param, param_pointer)
        if not _is_field_name(py_name):
            raise SpecError(child(param_pointer, "name"), f"{py_name!r} is not usable as a Python name")
        if py_name in taken:
            raise SpecError(param_pointer, f"Python name {py_name!r} is already used by {taken[py_name]}")
        taken[py_name] = f"query parameter {name!r}"
        required = param.get("required", False)
        if not isinstance(required, bool):
            raise SpecError(child(param_pointer, "required"), "required must be true or false")
        clamp = param.get("x-suprsend-clamp", False)
        if not isinstance(clamp, bool):
            raise SpecError(child(param_pointer, "x-suprsend-clamp"), "expected true or false")
        default = param["schema"].get("default") if isinstance(param["schema"], Mapping) else None
        if clamp and default is None:
            raise SpecError(child(param_pointer, "x-suprsend-clamp"), "a clamped parameter needs a default")
        found.append(
            QueryParam(
                wire_name=name,
                py_name=py_name,
                type=schema_type,
                required=required,
                description=_text(param),
                clamp=clamp,
                default=default,
            )
        )
    return tuple(found)


def _body(
    document: Mapping[str, Any], operation: Mapping[str, Any], pointer: str, parser: _SchemaParser
) -> TypeExpr | None:
    if "requestBody" not in operation:
        return None
    body_pointer = child(pointer, "requestBody")
    body = operation["requestBody"]
    if isinstance(body, Mapping) and "$ref" in body:
        body = _resolve(document, body["$ref"], child(body_pointer, "$ref"))
    content = _mapping(_mapping(body, body_pointer).get("content", {}), child(body_pointer, "content"))
    for media_type in content:
        if media_type != "application/json":
            raise SpecError(child(body_pointer, "content", media_type), "only application/json bodies")
    if "application/json" not in content:
        raise SpecError(child(body_pointer, "content"), "expected an application/json body")
    media_pointer = child(body_pointer, "content", "application/json")
    media = _mapping(content["application/json"], media_pointer)
    return parser.type(media.get("schema", {}), child(media_pointer, "schema"))


def _responses(
    document: Mapping[str, Any], operation: Mapping[str, Any], pointer: str, parser: _SchemaParser
) -> tuple[tuple[SuccessResponse, ...], tuple[TypeExpr, ...]]:
    """The 2xx answers, and the JSON schemas of the others."""
    responses_pointer = child(pointer, "responses")
    found: list[SuccessResponse] = []
    others: list[TypeExpr] = []
    for code, response in _mapping(operation.get("responses", {}), responses_pointer).items():
        response_pointer = child(responses_pointer, str(code))
        text = str(code)
        if text == "2XX":
            raise SpecError(response_pointer, "the 2XX range is not supported; list each 2xx status")
        if not _STATUS_CODE.match(text) and text != "default" and text not in _OTHER_RANGES:
            raise SpecError(response_pointer, f"{code!r} is not a status code, a range or 'default'")
        if isinstance(response, Mapping) and "$ref" in response:
            response = _resolve(document, response["$ref"], child(response_pointer, "$ref"))
        response = _mapping(response, response_pointer)
        content = _mapping(response.get("content", {}), child(response_pointer, "content"))
        kind: ResponseKind = "empty"
        expr: TypeExpr | None = None
        for media_type, media in content.items():
            media_pointer = child(response_pointer, "content", str(media_type))
            if media_type == "application/json":
                kind = "json"
                expr = parser.type(
                    _mapping(media, media_pointer).get("schema", {}), child(media_pointer, "schema")
                )
            elif media_type in ("text/plain", "*/*"):
                kind = "text" if kind == "empty" else kind
            else:
                raise SpecError(media_pointer, f"unsupported response media type {media_type!r}")
        if text.startswith("2"):
            found.append(SuccessResponse(status=int(text), kind=kind, type=expr))
        elif expr is not None:
            others.append(expr)
    if not found:
        raise SpecError(responses_pointer, "an operation needs at least one 2xx response")
    return tuple(found), tuple(others)


def _limits(document: Mapping[str, Any]) -> list[Limit]:
    pointer = "#/x-suprsend-limits"
    limits = []
    for name, value in _mapping(document.get("x-suprsend-limits", {}), pointer).items():
        if not isinstance(name, str) or not _SNAKE_NAME.match(name):
            raise SpecError(child(pointer, str(name)), "a limit name must be snake_case")
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise SpecError(child(pointer, name), "a limit must be a non-negative integer")
        limits.append(Limit(name=name.upper(), value=value))
    return limits
