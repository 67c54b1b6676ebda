"""The official SDK's own README, run against both SDKs: only the import line differs, the wire must not.

The README is read at test time from the installed ``suprsend-py-sdk`` distribution's metadata (it is not
copied into this repository). Its python blocks run in order in one namespace per SDK, so later blocks see
the ``supr_client`` and ``user`` of earlier ones, once with ``from suprsend import ...`` and once with
``from suprsend_typed import ...``, against one loopback capture server. Blocks that are only dict literals
document result shapes and are not run. ``SUBSTITUTIONS`` makes the placeholders runnable.

Compared per request: method, path, query, body (without ``$insert_id``, ``$time``, ``$ss_sdk_version``,
and without our automatic ``$idempotency_key`` where the official body has none), content type, and
authentication (a valid HMAC signature, or the same Bearer header). Compared per block: what it printed.
"""

from __future__ import annotations

import ast
import contextlib
import importlib.metadata
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import attrs
import pytest
from support.capture_server import CannedResponse, CapturedRequest, CaptureServer, capture_server
from support.wire_checks import has_valid_signature, without_volatile

OFFICIAL_DISTRIBUTION = "suprsend-py-sdk"
PYTHON_BLOCK = re.compile(r"^```python3?\n(.*?)^```", re.S | re.M)
OFFICIAL_IMPORT = "from suprsend import"
OUR_IMPORT = "from suprsend_typed import"
# The official SDK checks that `env` (the workspace key or UID) has at least 20 characters.
WORKSPACE_KEY = "workspace_key_of_the_readme"
WORKSPACE_SECRET = "workspace_secret_of_the_readme"
WORKSPACE_UID = "workspace_uid_of_the_readme"
API_KEY = "api_key_of_the_readme"
HMAC_INIT = 'Suprsend("workspace_key", "workspace_secret")'
BEARER_INIT = 'Suprsend.with_workspace_api_key("workspace_uid", "api_key")'
PLACEHOLDER_BODY = "{...}"
ATTACHMENT_PATH = "/home/user/billing.pdf"
ATTACHMENT_BYTES = b"%PDF-1.4\n1 0 obj << >> endobj\n%%EOF\n"
# The attachment block builds a request and stops; triggering it is what puts the attachment on the wire.
ATTACHMENT_CALL = "wf_instance.add_attachment(file_path)"
TRIGGER_WITH_ATTACHMENT = "\nresponse = supr_client.workflows.trigger(wf_instance)\nprint(response)\n"
A_REAL_BODY = {
    "workflow": "purchase-made",
    "recipients": [{"distinct_id": "0f988f74-6982-41c5-8752-facb6911fb08", "$email": ["user@example.com"]}],
    "data": {"first_name": "User", "spend_amount": "$10"},
}
IDEMPOTENCY_KEY = "$idempotency_key"
ACCEPTED = 202
MULTI_STATUS = 207
FIXED_MESSAGE_ID = "01KREADME0000000000000000"


def substitutions(base_url: str, attachment: Path) -> dict[str, str]:
    """Placeholder text in the README -> what makes it runnable against the capture server."""
    return {
        HMAC_INIT: f'Suprsend("{WORKSPACE_KEY}", "{WORKSPACE_SECRET}", base_url="{base_url}")',
        BEARER_INIT: (
            f'Suprsend.with_workspace_api_key("{WORKSPACE_UID}", "{API_KEY}", base_url="{base_url}")'
        ),
        PLACEHOLDER_BODY: repr(A_REAL_BODY),
        ATTACHMENT_PATH: str(attachment),
        ATTACHMENT_CALL: ATTACHMENT_CALL + TRIGGER_WITH_ATTACHMENT,
    }


def official_readme() -> str:
    metadata = importlib.metadata.metadata(OFFICIAL_DISTRIBUTION)
    text = metadata.get_payload() or metadata.get("Description") or ""
    assert isinstance(text, str) and PYTHON_BLOCK.search(text), "the official README has no python blocks"
    return text


def documents_a_result_shape(block: str) -> bool:
    """A block of dict literals only (the README's "Response structure" blocks), not code to run."""
    statements = ast.parse(block).body
    return bool(statements) and all(
        isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Dict) for statement in statements
    )


def runnable_blocks(mode: str) -> list[tuple[int, str]]:
    """(number among the python blocks, code) in README order, with only this mode's client set-up."""
    other_init = BEARER_INIT if mode == "hmac" else HMAC_INIT
    blocks = enumerate(PYTHON_BLOCK.findall(official_readme()))
    return [
        (number, code)
        for number, code in blocks
        if other_init not in code and not documents_a_result_shape(code)
    ]


def hub_answer(request: CapturedRequest) -> CannedResponse:
    """A deterministic hub: 207 with one success per record for a bulk, else 202 with a fixed message id."""
    body = request.json() if request.body else None
    if isinstance(body, list):
        records = [
            {"status": "success", "status_code": ACCEPTED, "message_id": FIXED_MESSAGE_ID} for _ in body
        ]
        return CannedResponse(status=MULTI_STATUS, body=json.dumps({"records": records}).encode())
    answer = {"status": "success", "message_id": FIXED_MESSAGE_ID}
    return CannedResponse(status=ACCEPTED, body=json.dumps(answer).encode())


