"""Which generated module each model and operation lives in, so import time does not grow with the API.

A model used by the operations of one namespace only goes to ``models_<namespace>.py``; a model several
namespaces share (or an alias reaches) goes to ``shared_models.py``, which the namespace modules import.
Every operation's builder and parser go to ``endpoints_<namespace>.py``, which imports its helpers from
``endpoint_helpers.py``. ``models.py`` (which re-exports the shared models) and ``endpoints.py`` load the
namespace modules on first use of one of their names (a module ``__getattr__``), and re-export them for
type checkers, so ``models.User`` and ``endpoints.build_get_user`` work as if everything were in one
module. No namespace module imports its face back, so the faces' lazy imports make no cycle.
"""

from __future__ import annotations

import re

from .ir import AliasRef, Api, ArrayOf, MapOf, ModelRef, TypeExpr, UnionOf
from .pyexpr import INDENT

BASE = ""
# The module of the shared models when there are namespace modules (never ``models_<namespace>``).
SHARED_MODELS = "shared_models"
# The helpers every request builder and parser uses; ``endpoints.py`` and each ``endpoints_<namespace>.py``
# import them from here, so that no namespace module imports the face that loads it. The name lies outside
# the ``endpoints_`` family the face loads by prefix.
ENDPOINT_HELPERS = "endpoint_helpers"
ENDPOINT_HELPER_NAMES = ("_DEFAULT_OPTIONS", "_JSON_HEADERS", "_decode", "_named", "_url")


def _reach(roots: list[TypeExpr | None], api: Api) -> set[str]:
    fields = {model.name: [field.type for field in model.fields] + [model.extra] for model in api.models}
    alias_types = {alias.name: alias.type for alias in api.aliases}
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


def model_groups(api: Api) -> dict[str, str]:
    """Model name -> its namespace, or BASE when it is shared, reached from an alias, or from no operation."""
    users: dict[str, set[str]] = {model.name: set() for model in api.models}
    for operation in api.operations:
        namespace = operation.surface.namespace if operation.surface is not None else BASE
        roots = [operation.body, *(r.type for r in operation.responses), *operation.other_answers]
        for name in _reach(roots, api):
            users[name].add(namespace)
    for name in _reach([alias.type for alias in api.aliases], api):
        users[name].add(BASE)
    return {name: next(iter(spaces)) if len(spaces) == 1 else BASE for name, spaces in users.items()}


def operation_group(operation_namespace: str | None) -> str:
    return operation_namespace or BASE


def module_name(kind: str, group: str) -> str:
    return kind if group == BASE else f"{kind}_{group}"


def public_names(code: str) -> list[str]:
    """The public top-level names a generated module defines (classes, functions, constants)."""
    names = re.findall(r"^(?:class|def) ([A-Za-z]\w*)", code, flags=re.M)
    names += re.findall(r"^([A-Za-z]\w*)(?:: [^=\n]+)? = ", code, flags=re.M)
    seen: list[str] = []
    for name in names:
        if name not in seen:
            seen.append(name)
    return seen


def lazy_tail(
    kind: str, exported: dict[str, list[str]], *, reexport: bool, shared: tuple[str, list[str]] | None = None
) -> str:
    """What ends ``models.py`` / ``endpoints.py``: the lazy ``__getattr__`` and, with ``reexport``, the
    names again for type checkers (users write ``models.User``; hand code imports endpoint modules).
    ``shared`` (module, names) are loaded lazily too, so that importing the face defines no class.

    The face imports ``<kind>_<namespace>`` by a name with that constant prefix (and the shared module by
    its constant name), so that the import checker of tests/architecture sees which modules it loads."""
    groups = {group: names for group, names in exported.items() if names}
    if shared is not None and shared[1]:
        groups[BASE] = shared[1]
    if not groups:
        return ""
    modules = {group: module_name(kind, group) if group != BASE else SHARED_MODELS for group in groups}
    lines = ["", ""]
    if reexport:
        lines += ["if TYPE_CHECKING:"]
        for group in sorted(groups, key=modules.__getitem__):
            for name in sorted(groups[group], key=lambda name: (name.lower(), name)):
                lines.append(f"{INDENT}from .{modules[group]} import {name} as {name}")
        lines.append("")
    where = f"{kind}_<namespace>.py" + (f'; "": {SHARED_MODELS}.py' if BASE in groups else "")
    load = f'importlib.import_module(f".{kind}_{{namespace}}", __package__)'
    if BASE in groups:
        load_lines = [
            f"{INDENT}module = (",
            f"{INDENT * 2}{load}",
            f"{INDENT * 2}if namespace",
            f'{INDENT * 2}else importlib.import_module(".{SHARED_MODELS}", __package__)',
            f"{INDENT})",
        ]
    else:
        load_lines = [f"{INDENT}module = {load}"]
    lines += [
        f"# Each name and its namespace (the module {where}), loaded on first use.",
        "_LAZY: dict[str, str] = {",
        *(
            f'{INDENT}"{name}": "{group}",'
            for group in sorted(groups, key=modules.__getitem__)
            for name in groups[group]
        ),
        "}",
        "",
        "",
        "def __getattr__(name: str) -> Any:",
        f'{INDENT}"""A name of a module of this package, imported on first use (PEP 562) and kept here:',
        f'{INDENT}later reads (one per call of a seed method) are plain module attribute reads."""',
        f"{INDENT}namespace = _LAZY.get(name)",
        f"{INDENT}if namespace is None:",
        f'{INDENT * 2}raise AttributeError(f"module {{__name__!r}} has no attribute {{name!r}}")',
        *load_lines,
        f"{INDENT}value = getattr(module, name)",
        f"{INDENT}globals()[name] = value",
        f"{INDENT}return value",
    ]
    return "\n".join(lines)
