"""The workspace secret and API key never show: not in debug logs, stderr, reprs, errors or failed records.

The fault scenarios run with ``SUPRSEND_LOG=debug``; everything logged (caplog), printed (capsys) and
returned is collected as text and scanned for the credentials and for unredacted ``Authorization`` values.
"""

from __future__ import annotations

import json
import logging
import re
import traceback
from http import HTTPStatus

import pytest

from suprsend_typed._bulk.errors import BulkAuthenticationError
from suprsend_typed._client import Suprsend
from suprsend_typed._errors import AuthenticationError, SuprsendError
from suprsend_typed._event import Event
from suprsend_typed._generated.models import WorkflowTrigger
from suprsend_typed._http import BEARER_PREFIX, CredentialRegistry, Headers, Request, Response, Timeout
from suprsend_typed._logging import LOGGER_NAME, REDACTED
from suprsend_typed._models import structure
from suprsend_typed._signing import sign
from suprsend_typed.sandbox import Fault, Sandbox

from .scenarios import (
    API_KEY,
    MIXED_FAULTS,
    WORKSPACE_KEY,
    WORKSPACE_SECRET,
    FaultPlan,
    bearer_client,
    hmac_client,
    send_events,
    send_workflows,
)

# A logged HMAC header must read "<workspace key>:***", never "<workspace key>:<base64 HMAC-SHA256>".
UNREDACTED_SIGNATURE = re.compile(re.escape(WORKSPACE_KEY) + r":[A-Za-z0-9+/]{43}=")


def exception_texts(error: BaseException) -> list[str]:
    return [str(error), repr(error), "".join(traceback.format_exception(error))]


def assert_no_secret(texts: list[str]) -> None:
    for text in texts:
        assert WORKSPACE_SECRET not in text
        assert API_KEY not in text
        assert UNREDACTED_SIGNATURE.search(text) is None


def run_scenarios(client: Suprsend, sandbox: Sandbox) -> list[str]:
    """Bulk and single calls through mixed and never-clearing faults; returns what they gave back as text."""
    texts: list[str] = [repr(client), str(client)]
    MIXED_FAULTS.apply(sandbox)
    for result in (send_events(client, 500, concurrency=2), send_workflows(client, 200, concurrency=1)):
        texts += [str(result), repr(result), json.dumps(result.failed_records)]

    sandbox.faults.clear()
    FaultPlan(rates=((Fault(kind="status", status=503), 0.5), (Fault(kind="drop_before"), 1.0))).apply(
        sandbox
    )
    for result in (send_events(client, 150, concurrency=1), send_workflows(client, 120, concurrency=1)):
        assert result.failure == result.total  # the scan below covers real failed records
        texts += [str(result), repr(result), json.dumps(result.failed_records)]
    seed_result = client.track_event(Event("user-1", "order_placed"))
    assert seed_result["success"] is False
    texts += [str(seed_result), repr(seed_result), json.dumps(dict(seed_result))]
    trigger = structure({"workflow": "welcome", "recipients": ["u1"], "data": {}}, WorkflowTrigger)
    with pytest.raises(SuprsendError) as raised:
        client.workflows.trigger(trigger)
    texts += exception_texts(raised.value)
    return texts


@pytest.mark.parametrize("auth", ["hmac", "bearer"])
def test_debug_output_results_and_errors_never_show_a_credential(
    auth: str,
    sandbox: Sandbox,
    retry_sleeps: list[float],
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("SUPRSEND_LOG", "debug")
    caplog.set_level(logging.DEBUG, logger=LOGGER_NAME)
    make_client = hmac_client if auth == "hmac" else bearer_client
    with make_client(sandbox, max_retries=2, sleep=retry_sleeps.append) as client:
        texts = run_scenarios(client, sandbox)
    printed = capsys.readouterr()

    # Debug output really was produced, once: through the app's handlers (pytest's here), so our stderr
    # handler stays quiet rather than print every line a second time.
    assert "; headers=" in caplog.text and "body={" in caplog.text and "retrying POST" in caplog.text
    assert "retrying POST" not in printed.err
    shown = f"{WORKSPACE_KEY}:***" if auth == "hmac" else "Bearer ***"
    assert f"'Authorization': '{shown}'" in caplog.text
    assert_no_secret([caplog.text, printed.out, printed.err, *texts])
    assert_no_secret([record.getMessage() for record in caplog.records])


@pytest.mark.parametrize(
    "make",
    [
        lambda: Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET + "\n"),
        lambda: Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, "http://hub.example.com/"),
        lambda: Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, timeout="30"),
        lambda: Suprsend.with_workspace_api_key("", API_KEY),
        lambda: Suprsend.with_workspace_api_key(WORKSPACE_KEY, API_KEY, "ftp://hub.example.com/"),
    ],
)
def test_configuration_errors_do_not_quote_credentials(make: object) -> None:
    with pytest.raises(SuprsendError) as raised:
        make()  # type: ignore[operator]
    assert_no_secret(exception_texts(raised.value))


def test_client_and_auth_reprs_hide_credentials() -> None:
    for client in (
        Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET),
        Suprsend.with_workspace_api_key(WORKSPACE_KEY, API_KEY),
    ):
        with client:
            assert_no_secret([repr(client), str(client), repr(vars(client))])