@attrs.frozen(kw_only=True)
class BlockRun:
    number: int
    requests: list[CapturedRequest]
    printed: list[str]


def run_readme(mode: str, sdk_import: str, server: CaptureServer, attachment: Path) -> list[BlockRun]:
    replacements = {OFFICIAL_IMPORT: sdk_import, **substitutions(server.url, attachment)}
    namespace: dict[str, Any] = {"__name__": "official_readme"}
    runs = []
    for number, code in runnable_blocks(mode):
        for placeholder, replacement in replacements.items():
            code = code.replace(placeholder, replacement)
        server.clear()
        printed = io.StringIO()
        with contextlib.redirect_stdout(printed):
            exec(compile(code, f"<README python block {number}: {sdk_import}>", "exec"), namespace)
        runs.append(
            BlockRun(number=number, requests=server.requests, printed=printed.getvalue().splitlines())
        )
    if sdk_import == OUR_IMPORT:
        namespace["supr_client"].close()
    return runs


def without_our_automatic_key(ours: Any, theirs: Any) -> Any:
    """Our body minus the automatic idempotency key wherever the official body (or record) has no key."""
    if isinstance(ours, list) and isinstance(theirs, list):
        return [
            without_our_automatic_key(mine, official) for mine, official in zip(ours, theirs, strict=False)
        ]
    if isinstance(ours, dict) and isinstance(theirs, dict) and IDEMPOTENCY_KEY not in theirs:
        return {key: value for key, value in ours.items() if key != IDEMPOTENCY_KEY}
    return ours


def json_body(request: CapturedRequest) -> Any:
    return request.json() if request.body else None


def assert_same_request(theirs: CapturedRequest, mine: CapturedRequest, mode: str) -> None:
    official_url, our_url = urlsplit(theirs.path), urlsplit(mine.path)
    assert (mine.method, our_url.path) == (theirs.method, official_url.path)
    assert sorted(parse_qsl(our_url.query, keep_blank_values=True)) == sorted(
        parse_qsl(official_url.query, keep_blank_values=True)
    )
    official_body = without_volatile(json_body(theirs))
    assert without_our_automatic_key(without_volatile(json_body(mine)), official_body) == official_body
    assert mine.headers.get("content-type") == theirs.headers.get("content-type")
    if mode == "hmac":
        assert has_valid_signature(theirs, WORKSPACE_KEY, WORKSPACE_SECRET)
        assert has_valid_signature(mine, WORKSPACE_KEY, WORKSPACE_SECRET)
    else:
        assert mine.headers["authorization"] == theirs.headers["authorization"] == f"Bearer {API_KEY}"


def shape(value: Any) -> Any:
    """Keys (in order) and value types, recursively: what a reader of a printed result relies on."""
    if isinstance(value, dict):
        return [(key, shape(item)) for key, item in value.items()]
    if isinstance(value, list):
        return [shape(item) for item in value]
    return type(value).__name__


def assert_same_printout(theirs: list[str], mine: list[str]) -> None:
    assert len(mine) == len(theirs)
    for official_line, our_line in zip(theirs, mine, strict=True):
        try:
            official_value = ast.literal_eval(official_line)
        except (ValueError, SyntaxError):
            assert our_line == official_line  # not a dict literal (a bulk summary): the same text
            continue
        our_value = ast.literal_eval(our_line)
        assert shape(our_value) == shape(official_value)
        assert our_value == official_value


@pytest.fixture
def attachment(tmp_path: Path) -> Path:
    path = tmp_path / "billing.pdf"
    path.write_bytes(ATTACHMENT_BYTES)
    return path


@pytest.fixture
def server() -> Iterator[CaptureServer]:
    with capture_server(hub_answer) as running:
        yield running


@pytest.mark.parametrize("mode", ["hmac", "bearer"])
@pytest.mark.filterwarnings("ignore::DeprecationWarning")
def test_every_readme_example_puts_the_same_requests_on_the_wire(
    mode: str, server: CaptureServer, attachment: Path
) -> None:
    official_runs = run_readme(mode, OFFICIAL_IMPORT, server, attachment)
    our_runs = run_readme(mode, OUR_IMPORT, server, attachment)
    assert sum(len(run.requests) for run in official_runs) > 0
    for theirs, mine in zip(official_runs, our_runs, strict=True):
        context = f"README python block {theirs.number} ({mode})"
        assert len(mine.requests) == len(theirs.requests), context
        for official_request, our_request in zip(theirs.requests, mine.requests, strict=True):
            try:
                assert_same_request(official_request, our_request, mode)
            except AssertionError as failure:
                raise AssertionError(
                    f"{context}: {official_request.method} {official_request.path}"
                ) from failure
        try:
            assert_same_printout(theirs.printed, mine.printed)
        except AssertionError as failure:
            raise AssertionError(f"{context}: printed {theirs.printed} vs {mine.printed}") from failure


def test_the_attachment_example_sends_the_file_inline(server: CaptureServer, attachment: Path) -> None:
    runs = run_readme("hmac", OUR_IMPORT, server, attachment)
    sent = [request.json() for run in runs for request in run.requests if b"$attachments" in request.body]
    assert len(sent) == 1
    (inline,) = sent[0]["data"]["$attachments"]
    assert inline["filename"] == "billing.pdf"
    assert inline["contentType"] == "application/pdf"
