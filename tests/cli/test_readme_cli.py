"""The shell blocks of README.md's command-line section run, in order, against the sandbox.

Each block runs in bash (``-e``, in one scratch folder, the virtualenv's commands first on ``PATH``) against
a freshly reset hub, and must end with every one of the section's 10,000 events accepted exactly once.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from suprsend_typed.cli import exit_codes

from .conftest import Cli

ROOT = Path(__file__).resolve().parents[2]
SECTION = re.compile(r"^## Sending files from the command line\n(.*?)^## ", re.S | re.M)
BASH_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)
README_EVENTS = 10_000
BLOCK_TIMEOUT_S = 180


def cli_blocks() -> list[str]:
    section = SECTION.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert section is not None
    return BASH_BLOCK.findall(section.group(1))


def test_the_readme_shows_a_large_send_a_resume_after_a_crash_and_a_sharded_send() -> None:
    large, resume, sharded = cli_blocks()
    assert "suprsend-typed send events events.jsonl --journal" in large
    assert "--signal=KILL" in resume and resume.count("--journal crash.journal") == 2
    assert "--shard" in sharded


def test_every_readme_cli_block_runs_against_the_sandbox(cli: Cli) -> None:
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    for number, block in enumerate(cli_blocks(), 1):
        cli.hub.reset()
        done = subprocess.run(
            ["bash", "-e", "-c", block],
            cwd=cli.workdir,
            env=cli.env(PATH=path),
            capture_output=True,
            text=True,
            timeout=BLOCK_TIMEOUT_S,
            check=False,
        )
        assert done.returncode == 0, f"README cli block {number}:\n{block}\n{done.stderr}"
        counts = cli.hub.counts()
        assert counts["accepted"] == README_EVENTS, (number, counts, done.stderr)
        assert counts["rejected"] == counts["requests_rejected"] == 0


EXIT_CODE_TABLE = re.compile(r"^\| Exit code \| Meaning \|\n\|---\|---\|\n((?:\|.*\n)+)", re.M)


def test_the_readme_has_one_exit_code_table_with_exactly_the_commands_codes() -> None:
    """One table for every command (``send``, the operation commands), naming each code the CLI returns."""
    tables = EXIT_CODE_TABLE.findall((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(tables) == 1
    documented = [int(row.split("|")[1]) for row in tables[0].splitlines()]
    defined = [value for name, value in vars(exit_codes).items() if name.isupper() and isinstance(value, int)]
    assert sorted(documented) == sorted(defined)
