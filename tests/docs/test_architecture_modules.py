"""docs/ARCHITECTURE.md names every module of the packages it maps file by file (cli/, sandbox/, replay/,
_background/), so a new module cannot go unmentioned."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "src" / "suprsend_typed"
# sandbox/handlers/ is described by its pattern: handlers/<namespace>.py, one per namespace.
MAPPED = ("cli", "sandbox", "replay", "_background")


def modules() -> list[str]:
    return sorted(
        str(path.relative_to(PACKAGE))
        for package in MAPPED
        for path in (PACKAGE / package).glob("*.py")
        if path.name != "__init__.py"
    )


@pytest.mark.parametrize("module", modules())
def test_the_architecture_document_names_the_module(module: str) -> None:
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text(encoding="utf-8")
    assert Path(module).name in text, f"docs/ARCHITECTURE.md does not mention {module}"
