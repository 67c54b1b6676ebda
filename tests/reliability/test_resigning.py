"""Retries re-enter the auth layer, so every attempt is signed again with a fresh ``Date``."""

from __future__ import annotations

from email.utils import formatdate

from suprsend_typed._errors import APITimeoutError
from suprsend_typed._http import Headers, Request
from suprsend_typed._middleware import compose
from suprsend_typed._retry import RETRY_COUNT_HEADER, RetryMiddleware
from suprsend_typed._signing import HmacAuth, verify_signature

from .fakes import ScriptedTransport, SleepRecorder, StepClock, response

START = 1_798_761_600.0  # 2027-01-01T00:00:00Z
SECRET = "resign-test-secret"
CONTENT_TYPE = "application/json; charset=utf-8"


def test_each_attempt_gets_a_new_date_and_a_valid_signature_for_it() -> None:
    clock = StepClock(START, step=2.0)
    transport = ScriptedTransport([response(503), APITimeoutError(), response(202)])
    chain = compose(
        [RetryMiddleware(sleep=SleepRecorder()), HmacAuth(workspace_key="WKEY", secret=SECRET, clock=clock)],
        transport,
    )
    request = Request(
        method="POST",
        url="https://hub.example.test/WKEY/trigger/",
        headers=Headers({"Content-Type": CONTENT_TYPE}),
        content=b'{"workflow": "w", "$idempotency_key": "k"}',
    )
    assert chain(request).status_code == 202

    dates = [sent.headers["Date"] for sent in transport.sent]
    assert dates == [formatdate(START + step, usegmt=True) for step in (0.0, 2.0, 4.0)]
    signatures = [sent.headers["Authorization"].partition(":")[2] for sent in transport.sent]
    assert len(set(signatures)) == 3
    for sent, signature in zip(transport.sent, signatures, strict=True):
        assert verify_signature(
            secret=SECRET,
            method=sent.method,
            content=sent.content,
            content_type=CONTENT_TYPE,
            date=sent.headers["Date"],
            request_uri=sent.path_and_query,
            signature=signature,
        )
    assert [sent.headers[RETRY_COUNT_HEADER] for sent in transport.sent] == ["0", "1", "2"]
    assert {sent.content for sent in transport.sent} == {request.content}
