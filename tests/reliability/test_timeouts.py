"""A hung hub cannot hang the SDK: the default transport times out, and retries stay within a known bound."""

from __future__ import annotations

import time
from typing import Any

import attrs
import pytest

from suprsend_typed._client import Suprsend
from suprsend_typed._errors import APITimeoutError
from suprsend_typed._event import Event
from suprsend_typed._generated.models import WorkflowTrigger
from suprsend_typed._http import CallOptions, Headers, Request, Response, Timeout
from suprsend_typed._middleware import Handler, compose
from suprsend_typed._models import structure
from suprsend_typed._retry import RetryMiddleware
from suprsend_typed._urllib3_transport import Urllib3Transport
from suprsend_typed._workflow import WorkflowTriggerRequest

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


CLIENT_RETRIES = 1
BOUND = READ_TIMEOUT * (CLIENT_RETRIES + 1) + MARGIN


def hung_client(base_url: str, **options: Any) -> Suprsend:
    return Suprsend(
        "hung_workspace_key_00001", "hung-secret", base_url, max_retries=CLIENT_RETRIES, **options
    )


def test_typed_surface_raises_a_timeout_error_within_the_bound(retry_sleeps: list[float]) -> None:
    trigger = structure({"workflow": "welcome", "recipients": ["u1"], "data": {}}, WorkflowTrigger)
    with (
        never_answering_server() as base_url,
        hung_client(base_url, timeout=Timeout(read=READ_TIMEOUT), sleep=retry_sleeps.append) as client,
    ):
        started = time.monotonic()
        with pytest.raises(APITimeoutError):
            client.workflows.trigger(trigger)
        elapsed = time.monotonic() - started
    assert elapsed < BOUND
    assert len(retry_sleeps) == CLIENT_RETRIES


def test_seed_surface_returns_a_failure_within_the_bound(retry_sleeps: list[float]) -> None:
    request = WorkflowTriggerRequest({"workflow": "welcome", "recipients": ["u1"]})
    with (
        never_answering_server() as base_url,
        hung_client(base_url, timeout=Timeout(read=READ_TIMEOUT), sleep=retry_sleeps.append) as client,
    ):
        started = time.monotonic()
        result = client.workflows.trigger(request)
        elapsed = time.monotonic() - started
    assert elapsed < BOUND
    assert (result["success"], result["status_code"]) == (False, 500)
    assert "timed out" in result["message"]


def test_per_call_timeout_in_call_options_wins_over_the_client_timeout(retry_sleeps: list[float]) -> None:
    """The client's read timeout is the 30 s default; the call's options carry a short one."""

    def short_read_timeout(request: Request, call_next: Handler) -> Response:
        options = attrs.evolve(request.options, timeout=Timeout(read=READ_TIMEOUT))
        return call_next(attrs.evolve(request, options=options))

    event = Event("user-1", "order_placed")
    with (
        never_answering_server() as base_url,
        hung_client(base_url, middleware=[short_read_timeout], sleep=retry_sleeps.append) as client,
    ):
        started = time.monotonic()
        result = client.track_event(event)
        elapsed = time.monotonic() - started
    assert elapsed < BOUND
    assert result["success"] is False
