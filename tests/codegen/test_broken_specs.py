"""Every spec in ``broken_specs/`` fails as its first line says: ``# expect exit <code>: <pointer>: <text>``.

A new way to get the spec wrong (a surface extension misused, a schema keyword refused) is one small YAML
file there; nothing is written for any of them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from codegen.__main__ import main

BROKEN = Path(__file__).parent / "broken_specs"
EXPECT = re.compile(r"^# expect exit (?P<code>\d+): (?P<pointer>#\S*): (?P<text>.+)$")


def _expectation(spec: Path) -> tuple[int, str, str]:
    first = spec.read_text(encoding="utf-8").splitlines()[0]
    found = EXPECT.match(first)
    assert found, f"{spec.name}: the first line must read '# expect exit <code>: <pointer>: <text>'"
    return int(found["code"]), found["pointer"], found["text"]


@pytest.mark.parametrize("spec", sorted(BROKEN.glob("*.yaml")), ids=lambda path: path.stem)
def test_a_broken_spec_exits_with_its_code_and_message(spec: Path, tmp_path: Path, capsys: Any) -> None:
    code, pointer, text = _expectation(spec)
    out = tmp_path / "pkg"
    assert main(["--spec", str(spec), "--out", str(out), "--docs", str(tmp_path / "api.md")]) == code
    printed = capsys.readouterr()
    assert printed.out == ""
    assert printed.err.startswith(f"codegen: error in {spec}: {pointer}: {text}"), printed.err
    assert not out.exists() and not (tmp_path / "api.md").exists()


def test_the_folder_misuses_every_surface_extension() -> None:
    pointers = [_expectation(spec)[1] for spec in BROKEN.glob("*.yaml")]
    for key in (
        "tags",
        "x-suprsend-method",
        "x-suprsend-retry",
        "x-suprsend-pagination",
        "x-suprsend-result",
        "x-suprsend-positional",
        "x-suprsend-empty-shortcut",
        "x-suprsend-clamp",
        "x-suprsend-from-client",
        "x-suprsend-records",
    ):
        assert any(f"/{key}" in pointer for pointer in pointers), f"no broken spec points at {key}"
