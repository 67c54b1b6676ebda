"""Every bad input of the second reliability review gets a typed error at the boundary, before anything is
sent, and a bulk never keeps half of a call: ``append`` is all or nothing, a stream reports a bad record and
goes on, and a closed client sends nothing more."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from suprsend_typed import ClientClosedError
from suprsend_typed._client import Suprsend
from suprsend_typed._context import WireContext, WireRecord
from suprsend_typed._errors import SuprsendConfigError, ValidationError
from suprsend_typed._event import Event
from suprsend_typed._http import Request, Response
from suprsend_typed._middleware import Handler
from suprsend_typed.sandbox import Sandbox

from .scenarios import WORKSPACE_KEY, WORKSPACE_SECRET

HUGE_INT = 10**5000  # more digits than Python converts to text by default


class ExplodingEvent(Event):
    """An event whose conversion fails with an error no validation foresaw."""

    def _to_wire(self, ctx: WireContext) -> WireRecord:
        raise RuntimeError("conversion bug")


def _good(n: int) -> Event:
    return Event(f"user-{n}", "order_placed", {"n": n})


def _sent_numbers(sandbox: Sandbox) -> list[int]:
    return sorted(record["body"]["properties"]["n"] for record in sandbox.records(kind="event"))


def test_append_keeps_nothing_of_a_call_in_which_one_item_raised(sandbox: Sandbox) -> None:
    bulk = sandbox.client().bulk_events.new_instance()
    with pytest.raises(RuntimeError, match="conversion bug"):
        bulk.append(_good(0), _good(1), ExplodingEvent("user-x", "order_placed"), _good(3))
    bulk.append(_good(4))
    response = bulk.trigger()
    assert (response.total, response.success) == (1, 1)
    assert _sent_numbers(sandbox) == [4]


def test_an_integer_key_too_long_to_write_is_one_failed_record_of_an_append(sandbox: Sandbox) -> None:
    bulk = sandbox.client().bulk_events.new_instance()
    bulk.append(_good(0), _good(1), Event("user-2", "order_placed", {"n": 2, "m": {HUGE_INT: 1}}), _good(3))
    response = bulk.trigger()
    assert (response.total, response.success, response.failure) == (4, 3, 1)
    (failed,) = response.failed_records
    assert failed["code"] == 400 and "too long to write" in failed["error"]
    assert _sent_numbers(sandbox) == [0, 1, 3]


def test_an_integer_key_too_long_to_write_is_a_validation_error_of_a_single_call(sandbox: Sandbox) -> None:
    with pytest.raises(ValidationError, match="too long to write"):
        sandbox.client().track_event(Event("user-1", "order_placed", {HUGE_INT: 1}))
    assert sandbox.requests() == []


@pytest.mark.parametrize(
    "bad",
    [
        (Event("user-2", "order_placed", {"n": 2, HUGE_INT: 1}), "too long to write"),
        (ExplodingEvent("user-2", "order_placed"), "item 2: conversion bug"),
    ],
    ids=["huge-int-key", "conversion-bug"],
)
@pytest.mark.parametrize("concurrency", [1, 3])
def test_a_stream_reports_a_record_it_cannot_convert_and_goes_on(
    sandbox: Sandbox, bad: tuple[Event, str], concurrency: int
) -> None:
    item, reason = bad

    def items() -> Iterator[Event]:
        yield from (_good(n) for n in range(2))
        yield item
        yield from (_good(n) for n in range(3, 250))

    response = sandbox.client().bulk_events.stream(items(), concurrency=concurrency)
    assert (response.total, response.success, response.failure) == (250, 249, 1)
    (failed,) = response.failed_records
    assert failed["code"] == 400 and reason in failed["error"]
    assert _sent_numbers(sandbox) == [n for n in range(250) if n != 2]


@pytest.mark.parametrize("source", ["abc", b"abc", bytearray(b"abc")])
def test_text_or_bytes_is_not_a_record_source(sandbox: Sandbox, source: object) -> None:
    with pytest.raises(TypeError, match="iterable of Event items"):
        sandbox.client().bulk_events.stream(source)  # type: ignore[arg-type]
    assert sandbox.requests() == []


@pytest.mark.parametrize(
    "base_url", ["https://hub.example.com/\r\nX: 1", "https://hub example.com/", "https://h\x00/"]
)
def test_a_base_url_with_whitespace_or_control_characters_is_refused_at_construction(base_url: str) -> None:
    with pytest.raises(SuprsendConfigError, match="whitespace or control characters"):
        Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url=base_url)


@pytest.mark.parametrize(
    ("name", "value"),
    [("X-Trace", "a\r\nInjected: 1"), ("X-Trace", "a\nb"), ("X-Trace", "a\x00"), ("X Trace", "a")],
)
def test_a_middleware_header_that_would_break_the_header_block_is_a_typed_error(
    sandbox: Sandbox, name: str, value: str
) -> None:
    def add_header(request: Request, call_next: Handler) -> Response:
        return call_next(request.with_headers({name: value}))

    client = sandbox.client(middleware=[add_header])
    with pytest.raises(ValidationError) as info:
        client.track_event(_good(1))
    assert info.value.path.startswith("headers")
    assert sandbox.requests() == []


def test_a_closed_client_and_its_copies_send_nothing_more(sandbox: Sandbox) -> None:
    client = sandbox.client()
    copy = client.with_options(max_retries=0)
    client.close()
    with pytest.raises(ClientClosedError) as closed:
        client.track_event(_good(1))
    assert not str(closed.value).startswith("[code:")  # nothing was sent: no HTTP code
    with pytest.raises(ClientClosedError):
        copy.track_event(_good(2))
    with pytest.raises(ClientClosedError):
        client.bulk_events.stream([_good(3)])
    bulk = client.bulk_events.new_instance()
    bulk.append(_good(4))
    with pytest.raises(ClientClosedError):
        bulk.trigger()
    assert sandbox.requests() == []


def test_closing_a_copy_closes_only_the_copy(sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        with client.with_options(max_retries=0) as copy:
            assert copy.track_event(_good(1))["success"]
        with pytest.raises(ClientClosedError):
            copy.track_event(_good(2))
        assert client.track_event(_good(3))["success"]
