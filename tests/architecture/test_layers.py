"""The package's import layers, checked on the source (the contract in docs/ARCHITECTURE.md).

Every ``import`` counts: module level, inside ``if TYPE_CHECKING:`` and inside functions, since each is a
dependency a reader (and a refactoring) must respect. From the bottom up:

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
        # The deadline and size cap of an answer, shared by every transport.
        "_response_limits",
        "_signing",
        "_headers",
        "_retry",
        "_logging",
        "_config",
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


def imports_of(
    module: str, path: Path, package: str = PACKAGE, modules: Mapping[str, Path] = MODULES
) -> Iterator[tuple[int, str]]:
    """(line, imported module of ``package``) for every import statement anywhere in the file."""
    is_package = path.name == "__init__.py"
    here = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), filename=str(path))):
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
