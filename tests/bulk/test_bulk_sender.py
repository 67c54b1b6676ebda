"""The sending core with a plain callable for the wire: every record accounted, under any mix of failures."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from suprsend_typed import _json
from suprsend_typed._bulk.outcome import per_record_outcome, whole_chunk_outcome
from suprsend_typed._bulk.response import BulkResponse, FailedRecord
from suprsend_typed._bulk.sender import ChunkRoute, send_all
from suprsend_typed._context import WireRecord
from suprsend_typed._errors import APIConnectionError
from suprsend_typed._http import CallOptions, Request, Response
from tests.support.budget import examples

URL = "http://127.0.0.1:9/v2/bulk/event/"


def _record(n: int, *, padding: int = 0, dedupe: bool = True) -> WireRecord:
    body: dict[str, object] = {"n": n, "pad": "x" * padding}
    if dedupe:
        body["$insert_id"] = f"id-{n}"
    text = _json.dumps(body)
    return WireRecord(text, _json.apparent_size(text), dedupe=dedupe)


def _invalid(n: int) -> FailedRecord:
    return FailedRecord(record={"n": n}, error="event_name missing", code=400)


def _build(content: bytes, retryable: bool) -> Request:
    return Request(method="POST", url=URL, content=content, options=CallOptions(retryable=retryable))


def _numbers(request: Request) -> list[int]:
    return [body["n"] for body in json.loads(request.content)]


def _accept_all(request: Request) -> Response:
    return Response(status_code=202)


def test_chunk_body_is_the_json_array_of_the_records_and_retryable_with_dedupe_keys() -> None:
    sent: list[Request] = []

    def send(request: Request) -> Response:
        sent.append(request)
        return Response(status_code=202)

    records = [_record(1), _record(2, padding=3)]
    route = ChunkRoute(build_request=_build, send=send, read=whole_chunk_outcome)

    outcome = route(records)

    assert outcome.success == 2
    assert sent[0].content == json.dumps([r.body for r in records], ensure_ascii=False).encode()
    assert sent[0].options.retryable is True


def test_chunk_without_a_dedupe_key_on_every_record_is_not_retryable() -> None:
    sent: list[Request] = []

    def send(request: Request) -> Response:
        sent.append(request)
        return Response(status_code=202)

    ChunkRoute(build_request=_build, send=send, read=whole_chunk_outcome)(
        [_record(1), _record(2, dedupe=False)]
    )

    assert sent[0].options.retryable is False


def test_transport_failure_fails_the_chunk_records_and_does_not_raise() -> None:
    def send(request: Request) -> Response:
        raise APIConnectionError("connection refused")

    outcome = ChunkRoute(build_request=_build, send=send, read=whole_chunk_outcome)([_record(1), _record(2)])

    assert [(f["record"], f["error"], f["code"]) for f in outcome.failed_records] == [
        (_record(1).body, "connection refused", 500),
        (_record(2).body, "connection refused", 500),
    ]


def test_unencodable_text_fails_its_chunk_as_a_client_error() -> None:
    body: dict[str, object] = {"n": 0, "bad": "\ud800"}
    text = _json.dumps(body)
    record = WireRecord(text, _json.apparent_size(text), dedupe=True)

    outcome = ChunkRoute(build_request=_build, send=_accept_all, read=whole_chunk_outcome)([record])

    assert outcome.failed_records[0]["code"] == 400
    assert "lone surrogate" in outcome.failed_records[0]["error"]


def test_records_too_big_for_a_chunk_are_rejected_and_the_rest_sent() -> None:
    records = [_record(0), _record(1, padding=500), _record(2)]
    route = ChunkRoute(build_request=_build, send=_accept_all, read=whole_chunk_outcome)

    response = send_all(records, send_chunk=route, max_records=10, max_bytes=200)

    assert (response.status, response.total, response.success, response.failure) == ("partial", 3, 2, 1)
    rejected = response.failed_records[0]
    assert rejected["record"] == records[1].body and rejected["code"] == 400
    assert rejected["error"].startswith("record too big - ")


def test_empty_input_is_a_success_and_reports_no_progress() -> None:
    calls: list[tuple[int, int]] = []
    route = ChunkRoute(build_request=_build, send=_accept_all, read=whole_chunk_outcome)

    response = send_all(
        [], send_chunk=route, max_records=10, max_bytes=100, on_progress=lambda d, f: calls.append((d, f))
    )

    assert (response.status, response.total) == ("success", 0)
    assert calls == []


def test_only_invalid_records_report_progress_once() -> None:
    calls: list[tuple[int, int]] = []
    route = ChunkRoute(build_request=_build, send=_accept_all, read=whole_chunk_outcome)

    response = send_all(
        [_invalid(0), _invalid(1)],
        send_chunk=route,
        max_records=10,
        max_bytes=100,
        on_progress=lambda d, f: calls.append((d, f)),
    )

    assert (response.status, response.total, response.failure) == ("fail", 2, 2)
    assert calls == [(2, 2)]


def test_concurrency_must_be_positive() -> None:
    route = ChunkRoute(build_request=_build, send=_accept_all, read=whole_chunk_outcome)

    with pytest.raises(ValueError, match="concurrency must be at least 1"):
        send_all([], send_chunk=route, max_records=1, max_bytes=1, concurrency=0)


# --- the accounting invariant under every mix of failures ---------------------------------------

BEHAVIOURS = ("accept", "per_record", "short", "long", "status_503_html", "status_400_json", "transport")


class _ScriptedWire:
    """Answers each chunk as the script says for its first record; remembers which records it accepted."""

    def __init__(self, script: list[str], verdicts: list[bool], *, per_record: bool) -> None:
        self.script = script
        self.per_record = per_record
        self.verdicts = verdicts
        self.accepted: set[int] = set()
        self.sent: list[int] = []
        self._lock = threading.Lock()

    def send(self, request: Request) -> Response:
        numbers = _numbers(request)
        with self._lock:
            self.sent.extend(numbers)
        behaviour = self.script[numbers[0] % len(self.script)]
        if behaviour == "transport":
            raise APIConnectionError("connection reset")
        if behaviour == "status_503_html":
            return Response(status_code=503, content=b"<html>unavailable</html>")
        if behaviour == "status_400_json":
            return Response(status_code=400, content=b'{"status": "fail", "message": "BAD REQUEST"}')
        if behaviour == "accept" or not self.per_record:
            # The whole-chunk rule accepts every record on any 2xx, whatever the body says.
            self._accept(numbers)
            accepted = [{"status": "success"} for _ in numbers] if self.per_record else []
            return Response(status_code=202, content=json.dumps({"records": accepted}).encode())
        answered = numbers[:-1] if behaviour == "short" else numbers
        results: list[dict[str, object]] = []
        for n in answered:
            ok = self.verdicts[n % len(self.verdicts)]
            if ok:
                self._accept([n])
            results.append(
                {"status": "success"} if ok else {"status": "error", "error": {"message": f"no {n}"}}
            )
        if behaviour == "long":
            results.append({"status": "success"})
        return Response(status_code=207, content=json.dumps({"records": results}).encode())

    def _accept(self, numbers: Sequence[int]) -> None:
        with self._lock:
            self.accepted.update(numbers)


@st.composite
def _mixes(draw: st.DrawFn) -> tuple[list[WireRecord | FailedRecord], list[str], list[bool], int, int]:
    count = draw(st.integers(0, 60))
    kinds = draw(
        st.lists(st.sampled_from(["ok", "ok", "ok", "invalid", "huge"]), min_size=count, max_size=count)
    )
    items: list[WireRecord | FailedRecord] = []
    for n, kind in enumerate(kinds):
        if kind == "invalid":
            items.append(_invalid(n))
        else:
            items.append(_record(n, padding=400 if kind == "huge" else draw(st.integers(0, 40))))
    script = draw(st.lists(st.sampled_from(BEHAVIOURS), min_size=1, max_size=6))
    verdicts = draw(st.lists(st.booleans(), min_size=1, max_size=5))
    max_records = draw(st.integers(1, 7))
    concurrency = draw(st.integers(1, 4))
    return items, script, verdicts, max_records, concurrency


@settings(max_examples=examples(50), deadline=None)
@given(_mixes(), st.booleans())
def test_every_record_is_accounted_exactly_once(
    mix: tuple[list[WireRecord | FailedRecord], list[str], list[bool], int, int], per_record: bool
) -> None:
    items, script, verdicts, max_records, concurrency = mix
    wire = _ScriptedWire(script, verdicts, per_record=per_record)
    read = per_record_outcome if per_record else whole_chunk_outcome
    route = ChunkRoute(build_request=_build, send=wire.send, read=read)
    progress: list[tuple[int, int]] = []

    response = send_all(
        iter(items),
        send_chunk=route,
        max_records=max_records,
        max_bytes=300,
        concurrency=concurrency,
        on_progress=lambda done, failed: progress.append((done, failed)),
    )

    assert response.total == response.success + response.failure == len(items)
    assert len(response.failed_records) == response.failure
    failed_numbers = [f["record"]["n"] for f in response.failed_records if f["record"] is not None]
    assert len(failed_numbers) == len(set(failed_numbers)) == response.failure
    succeeded = set(range(len(items))) - set(failed_numbers)
    assert succeeded == wire.accepted
    assert sorted(wire.sent) == sorted(
        n for n, item in enumerate(items) if isinstance(item, WireRecord) and item.apparent_size <= 300
    )
    assert response.status == (
        "success" if not response.failure else "partial" if response.success else "fail"
    )
    if items:
        assert progress[-1] == (len(items), response.failure)
        assert [done for done, _ in progress] == sorted(done for done, _ in progress)


# --- streaming ---------------------------------------------------------------------------------------


def test_streaming_sends_chunks_concurrently_with_bounded_read_ahead() -> None:
    concurrency = 4
    max_records = 5
    total = 400
    gate = threading.Barrier(concurrency, timeout=10)
    calls = itertools.count()
    pulled = 0
    done_so_far = 0
    worst_read_ahead = 0
    progress_threads: set[int] = set()
    in_flight = 0
    most_in_flight = 0
    lock = threading.Lock()

    def source() -> Iterator[WireRecord]:
        nonlocal pulled, worst_read_ahead
        for n in range(total):
            pulled += 1
            worst_read_ahead = max(worst_read_ahead, pulled - done_so_far)
            yield _record(n)

    def send(request: Request) -> Response:
        nonlocal in_flight, most_in_flight
        with lock:
            in_flight += 1
            most_in_flight = max(most_in_flight, in_flight)
        if next(calls) < concurrency:
            gate.wait()  # proves the first `concurrency` chunks are in flight together
        with lock:
            in_flight -= 1
        return Response(status_code=202)

    def on_progress(done: int, failed: int) -> None:
        nonlocal done_so_far
        done_so_far = done
        progress_threads.add(threading.get_ident())

    route = ChunkRoute(build_request=_build, send=send, read=whole_chunk_outcome)
    response: BulkResponse = send_all(
        source(),
        send_chunk=route,
        max_records=max_records,
        max_bytes=10_000,
        concurrency=concurrency,
        on_progress=on_progress,
    )

    assert (response.status, response.total, response.success, response.failed_records) == (
        "success",
        total,
        total,
        [],
    )
    assert most_in_flight <= concurrency
    assert worst_read_ahead <= (concurrency + 1) * max_records
    assert progress_threads == {threading.get_ident()}
    assert done_so_far == total
