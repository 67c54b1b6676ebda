"""JSON on standard output: indented for a person at a terminal, one line for a pipe or a file."""

from __future__ import annotations

import json
import sys
from typing import Any, TextIO

INDENT = 2


def write_json(value: Any, stream: TextIO | None = None) -> None:
    out = sys.stdout if stream is None else stream
    indent = INDENT if out.isatty() else None
    out.write(json.dumps(value, indent=indent, ensure_ascii=False) + "\n")
    out.flush()
