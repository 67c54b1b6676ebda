"""A bulk send stops every thread when it must: Ctrl-C ends retries in flight, and a 401 seen by a helper
thread stops the other helpers from taking new chunks.

The hub is the shared ``FakeTransport``; which thread sends a chunk decides its answer, so the tests do not
depend on which thread takes which chunk.
"""

from __future__ import annotations

import threading

import pytest
from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET

from suprsend_typed import BulkAuthenticationError, BulkInterruptedError
from suprsend_typed._client import Suprsend
from suprsend_typed._event import Event
from suprsend_typed._generated.limits import MAX_EVENTS_PER_BULK
from suprsend_typed._http import Request, Response
from tests.core.fakes import FakeTransport, reply

BASE_URL = "http://127.0.0.1:9/"
# Generous waits for another thread: they only run out when the code under test is broken.
WAIT_SECONDS = 10.0
BULK_THREAD_PREFIX = "suprsend-bulk-"


def _events(chunks: int) -> list[Event]:
    return [Event(f"user-{n}", "order_placed", {"n": n}) for n in range(chunks * MAX_EVENTS_PER_BULK)]


def _join_bulk_threads() -> None:
    for thread in threading.enumerate():
        if thread.name.startswith(BULK_THREAD_PREFIX) and thread is not threading.current_thread():
            thread.join(WAIT_SECONDS)


def test_ctrl_c_ends_the_retries_of_chunks_in_flight_on_other_threads() -> None:
    caller = threading.get_ident()
    helper_waiting = threading.Event()  # a helper got a 503 and waits to retry
    release = threading.Event()  # lets it go on, once the send was interrupted
    helper_attempts: list[Request] = []

    def answer(request: Request) -> Response:
        if threading.get_ident() == caller:
            assert helper_waiting.wait(WAIT_SECONDS), "no helper thread got its chunk"
            raise KeyboardInterrupt  # Ctrl-C while the calling thread sends its chunk
        helper_attempts.append(request)
        return reply(503, {"message": "busy"})

    def sleep(seconds: float) -> None:  # only the helper retries: the caller was interrupted first
        helper_waiting.set()
        release.wait(WAIT_SECONDS)

    transport = FakeTransport(answer=answer)
    client = Suprsend(
        WORKSPACE_KEY, WORKSPACE_SECRET, base_url=BASE_URL, transport=transport, max_retries=3, sleep=sleep
    )
    bulk = client.bulk_events.new_instance()
    bulk.append(*_events(2))
    with pytest.raises(BulkInterruptedError):
        bulk.trigger(concurrency=2)
    release.set()
    _join_bulk_threads()
    assert len(helper_attempts) == 1  # the retry it was waiting for was never made


def test_a_401_on_a_helper_thread_stops_the_other_threads_taking_chunks() -> None:
    caller = threading.get_ident()
    concurrency = 3

    def answer(request: Request) -> Response:
        if threading.get_ident() == caller:
            _join_bulk_threads()  # the helpers go on alone while the calling thread holds its chunk
        return reply(401, {"message": "invalid signature"})

    transport = FakeTransport(answer=answer)
    client = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url=BASE_URL, transport=transport, max_retries=0)
    bulk = client.bulk_events.new_instance()
    bulk.append(*_events(10))
    with pytest.raises(BulkAuthenticationError):
        bulk.trigger(concurrency=concurrency)
    # Each thread sent at most the chunk it held when the first 401 came: none took another.
    assert len(transport.sent) <= concurrency
