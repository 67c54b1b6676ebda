"""RetryMiddleware: what is retried, how long it waits, and what the caller gets when retries run out."""

from __future__ import annotations

import email.utils
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suprsend_typed._errors import (
    APIConnectionError,
    APITimeoutError,
    ResponseTooLargeError,
    SuprsendConfigError,
)
from suprsend_typed._http import CallOptions, Headers, Request, Response
from suprsend_typed._middleware import compose
from suprsend_typed._retry import (
    MAX_RETRY_AFTER,
    MAX_RETRY_DELAY,
    RETRY_COUNT_HEADER,
    RetryMiddleware,
    backoff_delay,
    retry_after_seconds,
    retry_delay,
)
from tests.support.budget import examples

from .fakes import ScriptedTransport, SleepRecorder, response

NOW = 1_798_761_600.0  # 2027-01-01T00:00:00Z


def make_request(**options: object) -> Request:
    return Request(
        method="POST",
        url="https://hub.example.test/v1/workflow_run/",
        content=b'{"$idempotency_key": "k"}',
        options=CallOptions(**options),  # type: ignore[arg-type]
    )


def run(
    outcomes: list[Response | Exception], *, client_retries: int = 2, **options: object
) -> tuple[Response, ScriptedTransport, SleepRecorder]:
    transport = ScriptedTransport(outcomes)
    sleep = SleepRecorder()
    middleware = RetryMiddleware(
        max_retries=client_retries, sleep=sleep, random=lambda: 0.0, clock=lambda: NOW
    )
    result = middleware(make_request(**options), transport)
    return result, transport, sleep


@pytest.mark.parametrize("status", [408, 409, 429, 500, 502, 503, 504, 599])
def test_retryable_status_is_retried_until_success(status: int) -> None:
    result, transport, sleep = run([response(status), response(status), response(202)])
    assert result.status_code == 202
    assert len(transport.sent) == 3
    assert sleep.delays == [0.5, 1.0]


@pytest.mark.parametrize("status", [200, 202, 301, 400, 401, 403, 404, 413, 422])
def test_other_status_is_returned_at_once(status: int) -> None:
    result, transport, sleep = run([response(status)])
    assert result.status_code == status
    assert len(transport.sent) == 1
    assert sleep.delays == []


def test_every_attempt_carries_its_retry_count() -> None:
    _, transport, _ = run([response(500), APIConnectionError(), response(200)])
    assert [r.headers[RETRY_COUNT_HEADER] for r in transport.sent] == ["0", "1", "2"]


def test_attempts_keep_method_url_body_and_options() -> None:
    _, transport, _ = run([response(503), response(200)])
    first, second = transport.sent
    assert (first.method, first.url, first.content, first.options) == (
        second.method,
        second.url,
        second.content,
        second.options,
    )


def test_last_error_response_is_returned_when_retries_run_out() -> None:
    last = response(503, content=b'{"message": "still down"}')
    result, transport, sleep = run([response(500), response(502), last])
    assert result is last
    assert len(transport.sent) == 3
    assert len(sleep.delays) == 2


@pytest.mark.parametrize("error", [APIConnectionError("refused"), APITimeoutError("read timed out")])
def test_last_connection_error_is_raised_when_retries_run_out(error: APIConnectionError) -> None:
    with pytest.raises(type(error)) as raised:
        run([APIConnectionError("first"), APITimeoutError("second"), error])
    assert raised.value is error


def test_connection_errors_and_timeouts_are_retried() -> None:
    result, transport, _ = run([APIConnectionError(), APITimeoutError(), response(200)])
    assert result.status_code == 200
    assert len(transport.sent) == 3


def test_other_exceptions_propagate_without_retry() -> None:
    transport = ScriptedTransport([RuntimeError("bug"), response(200)])
    with pytest.raises(RuntimeError):
        RetryMiddleware(sleep=SleepRecorder())(make_request(), transport)
    assert len(transport.sent) == 1


@pytest.mark.parametrize("first", [response(500), APIConnectionError(), APITimeoutError()])
def test_request_without_dedupe_key_is_never_retried(first: Response | Exception) -> None:
    transport = ScriptedTransport([first, response(200)])
    sleep = SleepRecorder()
    middleware = RetryMiddleware(max_retries=5, sleep=sleep)
    request = make_request(retryable=False, max_retries=5)
    if isinstance(first, Exception):
        with pytest.raises(type(first)):
            middleware(request, transport)
    else:
        assert middleware(request, transport) is first
    assert len(transport.sent) == 1
    assert sleep.delays == []


