"""End-to-end differential tests: both SDKs send the same inputs to one loopback capture server.

Compared per call: method, path, the parsed JSON body (with ``$insert_id``, ``$time`` and the SDK-version
string removed), and that each request's HMAC signature is valid for the body actually received.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import suprsend
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import strategies as s
from support.capture_server import CapturedRequest, CaptureServer, capture_server
from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET
from support.wire_checks import has_valid_signature, without_volatile
from suprsend.exception import InputValueError as OfficialInputValueError
from suprsend.exception import SuprsendValidationError as OfficialValidationError

from suprsend_typed._client import Suprsend
from suprsend_typed._errors import InputValueError, ValidationError
from suprsend_typed._event import Event
from suprsend_typed._workflow import Workflow, WorkflowTriggerRequest
from tests.support.budget import examples

EXAMPLES = examples(25)
_fixture_settings = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


class Pair:
    """The official client and ours, both pointed at one capture server."""

    def __init__(self, server: CaptureServer) -> None:
        self.server = server
        self.official = suprsend.Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url=server.url)
        self.ours = Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url=server.url, auto_idempotency_key=False)

    def run(self, official_call: Callable[[], Any], our_call: Callable[[], Any]) -> None:
        """Run both calls; both refuse before sending, or both send requests that compare equal."""
        self.server.clear()
        try:
            official_call()
        except OfficialInputValueError:
            self._assert_refused(our_call, InputValueError)
            return
        except OfficialValidationError:
            self._assert_refused(our_call, ValidationError)
            return
        official_requests = self.server.requests
        self.server.clear()
        our_call()
        assert_same_requests(official_requests, self.server.requests)

    def _assert_refused(self, our_call: Callable[[], Any], error: type[Exception]) -> None:
        assert self.server.requests == []
        with pytest.raises(error):
            our_call()
        assert self.server.requests == []


def assert_same_requests(official: list[CapturedRequest], ours: list[CapturedRequest]) -> None:
    """Same number of requests (none when both reported a failure without sending), pairwise equal."""
    assert len(ours) == len(official)
    for theirs, mine in zip(official, ours, strict=True):
        assert (mine.method, mine.path) == (theirs.method, theirs.path)
        assert without_volatile(mine.json()) == without_volatile(theirs.json())
        assert has_valid_signature(theirs, WORKSPACE_KEY, WORKSPACE_SECRET)
        assert has_valid_signature(mine, WORKSPACE_KEY, WORKSPACE_SECRET)


@pytest.fixture(scope="module")
def pair() -> Iterator[Pair]:
    with capture_server() as server:
        clients = Pair(server)
        yield clients
        clients.ours.close()


@_fixture_settings
@given(body=s.legacy_workflow_bodies, idem=s.idempotency_keys, tenant=s.tenant_ids, brand=s.tenant_ids)
def test_trigger_workflow(pair: Pair, body: dict[str, Any], idem: Any, tenant: Any, brand: Any) -> None:
    pair.run(
        lambda: pair.official.trigger_workflow(suprsend.Workflow(copy.deepcopy(body), idem, tenant, brand)),
        lambda: pair.ours.trigger_workflow(Workflow(body, idem, tenant, brand)),
    )


@_fixture_settings
@given(body=s.legacy_workflow_bodies)
def test_trigger_workflow_with_a_plain_dict(pair: Pair, body: dict[str, Any]) -> None:
    pair.run(
        lambda: pair.official.trigger_workflow(copy.deepcopy(body)),
        lambda: pair.ours.trigger_workflow(body),
    )


@_fixture_settings
@given(body=s.trigger_bodies, idem=s.idempotency_keys, tenant=s.tenant_ids, cancel=s.idempotency_keys)
def test_workflows_trigger(pair: Pair, body: dict[str, Any], idem: Any, tenant: Any, cancel: Any) -> None:
    pair.run(
        lambda: pair.official.workflows.trigger(
            suprsend.WorkflowTriggerRequest(copy.deepcopy(body), idem, tenant, cancel)
        ),
        lambda: pair.ours.workflows.trigger(WorkflowTriggerRequest(body, idem, tenant, cancel)),
    )


@_fixture_settings
@given(
    distinct_id=s.distinct_ids,
    name=s.event_names,
    properties=s.event_properties,
    idem=s.idempotency_keys,
    tenant=s.tenant_ids,
    brand=s.tenant_ids,
)
def test_track_event(
    pair: Pair, distinct_id: Any, name: Any, properties: Any, idem: Any, tenant: Any, brand: Any
) -> None:
    pair.run(
        lambda: pair.official.track_event(
            suprsend.Event(distinct_id, name, copy.deepcopy(properties), idem, tenant, brand)
        ),
        lambda: pair.ours.track_event(Event(distinct_id, name, properties, idem, tenant, brand)),
    )


def apply_calls(target: Any, calls: list[tuple[str, tuple[Any, ...]]]) -> Any:
    for name, args in calls:
        getattr(target, name)(*copy.deepcopy(args))
    return target


@_fixture_settings
@given(calls=s.profile_call_lists)
def test_user_profile_save(pair: Pair, calls: list[tuple[str, tuple[Any, ...]]]) -> None:
    pair.run(
        lambda: apply_calls(pair.official.user.get_instance("user-1"), calls).save(),
        lambda: apply_calls(pair.ours.user.get_instance("user-1"), calls).save(),
    )


@_fixture_settings
@given(calls=s.profile_call_lists, tenant=st.none() | st.just("acme"))
def test_users_async_edit(pair: Pair, calls: list[tuple[str, tuple[Any, ...]]], tenant: Any) -> None:
    pair.run(
        lambda: pair.official.users.async_edit(
            apply_calls(pair.official.users.get_edit_instance("user-1", tenant), calls)
        ),
        lambda: pair.ours.users.async_edit(
            apply_calls(pair.ours.users.get_edit_instance("user-1", tenant), calls)
        ),
    )


@_fixture_settings
@given(calls=s.profile_call_lists, tenant=st.none() | st.just("acme"))
def test_users_edit(pair: Pair, calls: list[tuple[str, tuple[Any, ...]]], tenant: Any) -> None:
    pair.run(
        lambda: pair.official.users.edit(
            apply_calls(pair.official.users.get_edit_instance("user-1", tenant), calls)
        ),
        lambda: pair.ours.users.edit(apply_calls(pair.ours.users.get_edit_instance("user-1", tenant), calls)),
    )


def test_readme_profile_example_puts_the_same_bytes_on_the_wire(pair: Pair) -> None:
    calls: list[tuple[str, tuple[Any, ...]]] = [
        ("add_email", ("user@example.com",)),
        ("add_sms", ("+919999999999",)),
        ("add_androidpush", ("__android_push_fcm_token__",)),
        ("add_androidpush", ("__android_push_xiaomi_token__", "xiaomi")),
        ("add_slack", ({"email": "user@example.com", "access_token": "xoxb-XXXXXXXXXXXX"},)),
        ("unset", (["$email", "$sms", "$whatsapp"],)),
        ("set_preferred_language", ("en",)),
        ("set_timezone", ("America/Los_Angeles",)),
    ]
    pair.run(
        lambda: apply_calls(pair.official.user.get_instance("user-1"), calls).save(),
        lambda: apply_calls(pair.ours.user.get_instance("user-1"), calls).save(),
    )


def test_our_auto_idempotency_key_is_the_only_difference(pair: Pair) -> None:
    body = {"workflow": "welcome", "recipients": ["user-1"], "data": {"k": "v"}}
    pair.server.clear()
    pair.official.workflows.trigger(suprsend.WorkflowTriggerRequest(copy.deepcopy(body)))
    (theirs,) = pair.server.requests
    pair.server.clear()
    with Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, base_url=pair.server.url) as client:
        client.workflows.trigger(WorkflowTriggerRequest(body))
    (mine,) = pair.server.requests
    sent = mine.json()
    key = sent.pop("$idempotency_key")
    assert isinstance(key, str) and key
    assert sent == theirs.json()
    assert has_valid_signature(mine, WORKSPACE_KEY, WORKSPACE_SECRET)


def test_attachments_put_the_same_bytes_on_the_wire(pair: Pair, tmp_path: Path) -> None:
    document = tmp_path / "invoice.pdf"
    document.write_bytes(b"%PDF-1.4\n%%EOF\n")
    notes = tmp_path / "notes"
    notes.write_text("no extension here\n")
    legacy = {
        "name": "invoice",
        "template": "invoice-tpl",
        "notification_category": "transactional",
        "users": [{"distinct_id": "user-1"}],
    }

    def attach(item: Any) -> Any:
        item.add_attachment(str(document))
        item.add_attachment(str(notes), "readme.txt")
        item.add_attachment("https://cdn.example.com/terms.pdf", None, True)
        return item

    pair.run(
        lambda: pair.official.trigger_workflow(attach(suprsend.Workflow(copy.deepcopy(legacy)))),
        lambda: pair.ours.trigger_workflow(attach(Workflow(legacy))),
    )
    trigger = {"workflow": "invoice", "recipients": ["user-1"], "data": {"amount": 10}}
    pair.run(
        lambda: pair.official.workflows.trigger(
            attach(suprsend.WorkflowTriggerRequest(copy.deepcopy(trigger)))
        ),
        lambda: pair.ours.workflows.trigger(attach(WorkflowTriggerRequest(trigger))),
    )
    pair.run(
        lambda: pair.official.track_event(attach(suprsend.Event("user-1", "invoice_sent", {"n": 1}))),
        lambda: pair.ours.track_event(attach(Event("user-1", "invoice_sent", {"n": 1}))),
    )
    (sent,) = pair.server.requests
    attachments = sent.json()["properties"]["$attachments"]
    assert [a["filename"] for a in attachments] == ["invoice.pdf", "readme.txt", None]


@pytest.mark.parametrize(
    ("tenant_id", "brand_id"), [(None, None), ("acme", None), (None, "brand-7"), ("acme", "brand-7")]
)
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_deprecated_track_puts_the_same_event_on_the_wire(
    pair: Pair, tenant_id: str | None, brand_id: str | None
) -> None:
    arguments: dict[str, Any] = {
        "distinct_id": "user-1",
        "event_name": "order_placed",
        "properties": {"amount": 10},
        "idempotency_key": "evt-1",
        "tenant_id": tenant_id,
        "brand_id": brand_id,
    }
    pair.run(lambda: pair.official.track(**arguments), lambda: pair.ours.track(**arguments))


def test_deprecated_track_warns(pair: Pair) -> None:
    with pytest.warns(DeprecationWarning, match="track_event"):
        pair.ours.track("user-1", "order_placed")


@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_deprecated_client_add_attachment_puts_the_same_body_on_the_wire(pair: Pair, tmp_path: Path) -> None:
    document = tmp_path / "invoice.pdf"
    document.write_bytes(b"%PDF-1.4\n%%EOF\n")
    legacy = {
        "name": "invoice",
        "template": "invoice-tpl",
        "notification_category": "transactional",
        "users": [{"distinct_id": "user-1"}],
    }
    with_data = {**legacy, "data": {"amount": 10, "$attachments": [{"url": "https://cdn.example.com/a.pdf"}]}}

    def attach(client: Any, body: dict[str, Any]) -> dict[str, Any]:
        returned = client.add_attachment(body, str(document))
        assert returned is body
        client.add_attachment(body, str(document), " bill.pdf ")
        client.add_attachment(body, "https://cdn.example.com/terms.pdf", "terms.pdf", True)
        return body

    for body in (legacy, with_data):
        pair.run(
            lambda body=body: pair.official.trigger_workflow(attach(pair.official, copy.deepcopy(body))),
            lambda body=body: pair.ours.trigger_workflow(attach(pair.ours, copy.deepcopy(body))),
        )
    (sent,) = pair.server.requests
    names = [item.get("filename") for item in sent.json()["data"]["$attachments"]]
    assert names == [None, "invoice.pdf", "bill.pdf", "terms.pdf"]


def test_deprecated_client_add_attachment_warns_checks_first_and_skips_an_ignored_file(
    pair: Pair, tmp_path: Path
) -> None:
    body: dict[str, Any] = {"name": "n", "data": {"k": "v"}}
    with pytest.warns(DeprecationWarning, match="WorkflowTriggerRequest.add_attachment") as caught:
        pair.ours.add_attachment(body, "https://cdn.example.com/a.pdf")
    assert caught[0].filename == __file__
    missing = str(tmp_path / "missing.pdf")
    with pytest.warns(DeprecationWarning):
        # The official SDK appends a null for the skipped file; ours adds nothing (a warning is logged).
        assert pair.ours.add_attachment(body, missing, None, True) is body
        assert [item["url"] for item in body["data"]["$attachments"]] == ["https://cdn.example.com/a.pdf"]
        with pytest.raises(FileNotFoundError):
            pair.ours.add_attachment(body, missing)
        for bad_body, message in (
            (["not", "a", "dict"], "data must be a dictionary"),
            ({"data": ["x"]}, r"body\['data'\] must be a dictionary"),
            ({"data": {"$attachments": "x"}}, r"data.\$attachments must be a list"),
        ):
            before = copy.deepcopy(bad_body)
            with pytest.raises(InputValueError, match=message):
                pair.ours.add_attachment(bad_body, "https://cdn.example.com/a.pdf")
            assert bad_body == before
