"""Import a generated package from any folder, as a subpackage of suprsend_typed (its relative imports
reach ``suprsend_typed._models`` and friends)."""

from __future__ import annotations

import importlib
import importlib.util
import itertools
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType

_serial = itertools.count()


@contextmanager
def imported_package(
    folder: Path, parts: tuple[str, ...] = ("models", "endpoints", "limits")
) -> Iterator[dict[str, ModuleType]]:
    """The package's modules named in ``parts`` (``resources.pets`` for a resource); removed from
    sys.modules afterwards."""
    name = f"suprsend_typed._generated_under_test_{next(_serial)}"
    spec = importlib.util.spec_from_file_location(
        name, folder / "__init__.py", submodule_search_locations=[str(folder)]
    )
    assert spec is not None and spec.loader is not None
    package = importlib.util.module_from_spec(spec)
    sys.modules[name] = package
    try:
        spec.loader.exec_module(package)
        yield {part: importlib.import_module(f"{name}.{part}") for part in parts}
    finally:
        for module_name in [key for key in sys.modules if key == name or key.startswith(name + ".")]:
            del sys.modules[module_name]