def test_x_should_retry_true_retries_a_status_that_is_otherwise_final() -> None:
    result, transport, _ = run([response(400, {"x-should-retry": "true"}), response(200)])
    assert result.status_code == 200
    assert len(transport.sent) == 2


def test_x_should_retry_false_stops_retrying_a_5xx() -> None:
    result, transport, _ = run([response(503, {"X-Should-Retry": "False"}), response(200)])
    assert result.status_code == 503
    assert len(transport.sent) == 1


def test_x_should_retry_true_never_retries_a_success() -> None:
    result, transport, _ = run([response(200, {"x-should-retry": "true"}), response(201)])
    assert result.status_code == 200
    assert len(transport.sent) == 1


def test_x_should_retry_cannot_override_retryable_false() -> None:
    result, transport, _ = run([response(500, {"x-should-retry": "true"}), response(200)], retryable=False)
    assert result.status_code == 500
    assert len(transport.sent) == 1


@pytest.mark.parametrize(("per_call", "expected_sends"), [(0, 1), (1, 2), (4, 5)])
def test_per_call_max_retries_overrides_the_client_default(per_call: int, expected_sends: int) -> None:
    result, transport, _ = run([response(500)] * 6, client_retries=2, max_retries=per_call)
    assert result.status_code == 500
    assert len(transport.sent) == expected_sends


def test_client_default_applies_when_the_call_sets_none() -> None:
    _, transport, _ = run([response(500)] * 6, client_retries=3)
    assert len(transport.sent) == 4


@pytest.mark.parametrize("bad", [-1, 1.5, True, "2"])
def test_invalid_max_retries_is_a_config_error(bad: object) -> None:
    with pytest.raises(SuprsendConfigError, match="max_retries"):
        RetryMiddleware(max_retries=bad)  # type: ignore[arg-type]


def test_invalid_per_call_max_retries_is_refused_before_sending() -> None:
    transport = ScriptedTransport([response(200)])
    with pytest.raises(SuprsendConfigError, match="CallOptions.max_retries"):
        RetryMiddleware()(make_request(max_retries=-1), transport)
    assert transport.sent == []


# --- delays -------------------------------------------------------------------------------------------


def test_backoff_doubles_from_half_a_second_up_to_eight() -> None:
    assert [backoff_delay(n, 0.0) for n in range(7)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]


def test_backoff_jitter_shortens_by_at_most_a_quarter() -> None:
    assert backoff_delay(0, 1.0) == pytest.approx(0.375)
    assert backoff_delay(1, 0.5) == pytest.approx(0.875)


def test_backoff_survives_absurd_retry_counts() -> None:
    assert backoff_delay(10**9, 0.0) == MAX_RETRY_DELAY


@given(retry_index=st.integers(min_value=0, max_value=10**6), jitter=st.floats(0.0, 1.0, exclude_max=True))
@settings(max_examples=examples(60))
def test_backoff_stays_within_the_documented_bounds(retry_index: int, jitter: float) -> None:
    base = min(0.5 * 2.0 ** min(retry_index, 1000), MAX_RETRY_DELAY)
    assert 0.75 * base <= backoff_delay(retry_index, jitter) <= base


def _date_in(seconds: float) -> str:
    return email.utils.formatdate(NOW + seconds, usegmt=True)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "60"}, 60.0),
        ({"Retry-After": "2"}, 2.0),
        ({"retry-after": "0.25"}, 0.25),
        ({"retry-after-ms": "1500"}, 1.5),
        ({"retry-after-ms": "10", "retry-after": "30"}, 0.01),
        ({"retry-after": _date_in(20)}, 20.0),
        # Outside 0 < value <= 60, or unreadable: the backoff for retry 0 (0.5 s with no jitter).
        ({"retry-after": "0"}, 0.5),
        ({"retry-after": "-10"}, 0.5),
        ({"retry-after": "61"}, 0.5),
        ({"retry-after": "1e400"}, 0.5),
        ({"retry-after": "nan"}, 0.5),
        ({"retry-after": "Fri, 99 Foo 2026 99:99:99 GMT"}, 0.5),
        ({"retry-after": "soon"}, 0.5),
        ({"retry-after": _date_in(-5)}, 0.5),
        ({"retry-after": _date_in(3600)}, 0.5),
        ({"retry-after-ms": "-1"}, 0.5),
        ({"retry-after-ms": "120000"}, 0.5),
        ({}, 0.5),
    ],
)
def test_retry_after_is_honoured_only_within_sixty_seconds(headers: dict[str, str], expected: float) -> None:
    assert retry_delay(0, Headers(headers), now=NOW, jitter=0.0) == pytest.approx(expected)


