"""The README's shell walkthrough of ``suprsend-typed``, run as a user runs it: the sandbox command started,
its printed ``export`` lines applied, then every ``bash`` block that runs ``suprsend-typed``, in order, in
one directory (later blocks read the files earlier ones wrote)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

from support.printed_sandbox import printed_sandbox, shell_environment

ROOT = Path(__file__).resolve().parents[2]
BASH_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)
# Blocks that drive other tools (make, a recorded pytest run) are not the command-line walkthrough.
OTHER_TOOLS = ("make ", "pytest")
BLOCK_TIMEOUT_S = 600


def walkthrough_blocks() -> list[str]:
    blocks = BASH_BLOCK.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    return [b for b in blocks if "suprsend-typed " in b and not any(tool in b for tool in OTHER_TOOLS)]


def test_the_readme_has_a_command_line_walkthrough() -> None:
    blocks = walkthrough_blocks()
    assert len(blocks) >= 4
    assert any("send events" in block for block in blocks)
    assert any("users get" in block for block in blocks)


def test_every_command_line_block_runs_against_the_printed_sandbox(tmp_path: Path) -> None:
    with printed_sandbox() as printed:
        environment = shell_environment(printed, str(tmp_path))
        # `suprsend-typed` as installed next to this interpreter, first on PATH as in an activated venv.
        environment["PATH"] = os.pathsep.join((str(Path(sys.executable).parent), environment.get("PATH", "")))
        outputs = []
        for number, block in enumerate(walkthrough_blocks(), 1):
            done = subprocess.run(
                ["bash", "-e", "-o", "pipefail", "-c", block],
                cwd=tmp_path,
                env=environment,
                capture_output=True,
                text=True,
                timeout=BLOCK_TIMEOUT_S,
                check=False,
            )
            assert done.returncode == 0, f"README bash block {number} failed:\n{block}\n{done.stderr}"
            outputs.append(done.stdout)
        with urllib.request.urlopen(f"{printed['SUPRSEND_BASE_URL']}_sandbox/counts") as answer:
            counts = json.load(answer)
        with urllib.request.urlopen(
            f"{printed['SUPRSEND_BASE_URL']}_sandbox/requests?outcome=rejected"
        ) as answer:
            rejected = [(row["method"], row["path"], row["status"]) for row in json.load(answer)]

    assert "exit code 1" in outputs[-1]  # the walkthrough's 404, as its comment says
    assert json.loads(outputs[-1].splitlines()[0])["distinct_id"] == "user-1"
    assert (tmp_path / "messages.jsonl").read_text(encoding="utf-8").strip()
    assert rejected == [("GET", "/v1/user/no-such-user/", 404)]  # nothing else refused, no credentials
    assert counts["rejected"] == 0
    assert counts["accepted"] > 10_000
