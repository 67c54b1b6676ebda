"""``mypy --strict`` rejects each of the sixteen deliberate mistakes of ``mistakes/integration.py``.

Every line marked ``# MISTAKE: <what>`` must get an error and no other line may, so the test also proves
that the rest of the script (the correct way to write the same integration) type-checks.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

SCRIPT = Path(__file__).parent / "mistakes" / "integration.py"
MARKER = "# MISTAKE:"
MISTAKES = 16
_ERROR_LINE = re.compile(r"^(?P<path>[^:]+):(?P<line>\d+): error: ")


def test_mypy_strict_reports_every_mistake_and_nothing_else() -> None:
    lines = SCRIPT.read_text(encoding="utf-8").splitlines()
    marked = {number for number, text in enumerate(lines, start=1) if MARKER in text}
    assert len(marked) == MISTAKES
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--hide-error-context", str(SCRIPT)],
        cwd=Path(__file__).parents[2],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    reported = {
        int(found["line"])
        for found in map(_ERROR_LINE.match, done.stdout.splitlines())
        if found is not None and Path(found["path"]).name == SCRIPT.name
    }
    assert done.returncode == 1, done.stdout + done.stderr
    assert sorted(marked - reported) == [], f"mistakes mypy missed:\n{done.stdout}"
    assert sorted(reported - marked) == [], f"errors on lines without a mistake:\n{done.stdout}"
