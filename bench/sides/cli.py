"""The ``suprsend-typed`` command line, run in this process as the console script runs it."""

from __future__ import annotations

import contextlib
import io
import json
import tempfile
from pathlib import Path

from suprsend_typed.cli.main import main

from ..settings import WORKSPACE_KEY, WORKSPACE_SECRET
from ..workload import Outcome, Workload


def send_events_file(url: str, *, path: str, concurrency: int) -> Workload:
    """``suprsend-typed send events FILE --journal J --concurrency N --json``, with a fresh journal, so
    the journal's writes and fsyncs are part of what is measured."""
    journal = Path(tempfile.mkdtemp(prefix="bench-cli-")) / "send.journal"
    argv = ["send", "events", path, "--journal", str(journal), "--concurrency", str(concurrency), "--json"]
    argv += ["--workspace-key", WORKSPACE_KEY, "--workspace-secret", WORKSPACE_SECRET, "--base-url", url]
    argv.append("--no-progress")

    def run() -> Outcome:
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            code = main(argv)
        summary = json.loads(output.getvalue())
        if code not in (0, 1):
            raise RuntimeError(f"suprsend-typed exited with {code}: {summary}")
        journal.unlink()
        journal.parent.rmdir()
        return Outcome(total=summary["valid"] + summary["invalid"], success=summary["accepted"])

    return run
