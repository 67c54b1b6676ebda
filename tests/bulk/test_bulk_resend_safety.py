"""Sending failed bulk records again never risks a second delivery.

A record whose outcome is unknown (its chunk was sent and the answer lost) may already be at the hub; only
its dedupe key (``$idempotency_key`` / ``$insert_id``) lets the hub drop a second copy, so one without a
key must not be sent again by ``resend()`` or ``retry_failed()``.
"""

from __future__ import annotations

from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET

from suprsend_typed._bulk.bulk import LEGACY_WORKFLOWS
from suprsend_typed._client import Suprsend
from suprsend_typed._errors import APITimeoutError
from suprsend_typed._workflow import Workflow
from tests.core.fakes import FakeTransport, reply

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


def test_a_resend_packs_workflows_by_the_size_that_counts_the_hubs_runtime_bytes() -> None:
    # Two workflows that together fit in one chunk only without the runtime bytes each one is measured
    # with: the first send packs them apart, and so must a resend, or its chunk crosses the limit.
    limit = LEGACY_WORKFLOWS.max_bytes
    transport = FakeTransport(script=[reply(503, {"message": "down"}), reply(503, {"message": "down"})])
    client = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url=BASE_URL, transport=transport, max_retries=0)
    bulk = client.bulk_workflows.new_instance()
    for number in range(2):
        workflow = _workflow(f"big-{number}", idempotency_key=f"key-{number}")
        workflow.body["data"] = {"blob": ""}
        filler = limit // 2 - 100 - len(workflow._to_wire(client._core.context).text)
        workflow.body["data"] = {"blob": "x" * filler}
        assert len(workflow._to_wire(client._core.context).text) == limit // 2 - 100
        bulk.append(workflow)
    first = bulk.trigger(concurrency=1)
    assert (first.total, first.failure, len(transport.sent)) == (2, 2, 2)

    again = first.retry_failed()

    assert (again.total, again.success) == (2, 2)
    assert [len(chunk) for chunk in transport.bodies()[2:]] == [1, 1]  # type: ignore[arg-type]
