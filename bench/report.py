"""The figures as rows of a table (target beside each figure), MISSED lines, and the JSON results file."""

from __future__ import annotations

import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import attrs

from .settings import REPO_ROOT

MET, MISSED, INFO, UNAVAILABLE = "met", "MISSED", "", "n/a"


def status(met: bool | None) -> str:
    return UNAVAILABLE if met is None else (MET if met else MISSED)


@attrs.frozen(kw_only=True)
class Row:
    """One line of the table: what is measured, ours, the reference, their paired ratio, and the target."""

    measure: str
    ours: str
    reference: str = ""
    ratio: str = ""
    target: str = ""
    status: str = INFO


@attrs.define(kw_only=True)
class Figure:
    key: str
    title: str
    rows: list[Row] = attrs.field(factory=list)
    data: dict[str, Any] = attrs.field(factory=dict)  # raw numbers for results.json
    notes: list[str] = attrs.field(factory=list)
    contended: bool = False
    profiles: list[str] = attrs.field(factory=list)  # summaries of the cProfiles taken for missed targets

    @property
    def missed(self) -> list[Row]:
        return [row for row in self.rows if row.status == MISSED]


_COLUMNS = ("measure", "ours", "reference", "ratio", "target", "status")


def render(figures: list[Figure]) -> str:
    table: list[tuple[str, ...]] = [("figure", *_COLUMNS)]
    for figure in figures:
        title = figure.title + (" *" if figure.contended else "")
        for index, row in enumerate(figure.rows):
            table.append((title if index == 0 else "", *(getattr(row, column) for column in _COLUMNS)))
    widths = [max(len(line[i]) for line in table) for i in range(len(table[0]))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)) for line in table]
    lines.insert(1, "  ".join("-" * width for width in widths))
    if any(figure.contended for figure in figures):
        lines.append("* measured under CPU contention from other processes (notes): re-measure when quiet")
    for figure in figures:
        for note in figure.notes:
            lines.append(f"note [{figure.title}]: {note}")
    for figure in figures:
        for row in figure.missed:
            lines.append(f"MISSED [{figure.title}] {row.measure}: {row.ours} vs target {row.target}")
        for summary in figure.profiles:
            lines.append(summary)
    return "\n".join(lines)


def write_json(
    figures: list[Figure],
    path: Path,
    *,
    mode: str,
    hub: str,
    elapsed_s: float,
    git: dict[str, object],
) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "mode": mode,
        "hub": hub,
        "elapsed_s": round(elapsed_s, 1),
        "python": sys.version.split()[0],
        "official_sdk": _installed_version("suprsend-py-sdk"),
        "git": git,
        "machine": {"platform": platform.platform(), "cpus": len(os.sched_getaffinity(0))},
        "figures": {
            figure.key: {
                "title": figure.title,
                "contended": figure.contended,
                "rows": [attrs.asdict(row) for row in figure.rows],
                "notes": figure.notes,
                "data": figure.data,
            }
            for figure in figures
        },
    }
    path.write_text(json.dumps(document, indent=1) + "\n")


def _installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def git_state() -> dict[str, object]:
    """The commit measured, and whether the SDK's sources differed from it (others edit while we run)."""

    def git(*args: str) -> str:
        done = subprocess.run(["git", *args], capture_output=True, text=True, cwd=REPO_ROOT, check=False)
        return done.stdout.strip()

    return {"head": git("rev-parse", "HEAD"), "src_modified": bool(git("status", "--porcelain", "--", "src"))}
