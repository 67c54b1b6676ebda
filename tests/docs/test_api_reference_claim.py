"""The README says docs/api.md lists the generated methods and names, in one paragraph, the methods that
build on them: every public method of a client namespace missing from api.md, and every public method of
the client itself, must be named there, so a new hand-written method cannot go undocumented."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from suprsend_typed import Suprsend
from suprsend_typed._generated.namespaces import NAMESPACES

ROOT = Path(__file__).resolve().parents[2]
PARAGRAPH_START = "[`docs/api.md`](docs/api.md) lists"
SECTION = re.compile(r"^## client\.(\w+)\n(.*?)(?=^## |\Z)", re.S | re.M)


def readme_paragraph() -> str:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    start = readme.index(PARAGRAPH_START)
    return readme[start : readme.index("\n\n", start)]


def listed_in_api_reference() -> dict[str, set[str]]:
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    # The sync client's sections (`## client.<namespace>`; the async ones are `### ... (async)`).
    return {
        namespace: set(re.findall(r"^\| `(\w+)\(", body, re.M)) for namespace, body in SECTION.findall(text)
    }


def _public_methods(value: object) -> set[str]:
    return {name for name in dir(value) if not name.startswith("_") and callable(getattr(value, name))}


def test_the_readme_says_api_md_lists_generated_methods_only() -> None:
    paragraph = readme_paragraph()
    assert "every method generated from the spec" in paragraph
    assert "every namespace and method with" not in paragraph


@pytest.mark.parametrize("namespace", NAMESPACES)
def test_every_namespace_method_is_in_api_md_or_named_in_the_readme(namespace: str) -> None:
    client = Suprsend("workspace_key", "workspace_secret")
    listed = listed_in_api_reference()[namespace]
    paragraph = readme_paragraph()

    unnamed = sorted(
        name
        for name in _public_methods(getattr(client, namespace)) - listed
        if f"`{namespace}.{name}`" not in paragraph
    )

    assert unnamed == [], f"client.{namespace}: neither in docs/api.md nor in the README's list: {unnamed}"
    client.close()


def test_every_client_method_is_named_in_the_readme() -> None:
    client = Suprsend("workspace_key", "workspace_secret")
    paragraph = readme_paragraph()
    namespaces = set(NAMESPACES)

    unnamed = sorted(
        name
        for name in _public_methods(client) - namespaces
        if f"`{name}`" not in paragraph and name not in ("with_workspace_api_key", "workspace_identifier")
    )

    assert unnamed == []
    client.close()