def test_the_signature_pattern_would_catch_a_leaked_header() -> None:
    signature = sign(WORKSPACE_SECRET, "POST\n\napplication/json\nThu, 01 Jan 2026 00:00:00 GMT\n/trigger/")
    assert UNREDACTED_SIGNATURE.search(f"'Authorization': '{WORKSPACE_KEY}:{signature}'")


# --- what a custom transport receives, and what a server echoes back ------------------------------------

SESSION_COOKIE = "session=abc123def456"


class EchoingHub:
    """A transport whose hub rejects every request with 401, quoting the Authorization header it got."""

    def __init__(self) -> None:
        self.sent: list[Request] = []
        self.answers: list[Response] = []

    def send(self, request: Request, *, timeout: Timeout) -> Response:
        self.sent.append(request)
        echoed = f"Authorization: {request.headers['Authorization']}"
        body = {"error": {"message": f"invalid credentials, got {echoed}"}, "detail": echoed}
        answer = Response(
            status_code=HTTPStatus.UNAUTHORIZED,
            headers=Headers({"Content-Type": "application/json", "Set-Cookie": SESSION_COOKIE}),
            content=json.dumps(body).encode(),
        )
        self.answers.append(answer)
        return answer


def echoing_client(auth: str, hub: EchoingHub) -> Suprsend:
    if auth == "hmac":
        return Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET, transport=hub, max_retries=0)
    return Suprsend.with_workspace_api_key(WORKSPACE_KEY, API_KEY, transport=hub, max_retries=0)


def assert_really_sent(auth: str, request: Request) -> None:
    """The credential the scans look for really was on the wire, so a scan that passes means masking."""
    sent = request.headers["Authorization"]
    assert UNREDACTED_SIGNATURE.fullmatch(sent) if auth == "hmac" else sent == f"Bearer {API_KEY}"


@pytest.mark.parametrize("auth", ["hmac", "bearer"])
def test_reprs_of_requests_and_responses_hide_credential_headers(auth: str) -> None:
    hub = EchoingHub()
    with echoing_client(auth, hub) as client:
        client.track_event(Event("user-1", "order_placed"))
    [request], [answer] = hub.sent, hub.answers
    assert_really_sent(auth, request)
    assert_no_secret([repr(request), str(request), repr(request.headers), repr(answer), str(answer)])
    shown = f"{WORKSPACE_KEY}:***" if auth == "hmac" else "Bearer ***"
    assert f"'Authorization': '{shown}'" in repr(request)
    assert f"'Set-Cookie': '{REDACTED}'" in repr(answer)
    assert SESSION_COOKIE not in repr(answer.headers)


@pytest.mark.parametrize("auth", ["hmac", "bearer"])
def test_an_echoed_authorization_header_is_masked_in_results_errors_and_failed_records(auth: str) -> None:
    hub = EchoingHub()
    texts: list[str] = []
    with echoing_client(auth, hub) as client:
        t2 = client.track_event(Event("user-1", "order_placed"))
        t1 = client.trigger_workflow(
            {
                "name": "welcome",
                "template": "tpl",
                "notification_category": "system",
                "users": [{"distinct_id": "u"}],
            }
        )
        for result in (t1, t2):
            assert result["success"] is False and result["status_code"] == HTTPStatus.UNAUTHORIZED
            texts += [str(result), repr(result), json.dumps(dict(result))]
        trigger = structure({"workflow": "welcome", "recipients": ["u1"], "data": {}}, WorkflowTrigger)
        with pytest.raises(AuthenticationError) as raised:
            client.workflows.trigger(trigger)
        texts += [*exception_texts(raised.value), repr(raised.value.body), repr(raised.value.response)]
        with pytest.raises(BulkAuthenticationError) as stopped:
            send_events(client, 2, concurrency=1)
        bulk = stopped.value.response
        assert bulk.failure == bulk.total
        texts += [*exception_texts(stopped.value), str(bulk), repr(bulk), json.dumps(bulk.failed_records)]
    for request in hub.sent:
        assert_really_sent(auth, request)
    assert_no_secret(texts)
    shown = f"Authorization: {WORKSPACE_KEY}:***" if auth == "hmac" else "Authorization: Bearer ***"
    assert shown in str(t2["message"]) and shown in str(t1["message"]) and shown in raised.value.message


def test_a_short_api_key_echoed_by_the_hub_is_masked_by_its_authorization_form() -> None:
    short_key = "k3y"  # below the length registered secrets are masked at in free text
    hub = EchoingHub()
    client = Suprsend.with_workspace_api_key(WORKSPACE_KEY, short_key, transport=hub, max_retries=0)
    result = client.track_event(Event("user-1", "order_placed"))
    assert hub.sent[0].headers["Authorization"] == f"Bearer {short_key}"
    assert result["message"] == f"invalid credentials, got Authorization: Bearer {REDACTED}"


def test_the_registry_masks_authorization_values_at_word_starts_and_keeps_their_prefix() -> None:
    registry = CredentialRegistry()
    registry.add_authorization_prefix("wk:")
    registry.add_authorization_prefix(BEARER_PREFIX)
    registry.add_secret("short")  # below MIN_MASKED_SECRET_CHARS: ordinary words stay readable
    text = 'got "wk:c2lnbmF0dXJl+/==" and Bearer abc.DEF-123~x, not awk:kept; a short word'
    assert registry.mask(text) == 'got "wk:***" and Bearer ***, not awk:kept; a short word'
