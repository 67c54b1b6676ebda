"""A seed call answered 401 or 403 returns ``success=False`` (as the official SDK does) and logs one
WARNING per client naming the fix; further refusals of that client log nothing more."""

from __future__ import annotations

import logging

import pytest
from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET

from suprsend_typed._client import Suprsend
from suprsend_typed._event import Event
from tests.core.fakes import FakeTransport, reply

BASE_URL = "http://127.0.0.1:9/"
REFUSED = {"code": 401, "message": "signature mismatch"}


def _warnings(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [record.getMessage() for record in caplog.records if record.levelno == logging.WARNING]


@pytest.mark.parametrize("status", [401, 403])
def test_the_first_refusal_of_a_client_logs_one_warning_naming_the_fix(
    status: int, caplog: pytest.LogCaptureFixture
) -> None:
    hub = FakeTransport(default=reply(status, {**REFUSED, "code": status}))
    client = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, BASE_URL, transport=hub, max_retries=0)

    with caplog.at_level(logging.WARNING, logger="suprsend_typed"):
        results = [client.track_event(Event("user-1", "signed_up", {})) for _ in range(3)]

    assert [result["success"] for result in results] == [False, False, False]
    [warning] = _warnings(caplog)
    assert f"refused this client's credentials ({status} signature mismatch" in warning
    assert "SUPRSEND_WORKSPACE_KEY" in warning and "SUPRSEND_WORKSPACE_SECRET" in warning
    assert WORKSPACE_SECRET not in warning


def test_each_client_warns_once_and_a_success_warns_never(caplog: pytest.LogCaptureFixture) -> None:
    refusing = FakeTransport(default=reply(401, REFUSED))
    accepting = FakeTransport()
    clients = [
        Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, BASE_URL, transport=refusing, max_retries=0)
        for _ in range(2)
    ]
    good = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, BASE_URL, transport=accepting, max_retries=0)

    with caplog.at_level(logging.WARNING, logger="suprsend_typed"):
        for client in (*clients, *clients, good):
            client.track_event(Event("user-1", "signed_up", {}))

    assert len(_warnings(caplog)) == 2