def test_retry_after_reads_an_http_date_against_the_injected_clock() -> None:
    assert retry_after_seconds(Headers({"retry-after": _date_in(7)}), now=NOW) == pytest.approx(7.0)


@given(
    ms=st.one_of(st.none(), st.text(max_size=30)),
    seconds=st.one_of(st.none(), st.text(max_size=40)),
    retry_index=st.integers(0, 50),
)
@settings(max_examples=examples(50))
def test_any_header_text_gives_a_delay_between_zero_and_the_cap(
    ms: str | None, seconds: str | None, retry_index: int
) -> None:
    pairs = [(n, v) for n, v in (("retry-after-ms", ms), ("retry-after", seconds)) if v is not None]
    delay = retry_delay(retry_index, Headers(pairs), now=NOW, jitter=0.5)
    assert 0.0 <= delay <= MAX_RETRY_AFTER


def test_429_waits_what_retry_after_asks() -> None:
    result, _, sleep = run([response(429, {"Retry-After": "3"}), response(200)])
    assert result.status_code == 200
    assert sleep.delays == [3.0]


def test_connection_error_retries_use_backoff() -> None:
    _, _, sleep = run(
        [APIConnectionError(), APITimeoutError(), APIConnectionError(), response(200)], client_retries=3
    )
    assert sleep.delays == [0.5, 1.0, 2.0]


# --- the chain is re-entered per attempt ----------------------------------------------------------------


def test_layers_inside_retry_run_once_per_attempt_with_a_fresh_clock_reading() -> None:
    """A stand-in for auth stamps ``Date`` from a clock per call: each attempt must get its own stamp."""
    readings = iter([NOW, NOW + 1, NOW + 2])

    def stamp_date(request: Request, call_next: Callable[[Request], Response]) -> Response:
        return call_next(request.with_headers({"Date": email.utils.formatdate(next(readings), usegmt=True)}))

    transport = ScriptedTransport([response(500), APITimeoutError(), response(202)])
    chain = compose([RetryMiddleware(sleep=SleepRecorder()), stamp_date], transport)
    assert chain(make_request()).status_code == 202
    assert [r.headers["Date"] for r in transport.sent] == [
        email.utils.formatdate(NOW + offset, usegmt=True) for offset in (0, 1, 2)
    ]


def test_a_read_timeout_then_a_refused_connection_leaves_the_outcome_unknown() -> None:
    """The first attempt may have been processed; the refusal of the second does not undo that."""
    refused = APIConnectionError("refused", outcome_unknown=False)
    with pytest.raises(APIConnectionError) as raised:
        run([APITimeoutError("read timed out", outcome_unknown=True), refused], client_retries=1)
    assert raised.value is refused
    assert raised.value.outcome_unknown


def test_a_lost_answer_two_attempts_back_still_marks_the_final_answer_unknown() -> None:
    refused = APIConnectionError("refused", outcome_unknown=False)
    last, _, _ = run([APITimeoutError("read timed out"), refused, response(503)])
    assert last.status_code == 503 and last.outcome_unknown


def test_refusals_only_are_a_certain_failure() -> None:
    refused = APIConnectionError("refused", outcome_unknown=False)
    with pytest.raises(APIConnectionError) as raised:
        run([APIConnectionError("refused", outcome_unknown=False), refused], client_retries=1)
    assert not raised.value.outcome_unknown


def test_an_answer_over_the_size_cap_is_not_fetched_again() -> None:
    too_large = ResponseTooLargeError("the answer is larger than the cap", limit=1024)
    with pytest.raises(ResponseTooLargeError) as raised:
        run([too_large, response(200)])
    assert raised.value is too_large and raised.value.outcome_unknown
