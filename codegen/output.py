"""Writing the package all at once, and comparing a fresh generation with what is committed."""

from __future__ import annotations

import difflib
import os
import shutil
import tempfile
from pathlib import Path

_IGNORED = ("__pycache__",)


def write_package(files: dict[str, str], out: Path) -> None:
    """Replace ``out`` with exactly ``files``: written to a sibling temp folder first, then swapped in.

    A failure before the swap leaves the old package untouched; the swap itself is two renames.
    """
    out = out.resolve()
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.new-", dir=out.parent))
    try:
        _write_files(files, staging)
        if out.exists():
            retired = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            os.replace(out, retired / out.name)
            os.replace(staging, out)
            shutil.rmtree(retired)
        else:
            os.replace(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging)


def _write_files(files: dict[str, str], folder: Path) -> None:
    for name, text in sorted(files.items()):
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(text.encode("utf-8"))


def stale_diff(files: dict[str, str], committed: Path) -> str:
    """A unified diff from ``committed`` to ``files``; empty when they are identical byte for byte."""
    present = {
        path.relative_to(committed).as_posix(): path
        for path in sorted(committed.rglob("*"))
        if path.is_file() and not any(part in _IGNORED for part in path.relative_to(committed).parts)
    }
    chunks: list[str] = []
    for name in sorted(set(present) | set(files)):
        old = present[name].read_text("utf-8") if name in present else ""
        new = files.get(name, "")
        if name not in files:
            chunks.append(f"not generated (delete it): {name}\n")
        if name not in present or name not in files or old != new:
            chunks += difflib.unified_diff(
                old.splitlines(keepends=True),
                new.splitlines(keepends=True),
                fromfile=f"committed/{name}" if name in present else "/dev/null",
                tofile=f"generated/{name}" if name in files else "/dev/null",
            )
    return "".join(chunks)
