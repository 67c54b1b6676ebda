"""A hung hub cannot hang the SDK: the default transport times out, and retries stay within a known bound."""

from __future__ import annotations

import time

import pytest

from suprsend_typed._errors import APITimeoutError
from suprsend_typed._http import CallOptions, Headers, Request, Timeout
from suprsend_typed._middleware import compose
from suprsend_typed._retry import RetryMiddleware
from suprsend_typed._urllib3_transport import Urllib3Transport

from .hung_server import never_answering_server

READ_TIMEOUT = 0.3
CONNECT_TIMEOUT = 1.0
# Scheduling slack for a loaded CI machine; the bound is about behaviour (no hang), not speed.
MARGIN = 2.0


def test_defaults_turn_timeouts_on() -> None:
    default = Timeout()
    assert default.connect is not None and default.connect > 0
    assert default.read is not None and default.read > 0


def test_never_answering_server_gives_a_timeout_error_within_the_bound() -> None:
    transport = Urllib3Transport()
    sleeps: list[float] = []
    retries = 2
    retry = RetryMiddleware(max_retries=retries, sleep=sleeps.append)
    timeout = Timeout(connect=CONNECT_TIMEOUT, read=READ_TIMEOUT)
    chain = compose([retry], lambda request: transport.send(request, timeout=timeout))
    with never_answering_server() as base_url:
        request = Request(
            method="POST",
            url=base_url + "event/",
            headers=Headers({"Content-Type": "application/json"}),
            content=b'{"$insert_id": "x"}',
            options=CallOptions(max_retries=retries),
        )
        started = time.monotonic()
        with pytest.raises(APITimeoutError) as raised:
            chain(request)
        elapsed = time.monotonic() - started
    transport.close()
    assert len(sleeps) == retries  # every attempt timed out and was retried
    assert elapsed < READ_TIMEOUT * (retries + 1) + MARGIN
    assert "timed out" in str(raised.value)
