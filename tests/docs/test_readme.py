"""Every Python block of README.md runs, in order, against a sandbox hub, so the docs cannot drift."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from suprsend_typed.sandbox import Sandbox

ROOT = Path(__file__).resolve().parents[2]
BLOCK = re.compile(r"^```python\n(.*?)^```", re.S | re.M)

# The credentials the README's snippets use, accepted by the sandbox they run against.
README_KEY, README_SECRET = "workspace_key", "workspace_secret"
README_UID, README_API_KEY = "workspace_uid", "api_key"


def readme_blocks() -> list[str]:
    return BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))


def test_readme_has_python_blocks() -> None:
    assert len(readme_blocks()) >= 10


def test_every_readme_block_runs_against_the_sandbox(monkeypatch: pytest.MonkeyPatch) -> None:
    with Sandbox(
        workspace_key=README_KEY,
        workspace_secret=README_SECRET,
        workspace_uid=README_UID,
        api_keys=[README_API_KEY],
    ) as hub:
        monkeypatch.setenv("SUPRSEND_BASE_URL", hub.url)
        monkeypatch.chdir(ROOT)
        namespace: dict[str, object] = {"__name__": "readme"}
        for number, block in enumerate(readme_blocks(), 1):
            try:
                exec(compile(block, f"README.md python block {number}", "exec"), namespace)
            except Exception as exc:  # name the failing block, keep the original traceback
                raise AssertionError(f"README python block {number} failed: {exc!r}\n{block}") from exc
        counts = hub.counts()
    assert counts["rejected"] == 0
    assert counts["requests_rejected"] == 0
    assert counts["accepted"] > 0
