"""The README's per-process sender for gunicorn (and any pre-fork server), run as written: the sender is made
at its first use in each process, never shared with a forked child, and closed by ``close_sender()``."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET

from suprsend_typed import BackgroundSender, Event, Suprsend
from suprsend_typed._http import Request, Response
from tests.core.fakes import FakeTransport, reply

ROOT = Path(__file__).resolve().parents[2]
MARKER = "# myapp/notifications.py"
WAIT = 10.0  # a bound for the child's flush on a loaded machine, never a measured time


def _accepted(request: Request) -> Response:
    return reply(207, {"records": [{"status": "success"}] * len(json.loads(request.content))})


def readme_pattern(client: Suprsend, folder: Path) -> dict[str, Any]:
    """The README block, executed; its outbox folder is moved to ``folder`` (the README names a server's)."""
    (block,) = [b for b in re.findall(r"^```python\n(.*?)^```", _readme(), re.S | re.M) if MARKER in b]
    namespace: dict[str, Any] = {"__name__": "readme", "supr_client": client, "Path": Path}
    exec(compile(block, "README.md gunicorn block", "exec"), namespace)
    written = namespace["open_sender"]
    namespace["open_sender"] = lambda client, _folder, slots: written(client, folder, slots)
    return namespace


def _readme() -> str:
    return (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_readme_keeps_no_sender_on_gunicorns_worker_object() -> None:
    assert "worker.suprsend" not in _readme()  # app code cannot reach gunicorn's worker


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")
def test_each_process_makes_its_own_sender_at_first_use_and_closes_it(tmp_path: Path) -> None:
    transport = FakeTransport(answer=_accepted)
    client = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, "http://127.0.0.1:9/", transport=transport)
    pattern = readme_pattern(client, tmp_path)
    parents: BackgroundSender = pattern["sender"]()  # made before the fork, as with gunicorn --preload
    assert pattern["sender"]() is parents
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = 1
        try:
            own = pattern["sender"]()
            own.track_event(Event("u-worker", "signed_up"))
            sent = own is not parents and own.flush(timeout=WAIT) and own.stats().sent == 1
            pattern["close_sender"]()
            code = 0 if sent and own.stats().pending == 0 else 2
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    # The child took the next free slot and freed it; the parent's sender is untouched, then closed.
    assert sorted(path.name for path in tmp_path.glob("outbox-*.db")) == ["outbox-0.db", "outbox-1.db"]
    parents.track_event(Event("u-master", "signed_up"))
    pattern["close_sender"]()
    assert parents.stats().sent == 1 and parents.stats().pending == 0
    client.close()
