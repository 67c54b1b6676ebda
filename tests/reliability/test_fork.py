"""A client used on both sides of ``os.fork()`` never shares a connection between the two processes.

Gunicorn, Celery's prefork pool and multiprocessing all fork after the client is made. Pooled sockets
inherited by the child are the parent's connections: when both send on one, each may read the other's
answer (a ``success=True`` result carrying the other process's ``message_id``, raw response bytes, signature
mismatches, read timeouts). The child must open connections of its own.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable

import pytest

from suprsend_typed._client import Suprsend
from suprsend_typed._event import Event
from suprsend_typed._http import Timeout
from suprsend_typed._workflow import WorkflowTriggerRequest
from suprsend_typed.sandbox import Sandbox
from tests.core.loopback import LoopbackServer

from .scenarios import WORKSPACE_KEY, WORKSPACE_SECRET

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs os.fork")

CHILD_OK, CHILD_FAILED = 0, 1
TRIGGERS_PER_PROCESS = 60
THREADS = 4  # per process, so that both processes use several pooled connections at once
TIMEOUT = Timeout(connect=2.0, read=5.0)


def fork_child(body: Callable[[], bool]) -> int:
    """Fork; the child runs ``body()`` and exits at once (0 when it returned True); returns its pid."""
    pid = os.fork()
    if pid == 0:  # the child: never return into pytest
        code = CHILD_FAILED
        try:
            code = CHILD_OK if body() else CHILD_FAILED
        finally:
            os._exit(code)
    return pid


def exit_code(pid: int) -> int:
    _, status = os.waitpid(pid, 0)
    return os.waitstatus_to_exitcode(status)


def test_a_forked_child_opens_its_own_connection() -> None:
    server = LoopbackServer()
    try:
        client = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, server.base_url, timeout=TIMEOUT)
        assert client.track_event(Event("u-parent", "warmed_up"))["success"]  # a pooled connection now

        child = fork_child(lambda: bool(client.track_event(Event("u-child", "forked"))["success"]))
        assert exit_code(child) == CHILD_OK

        assert client.track_event(Event("u-parent", "after_fork"))["success"]
        parent_port, child_port, parent_again = (got.client_port for got in server.received)
        assert child_port != parent_port  # the child did not write into the parent's connection
        assert parent_again == parent_port  # and the parent still has its own
    finally:
        server.close()


def trigger_many(client: Suprsend, who: str, count: int = TRIGGERS_PER_PROCESS // THREADS) -> list[str]:
    """Trigger ``count`` workflows; the message ids, or a failure description for each."""
    seen = []
    for n in range(count):
        request = WorkflowTriggerRequest(body={"workflow": "w", "recipients": [f"{who}-{n}"], "data": {}})
        result = client.workflows.trigger(request)
        seen.append(str(result["message"]) if result["success"] else f"failed: {result}")
    return seen


def in_threads(client: Suprsend, who: str) -> list[str]:
    """``TRIGGERS_PER_PROCESS`` triggers over ``THREADS`` threads, which fill the pool with connections."""
    seen: list[list[str]] = [[] for _ in range(THREADS)]

    def run(number: int) -> None:
        seen[number] = trigger_many(client, f"{who}{number}")

    threads = [threading.Thread(target=run, args=(number,)) for number in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return [message for each in seen for message in each]


def test_parent_and_child_sending_at_once_each_get_their_own_answers(sandbox: Sandbox) -> None:
    """Both processes send concurrently through a client whose pool was filled before the fork; every
    answer is a success with a message id of its own, and the hub accepted each record exactly once."""
    client = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, sandbox.url, timeout=TIMEOUT, max_retries=0)
    in_threads(client, "warm")
    sandbox.reset()
    read_end, write_end = os.pipe()

    def child() -> bool:
        os.close(read_end)
        with os.fdopen(write_end, "w") as out:
            json.dump(in_threads(client, "child"), out)
        return True

    pid = fork_child(child)
    os.close(write_end)
    parent_ids = in_threads(client, "parent")
    with os.fdopen(read_end) as received:
        child_ids = json.load(received)
    assert exit_code(pid) == CHILD_OK
    failures = [seen for seen in parent_ids + child_ids if seen.startswith("failed")]
    assert failures == []
    assert len(set(parent_ids) | set(child_ids)) == 2 * TRIGGERS_PER_PROCESS  # nobody got another's answer
    assert sandbox.counts()["accepted"] == 2 * TRIGGERS_PER_PROCESS
