"""Mistakes caught where they are made: timeouts when built, a number as a timeout, configuration errors
that do not look like server errors, and the size of a ``users.edit`` body before it is sent."""

from __future__ import annotations

import math

import pytest

from suprsend_typed import InputValueError, Suprsend, SuprsendConfigError, Timeout
from suprsend_typed._event import Event
from suprsend_typed._generated.limits import MAX_IDENTITY_EVENT_APPARENT_BYTES

from .fakes import FakeTransport

SECRET = "WS-SECRET-VALUE"
WORKSPACE = "WKEY-0123456789abcdef"


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({"connect": -1}, "Timeout.connect must be more than 0 seconds"),
        ({"read": 0}, "Timeout.read must be more than 0 seconds"),
        ({"read": math.inf}, "Timeout.read must be more than 0 seconds"),
        ({"connect": math.nan}, "Timeout.connect must be more than 0 seconds"),
        ({"connect": "5"}, "Timeout.connect must be a number of seconds or None, got str '5'"),
        ({"read": True}, "Timeout.read must be a number of seconds or None, got bool True"),
    ],
)
def test_timeout_values_are_checked_when_built(arguments: dict[str, object], problem: str) -> None:
    with pytest.raises(SuprsendConfigError) as raised:
        Timeout(**arguments)  # type: ignore[arg-type]
    assert str(raised.value).startswith(problem)


def test_none_still_disables_a_timeout() -> None:
    assert Timeout(connect=None, read=None) == Timeout(connect=None, read=None)


def test_a_number_is_every_timeout_for_the_client_a_copy_and_one_call() -> None:
    transport = FakeTransport()
    client = Suprsend(WORKSPACE, SECRET, transport=transport, timeout=5)
    client.track_event(Event("u1", "signed_up"))
    client.with_options(timeout=2).track_event(Event("u1", "signed_up"))
    client.track_event(Event("u1", "signed_up"), timeout=0.5)
    assert transport.timeouts == [
        Timeout(connect=5, read=5, total=5),  # a number bounds the whole attempt too
        Timeout(connect=2, read=2, total=2),
        Timeout(connect=0.5, read=0.5, total=0.5),
    ]


@pytest.mark.parametrize("value", [-5, "5", (1, 2), True])
def test_a_timeout_that_is_not_a_positive_number_or_timeout_is_refused(value: object) -> None:
    with pytest.raises(SuprsendConfigError, match="^timeout "):
        Suprsend(WORKSPACE, SECRET, transport=FakeTransport(), timeout=value)  # type: ignore[arg-type]


def test_configuration_errors_carry_no_http_code(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SUPRSEND_WORKSPACE_KEY", raising=False)
    with pytest.raises(SuprsendConfigError) as raised:
        Suprsend(None, SECRET)
    assert str(raised.value) == (
        "Missing workspace_key: pass workspace_key=... to the client or set SUPRSEND_WORKSPACE_KEY"
    )


def test_users_edit_refuses_a_body_over_the_limit_before_sending() -> None:
    transport = FakeTransport()
    client = Suprsend(WORKSPACE, SECRET, transport=transport)
    user = client.users.get_edit_instance("u1")
    user.set({"notes": "x" * MAX_IDENTITY_EVENT_APPARENT_BYTES})
    with pytest.raises(InputValueError, match="User edit size too big"):
        client.users.edit(user)
    with pytest.raises(InputValueError, match="User Event size too big"):
        client.users.async_edit(user)
    assert transport.sent == []
