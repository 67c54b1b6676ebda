"""Docstrings of every length come out as ruff format would lay them out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from codegen.pyexpr import LINE_LENGTH, docstring_lines

INDENT = "    "
# The longest text whose one-line docstring fits, then texts just too long for one line.
FITS = LINE_LENGTH - len(INDENT) - len('""""""')


def _text(length: int) -> str:
    return ("word " * length)[: length - 1] + "."


@pytest.mark.parametrize("length", [FITS, FITS + 1, FITS + 2, FITS + 3, FITS + 4, 2 * FITS])
def test_ruff_format_and_check_keep_the_docstring_as_it_is(length: int, tmp_path: Path) -> None:
    text = _text(length)
    assert len(text) == length
    lines = docstring_lines(text, INDENT)
    assert (len(lines) == 1) == (length <= FITS)
    source = tmp_path / "module.py"
    source.write_text('"""A module."""\n\n\ndef f() -> None:\n' + "\n".join(lines) + "\n", encoding="utf-8")
    before = source.read_text(encoding="utf-8")
    ruff = Path(sys.executable).parent / "ruff"
    config = ["--config", f"line-length = {LINE_LENGTH}"]
    formatted = subprocess.run([str(ruff), "format", *config, str(source)], capture_output=True, text=True)
    assert formatted.returncode == 0, formatted.stderr
    assert source.read_text(encoding="utf-8") == before
    checked = subprocess.run(
        [str(ruff), "check", "--no-cache", "--select", "E501", *config, str(source)],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout
