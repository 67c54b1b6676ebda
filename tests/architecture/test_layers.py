"""The package's import layers, checked on the source (the contract in docs/ARCHITECTURE.md).

Every ``import`` counts: module level, inside ``if TYPE_CHECKING:`` and inside functions, since each is a
dependency a reader (and a refactoring) must respect. So does a lazy import by name
(``importlib.import_module``, ``__import__``): a constant name is that module; a name built from a constant
prefix (``f".endpoints_{namespace}"``) is every module of that family; a lookup in a module-level dict of
constant names is each of them. A lazy import whose name the checker cannot read fails the test, so that
no dependency hides behind a computed string. From the bottom up:

- core: the hand-written request machinery and schema runtime; imports only core;
- generated: ``_generated.*``; imports core and generated;
- sdk: the official SDK's builders, results and bulk machinery, and the pure builder forms; imports core,
  generated and sdk, never the client or anything above;
- surface: the resource classes and namespace mixins, generated (``_generated.resources``,
  ``_generated.async_resources``, ``_generated.namespaces``, ``_generated.async_namespaces``) and hand
  (``resources``, ``async_resources``); a generated method may take an sdk builder, so they sit above it;
- top: the client, the package face, sandbox, replay, the pytest plugin and the command line; imports
  anything below, and another top unit only where ``TOP_ALLOWED`` says so.

Every module must be placed in a layer: a new module fails this test until it is. And no module may
reach itself through its imports (an import cycle), neither in the package nor in the generator
(``codegen/``): a cycle is a pair of modules neither of which can be read, tested or moved alone.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

import suprsend_typed

PACKAGE = "suprsend_typed"
ROOT = Path(suprsend_typed.__file__).parent
CODEGEN = "codegen"
CODEGEN_ROOT = Path(__file__).resolve().parents[2] / CODEGEN

CORE = frozenset(
    {
        "_types",
        "_http",
        "_transport",
        "_middleware",
        "_errors",
        "_error_base",
        "_json",
        "_wire_keys",
        "_context",
        "_models",
        "_schema_kinds",
        "_valid_compiler",
        "_model_methods",
        "_model_mapping",
        "_urllib3_transport",
        # urllib3 connections that write a request's head and body at once (the default transport's).
        "_one_write_connections",
        "_plain_head_response",
        # The deadline and size cap of an answer, shared by every transport.
        "_response_limits",
        "_signing",
        "_headers",
        "_retry",
        "_logging",
        "_config",
        # Credentials -> the signing layer, shared by both clients' constructors.
        "_client_auth",
        "_operation",
        "_base_client",
        "_arguments",
        "_pages",
        "_resource",
        "_status_result",
        "_paths",
        "_version",
        "_field_redaction",
        "_key_hints",
        "_profile_checks",
        # The official SDK's raw signed call: the one request path with a caller-given route.
        "_raw_request",
        # The async request path: transport protocol, default transport, chain, core, pages, resources.
        "_async_transport",
        "_aiohttp_transport",
        "_async_middleware",
        "_async_retry",
        "_async_base_client",
        "_async_pages",
        "_async_resource",
        # The sync chain an async client's background senders send through.
        "_thread_chain",
    }
)
GENERATED_PACKAGES = frozenset({"_generated"})
SDK = frozenset(
    {
        "_seed_calls",
        "_results",
        "_attachments",
        "_workflow",
        "_event",
        "_profile",
        # Checks recipients' $ keys against the generated channel models, so it sits above them.
        "_dollar_keys",
        "_broadcast",
        "_object_edit",
        # The builder forms of generated methods: builder -> one call (codegen/customisations.py).
        "_builder_forms",
        # AsyncSuprsend.background(): a background sender that owns its sync chain's transport.
        "_async_background",
    }
)
# _background: the background sender, queue and outbox over the bulk machinery and a RequestCore.
SDK_PACKAGES = frozenset({"_bulk", "_background"})
# The client's resources and namespace mixins; generated ones are named by their module below _generated.
SURFACE_PACKAGES = frozenset({"resources", "async_resources"})
GENERATED_SURFACE = frozenset({"resources", "async_resources", "namespaces", "async_namespaces"})
# A top unit is a module or a whole package; units import each other only along these edges.
TOP_ALLOWED: dict[str, frozenset[str]] = {
    "_client": frozenset(),
    # The async client shares the sync client's settings and identity.
    "_async_client": frozenset({"_client"}),
    # The package face re-exports the client and, lazily, ReplayTransport.
    "__init__": frozenset({"_client", "_async_client", "replay"}),
    "__main__": frozenset({"cli"}),
    # A replay transport can build the client it records for.
    "replay": frozenset({"_client", "_async_client"}),
    # The sandbox hands out a client configured for itself.
    "sandbox": frozenset({"_client"}),
    # The plugin's fixtures are a sandbox, a replay transport and clients for them.
    "pytest_plugin": frozenset({"_client", "_async_client", "replay", "sandbox"}),
    # The command line sends with a client and runs the sandbox (`suprsend-typed sandbox`).
    "cli": frozenset({"_client", "sandbox"}),
}

LAYER_RANK = {"core": 0, "generated": 1, "sdk": 2, "surface": 3, "top": 4}


def module_name(path: Path, root: Path = ROOT, package: str = PACKAGE) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join([package, *parts])


def all_modules(root: Path = ROOT, package: str = PACKAGE) -> dict[str, Path]:
    return {module_name(path, root, package): path for path in sorted(root.rglob("*.py"))}


MODULES = all_modules()
CODEGEN_MODULES = all_modules(CODEGEN_ROOT, CODEGEN)


def unit_of(module: str) -> str:
    """The first name below the package (``_bulk.sender`` -> ``_bulk``); the package itself: ``__init__``."""
    rest = module[len(PACKAGE) + 1 :]
    return rest.split(".")[0] if rest else "__init__"


def layer_of(module: str) -> str | None:
    unit = unit_of(module)
    below = module[len(PACKAGE) + 1 :].split(".")
    if unit in SURFACE_PACKAGES or (
        unit in GENERATED_PACKAGES and below[1:2] and below[1] in GENERATED_SURFACE
    ):
        return "surface"
    if unit in CORE:
        return "core"
    if unit in GENERATED_PACKAGES:
        return "generated"
    if unit in SDK or unit in SDK_PACKAGES:
        return "sdk"
    if unit in TOP_ALLOWED:
        return "top"
    return None


def resolve(name: str, modules: Mapping[str, Path] = MODULES) -> str:
    """The module an imported name lives in: ``suprsend_typed.Event`` is the package face itself."""
    while name not in modules and "." in name:
        name = name.rsplit(".", 1)[0]
    return name


class UnreadableImportError(Exception):
    """A lazy import whose module name the checker cannot tell from the source."""


_LAZY_IMPORTERS = frozenset({"import_module", "__import__"})


def _module_constants(tree: ast.Module) -> tuple[dict[str, str], dict[str, list[str]]]:
    """The module-level names bound to a constant string, and to a dict of constant strings (its values)."""
    strings: dict[str, str] = {}
    tables: dict[str, list[str]] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target, value = node.targets[0], node.value
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            target, value = node.target, node.value
        else:
            continue
        if not isinstance(target, ast.Name):
            continue
        text = _text(value)
        if text is not None:
            strings[target.id] = text
        elif isinstance(value, ast.Dict):
            texts = [_text(item) for item in value.values]
            if all(text is not None for text in texts):
                tables[target.id] = [text for text in texts if text is not None]
    return strings, tables


def _text(expr: ast.expr) -> str | None:
    return expr.value if isinstance(expr, ast.Constant) and isinstance(expr.value, str) else None


def _name(expr: ast.expr) -> str:
    return expr.id if isinstance(expr, ast.Name) else ""


def _is_lazy_import(call: ast.Call) -> bool:
    func = call.func
    if isinstance(func, ast.Attribute):
        return func.attr == "import_module" and _name(func.value) == "importlib"
    return isinstance(func, ast.Name) and func.id in _LAZY_IMPORTERS


def _names_of(
    expr: ast.expr, names: Mapping[str, str], tables: Mapping[str, list[str]]
) -> list[tuple[str, bool]] | None:
    """(text, exact) for each module name ``expr`` can be; not exact: ``text`` is only a prefix.
    None when the source does not say."""
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [(expr.value, True)]
    if isinstance(expr, ast.Name) and expr.id in names:
        return [(names[expr.id], True)]
    table = None
    if isinstance(expr, ast.Subscript) and isinstance(expr.value, ast.Name):
        table = tables.get(expr.value.id)
    elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "get":
        owner = expr.func.value
        table = tables.get(owner.id) if isinstance(owner, ast.Name) else None
    if table is not None:
        return [(value, True) for value in table]
    if isinstance(expr, ast.JoinedStr):
        prefix = ""
        for part in expr.values:
            if isinstance(part, ast.Constant) and isinstance(part.value, str):
                prefix += part.value
            elif isinstance(part, ast.FormattedValue) and _name(part.value) in names:
                prefix += names[_name(part.value)]
            else:
                return [(prefix, False)]
        return [(prefix, True)]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, (ast.Add, ast.Mod)):
        left = _text(expr.left)
        if left is not None:
            return [(left if isinstance(expr.op, ast.Add) else left.split("%")[0], False)]
    if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute) and expr.func.attr == "format":
        template = _text(expr.func.value)
        if template is not None:
            return [(template.split("{")[0], False)]
    return None


def _argument(call: ast.Call, position: int, keyword: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((item.value for item in call.keywords if item.arg == keyword), None)


def lazy_imports_of(
    module: str, tree: ast.Module, is_package: bool, path: Path, modules: Mapping[str, Path]
) -> Iterator[tuple[int, str]]:
    """(line, module of ``modules``) for every module a lazy import by name may load."""
    here = module if is_package else module.rpartition(".")[0]
    names, tables = _module_constants(tree)
    names = {**names, "__package__": here, "__name__": module}
    for node in ast.walk(tree):
        if not (isinstance(node, ast.Call) and _is_lazy_import(node)):
            continue
        where = f"{path}:{node.lineno}"
        first = _argument(node, 0, "name")
        found = None if first is None else _names_of(first, names, tables)
        # A prefix of dots alone names no family: it would stand for every module of a package.
        if found is None or any(not exact and not text.strip(".") for text, exact in found):
            raise UnreadableImportError(f"{where}: name the imported module by a constant or constant prefix")
        if isinstance(node.func, ast.Name) and node.func.id == "__import__":
            level = _argument(node, 4, "level")
            dots = level.value if isinstance(level, ast.Constant) and isinstance(level.value, int) else 0
            anchor: str | None = here
            found = [("." * dots + text, exact) for text, exact in found]
        else:
            given = _argument(node, 1, "package")
            package_names = None if given is None else _names_of(given, names, tables)
            anchor = package_names[0][0] if package_names and package_names[0][1] else None
        for text, exact in found:
            if text.startswith("."):
                if anchor is None:
                    raise UnreadableImportError(f"{where}: a relative lazy import needs a readable package")
                dots = len(text) - len(text.lstrip("."))
                base = anchor.split(".")[: len(anchor.split(".")) - (dots - 1)]
                text = ".".join(base) + "." + text[dots:] if text[dots:] or not exact else ".".join(base)
            if exact:
                if resolve(text, modules) in modules:
                    yield node.lineno, resolve(text, modules)
            else:
                for other in modules:
                    if other.startswith(text):
                        yield node.lineno, other


def imports_of(
    module: str, path: Path, package: str = PACKAGE, modules: Mapping[str, Path] = MODULES
) -> Iterator[tuple[int, str]]:
    """(line, imported module of ``package``) for every import statement anywhere in the file, and every
    module a lazy import by name may load."""
    is_package = path.name == "__init__.py"
    here = module.split(".") if is_package else module.split(".")[:-1]
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name == package or alias.name.startswith(package + "."):
                    yield node.lineno, resolve(alias.name, modules)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - (node.level - 1)]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            if target != package and not target.startswith(package + "."):
                continue
            for alias in node.names:
                # `from . import _json` names a module; `from . import Event` names something in the face.
                yield node.lineno, resolve(f"{target}.{alias.name}", modules)
    for line, imported in lazy_imports_of(module, tree, is_package, path, modules):
        if imported == package or imported.startswith(package + "."):
            yield line, imported


def violation(importer: str, imported: str) -> str | None:
    """Why ``importer`` may not import ``imported``, or None when the layers allow it."""
    mine, theirs = layer_of(importer), layer_of(imported)
    assert mine is not None and theirs is not None
    unit, other = unit_of(importer), unit_of(imported)
    if mine == "top" and theirs == "top":
        if unit == other or other in TOP_ALLOWED[unit]:
            return None
        return f"top unit {unit!r} may import only {sorted(TOP_ALLOWED[unit])} of the top layer"
    if LAYER_RANK[theirs] > LAYER_RANK[mine]:
        return f"the {mine} layer may not import the {theirs} layer"
    return None


def test_every_module_has_a_layer() -> None:
    unplaced = sorted(name for name in MODULES if layer_of(name) is None)
    assert not unplaced, f"place these modules in a layer in {Path(__file__).name}: {unplaced}"


def test_allowances_name_top_units() -> None:
    for unit, allowed in TOP_ALLOWED.items():
        assert allowed <= TOP_ALLOWED.keys() - {unit}, f"{unit}: {sorted(allowed)}"


@pytest.mark.parametrize("layer", sorted(LAYER_RANK))
def test_layer_imports(layer: str) -> None:
    problems = []
    for module, path in MODULES.items():
        if layer_of(module) != layer:
            continue
        for line, imported in imports_of(module, path):
            why = violation(module, imported)
            if why is not None:
                rel = path.relative_to(ROOT.parent)
                problems.append(f"{rel}:{line}: {module} imports {imported}: {why}")
    assert not problems, "layer contract broken:\n" + "\n".join(problems)


def test_checker_sees_type_checking_and_function_imports(tmp_path: Path) -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n"
        "    from .._client import Suprsend\n"
        "def later() -> None:\n"
        "    from ..cli import main\n"
    )
    probe = tmp_path / "probe.py"
    probe.write_text(source, encoding="utf-8")
    module = f"{PACKAGE}._bulk.probe"
    found = sorted(imports_of(module, probe))
    assert found == [(3, f"{PACKAGE}._client"), (5, f"{PACKAGE}.cli.main")]
    assert [violation(module, imported) for _, imported in found] == [
        "the sdk layer may not import the top layer",
        "the sdk layer may not import the top layer",
    ]


def import_graph(package: str, modules: Mapping[str, Path]) -> dict[str, set[str]]:
    """Module -> the other modules of ``package`` it imports, by any import statement anywhere."""
    return {
        module: {imported for _, imported in imports_of(module, path, package, modules) if imported != module}
        for module, path in modules.items()
    }


def cycles(graph: Mapping[str, set[str]]) -> list[list[str]]:
    """The groups of two or more modules that import each other, directly or around a loop (Tarjan)."""
    order: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(module: str) -> None:
        order[module] = low[module] = len(order)
        stack.append(module)
        for imported in sorted(graph.get(module, ())):
            if imported not in order:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in stack:
                low[module] = min(low[module], order[imported])
        if low[module] == order[module]:
            group = [stack.pop()]
            while group[-1] != module:
                group.append(stack.pop())
            if len(group) > 1:
                found.append(sorted(group))

    for module in sorted(graph):
        if module not in order:
            visit(module)
    return sorted(found)


@pytest.mark.parametrize(
    ("package", "modules"), [(PACKAGE, MODULES), (CODEGEN, CODEGEN_MODULES)], ids=[PACKAGE, CODEGEN]
)
def test_no_import_cycles(package: str, modules: dict[str, Path]) -> None:
    found = cycles(import_graph(package, modules))
    assert not found, "import cycles (each group imports itself around a loop):\n" + "\n".join(
        " <-> ".join(group) for group in found
    )


def test_cycle_check_counts_type_checking_and_function_imports(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.b import B\n", encoding="utf-8"
    )
    (tmp_path / "b.py").write_text("def later() -> None:\n    from . import c\n", encoding="utf-8")
    (tmp_path / "c.py").write_text("import pkg.a\n", encoding="utf-8")
    (tmp_path / "d.py").write_text("from . import c\n", encoding="utf-8")
    modules = all_modules(tmp_path, "pkg")
    assert cycles(import_graph("pkg", modules)) == [["pkg.a", "pkg.b", "pkg.c"]]


def test_cycle_check_counts_lazy_imports_by_name(tmp_path: Path) -> None:
    # The face loads its family (part_*) by a constant prefix and one member imports the face back: a
    # cycle. A module outside the family importing the face is none; names in a dict and __import__ count.
    (tmp_path / "__init__.py").write_text("", encoding="utf-8")
    (tmp_path / "face.py").write_text(
        "import importlib\n"
        "def __getattr__(name: str) -> object:\n"
        '    return importlib.import_module(f".part_{name}", __package__)\n',
        encoding="utf-8",
    )
    (tmp_path / "part_one.py").write_text("from .face import thing\n", encoding="utf-8")
    (tmp_path / "part_two.py").write_text("", encoding="utf-8")
    (tmp_path / "helpers.py").write_text("from . import face\n", encoding="utf-8")
    (tmp_path / "table.py").write_text(
        '_WHERE = {"A": ".named", "B": "pkg.other"}\n'
        "def load(name: str) -> object:\n"
        "    import importlib\n"
        "    return importlib.import_module(_WHERE[name], __package__)\n",
        encoding="utf-8",
    )
    (tmp_path / "named.py").write_text("__import__('pkg.table')\n", encoding="utf-8")
    (tmp_path / "other.py").write_text("", encoding="utf-8")
    modules = all_modules(tmp_path, "pkg")
    graph = import_graph("pkg", modules)
    assert graph["pkg.face"] == {"pkg.part_one", "pkg.part_two"}
    assert graph["pkg.table"] == {"pkg.named", "pkg.other"}
    assert graph["pkg.named"] == {"pkg.table"}
    assert cycles(graph) == [["pkg.face", "pkg.part_one"], ["pkg.named", "pkg.table"]]


def test_table_lookup_with_a_constant_package(tmp_path: Path) -> None:
    (tmp_path / "__init__.py").write_text(
        'import importlib\n_WHERE = {"A": ".a"}\n'
        "def __getattr__(name: str) -> object:\n"
        "    return importlib.import_module(_WHERE.get(name, '.a'), __name__)\n",
        encoding="utf-8",
    )
    (tmp_path / "a.py").write_text("import pkg\n", encoding="utf-8")
    assert cycles(import_graph("pkg", all_modules(tmp_path, "pkg"))) == [["pkg", "pkg.a"]]


@pytest.mark.parametrize(
    "call",
    [
        "importlib.import_module(name)",
        "importlib.import_module(f'{name}.x')",
        "importlib.import_module('.x', package)",
        "importlib.import_module(f'.{name}', __package__)",
        "__import__(name)",
    ],
)
def test_a_lazy_import_the_checker_cannot_read_fails(tmp_path: Path, call: str) -> None:
    (tmp_path / "m.py").write_text(
        f"import importlib\ndef load(name: str, package: str) -> object:\n    return {call}\n",
        encoding="utf-8",
    )
    with pytest.raises(UnreadableImportError, match=r"m\.py:3: "):
        import_graph("pkg", all_modules(tmp_path, "pkg"))
