"""Sending failed bulk records again never risks a second delivery.

A record whose outcome is unknown (its chunk was sent and the answer lost) may already be at the hub; only
its dedupe key (``$idempotency_key`` / ``$insert_id``) lets the hub drop a second copy, so one without a
key must not be sent again by ``resend()`` or ``retry_failed()``.
"""

from __future__ import annotations

from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET

from suprsend_typed._client import Suprsend
from suprsend_typed._errors import APITimeoutError
from suprsend_typed._workflow import Workflow
from tests.core.fakes import FakeTransport

BASE_URL = "http://127.0.0.1:9/"


def _workflow(name: str, idempotency_key: str | None = None) -> Workflow:
    body = {
        "name": name,
        "template": "welcome",
        "notification_category": "transactional",
        "users": [{"distinct_id": "u1"}],
    }
    return Workflow(body, idempotency_key=idempotency_key)


def test_resend_skips_unknown_outcome_workflows_without_a_dedupe_key() -> None:
    transport = FakeTransport(script=[APITimeoutError("read timed out")])  # the answer to the chunk is lost
    client = Suprsend(
        WORKSPACE_KEY,
        WORKSPACE_SECRET,
        base_url=BASE_URL,
        transport=transport,
        max_retries=0,
        auto_idempotency_key=False,
    )
    bulk = client.bulk_workflows.new_instance()
    bulk.append(_workflow("no-key"), _workflow("keyed", idempotency_key="key-1"))
    first = bulk.trigger()
    assert (first.total, first.unknown) == (2, 2)

    for again in (first.retry_failed(), client.bulk_workflows.resend(first.failed_records)):
        assert (again.total, again.success) == (1, 1)
    resent: list[dict[str, object]] = []
    for chunk in transport.bodies()[1:]:
        assert isinstance(chunk, list)
        resent.extend(chunk)
    assert [body["name"] for body in resent] == ["keyed", "keyed"]
    assert all(body["$idempotency_key"] == "key-1" for body in resent)
