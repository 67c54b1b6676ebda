"""HMAC signing reproduces every published vector, and the auth middleware signs each call afresh."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from email.utils import formatdate
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suprsend_typed._http import CallOptions, Headers, Request, Response
from suprsend_typed._signing import (
    BearerAuth,
    HmacAuth,
    HttpDates,
    content_md5,
    request_signature,
    sign,
    string_to_sign,
    verify_signature,
)

VECTORS_PATH = Path("/work/shared/reference/signing-vectors.json")
VECTORS: dict[str, Any] = json.loads(VECTORS_PATH.read_text(encoding="utf-8"))
VECTOR_DATE_EPOCH = 1767225600  # Thu, 01 Jan 2026 00:00:00 GMT


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["note"])
def test_pure_functions_reproduce_vector(vector: dict[str, Any]) -> None:
    body = vector["body_utf8"].encode("utf-8")
    md5 = content_md5(vector["method"], body)
    assert md5 == vector["content_md5"]
    to_sign = string_to_sign(
        vector["method"], md5, VECTORS["content_type"], VECTORS["date"], vector["request_uri"]
    )
    assert to_sign == vector["string_to_sign"]
    assert sign(VECTORS["workspace_secret"], to_sign) == vector["signature"]


@pytest.mark.parametrize("vector", VECTORS["vectors"], ids=lambda v: v["note"])
def test_hmac_middleware_reproduces_vector_header(vector: dict[str, Any]) -> None:
    auth = HmacAuth(
        workspace_key=VECTORS["workspace_key"],
        secret=VECTORS["workspace_secret"],
        clock=lambda: float(VECTOR_DATE_EPOCH),
    )
    request = Request(
        method=vector["method"],
        url="https://hub.suprsend.com" + vector["request_uri"],
        headers=Headers({"Content-Type": VECTORS["content_type"]}),
        content=vector["body_utf8"].encode("utf-8"),
    )
    seen: list[Request] = []

    def record(sent: Request) -> Response:
        seen.append(sent)
        return Response(status_code=202)

    auth(request, record)
    assert seen[0].headers["Date"] == VECTORS["date"]
    assert seen[0].headers["Authorization"] == vector["authorization"]
    assert verify_signature(
        secret=VECTORS["workspace_secret"],
        method=vector["method"],
        content=seen[0].content,
        content_type=VECTORS["content_type"],
        date=VECTORS["date"],
        request_uri=vector["request_uri"],
        signature=vector["signature"],
    )


# A locale whose day and month names are not English ("Do, 01 Jan"), compiled on the fly when not installed.
FOREIGN_LOCALE = "de_DE.UTF-8"
FOREIGN_LOCALE_SOURCE = ("de_DE", "UTF-8")
LOCALE_SOURCES = Path("/usr/share/i18n/locales")
ENGLISH_DAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

SET_LOCALE = "import locale, sys; locale.setlocale(locale.LC_TIME, sys.argv[1])"
# Run in a child process, so that setting LC_TIME cannot leak into other tests of this worker.
DATE_UNDER_LOCALE = """
import locale, sys, time
from suprsend_typed._http import Request, Response
from suprsend_typed._signing import HmacAuth
locale.setlocale(locale.LC_TIME, sys.argv[1])
print(time.strftime("%a", time.gmtime(int(sys.argv[2]))))
seen = []
def record(sent):
    seen.append(sent)
    return Response(status_code=202)
auth = HmacAuth(workspace_key="WKEY", secret="WSECRET", clock=lambda: float(sys.argv[2]))
auth(Request(method="POST", url="https://h/trigger/", content=b"{}"), record)
print(seen[0].headers["Date"])
"""


def foreign_locale_environment(tmp_path: Path) -> dict[str, str] | None:
    """An environment in which ``FOREIGN_LOCALE`` can be set: the system's, or one with a compiled copy."""
    environment = dict(os.environ)
    installed = subprocess.run(
        [sys.executable, "-c", SET_LOCALE, FOREIGN_LOCALE], env=environment, capture_output=True
    )
    if installed.returncode == 0:
        return environment
    localedef = shutil.which("localedef")
    if localedef is None or not (LOCALE_SOURCES / FOREIGN_LOCALE_SOURCE[0]).exists():
        return None
    source, charmap = FOREIGN_LOCALE_SOURCE
    compiled = subprocess.run(
        [localedef, "-i", source, "-f", charmap, str(tmp_path / FOREIGN_LOCALE)], capture_output=True
    )
    if compiled.returncode != 0:
        return None
    return {**environment, "LOCPATH": str(tmp_path)}


def test_date_header_is_english_rfc1123_under_a_foreign_time_locale(tmp_path: Path) -> None:
    environment = foreign_locale_environment(tmp_path)
    if environment is None:
        pytest.skip(f"no {FOREIGN_LOCALE} locale installed and none can be compiled")
    ran = subprocess.run(
        [sys.executable, "-c", DATE_UNDER_LOCALE, FOREIGN_LOCALE, str(VECTOR_DATE_EPOCH)],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    local_day_name, date_header = ran.stdout.splitlines()
    assert local_day_name not in ENGLISH_DAY_NAMES  # the locale is really in effect in the child
    assert date_header == VECTORS["date"]


def test_empty_body_on_post_and_get_body_are_not_hashed() -> None:
    assert content_md5("POST", b"") == ""
    assert content_md5("get", b"ignored") == ""
    assert content_md5("DELETE", b"null") == "37a6259cc0c1dae299a7866489dff0bd"


def test_verify_signature_rejects_tampering() -> None:
    vector = VECTORS["vectors"][0]
    fields = dict(
        secret=VECTORS["workspace_secret"],
        method=vector["method"],
        content=vector["body_utf8"].encode("utf-8"),
        content_type=VECTORS["content_type"],
        date=VECTORS["date"],
        request_uri=vector["request_uri"],
        signature=vector["signature"],
    )
    assert verify_signature(**fields)
    assert not verify_signature(**{**fields, "content": b"{}"})
    assert not verify_signature(**{**fields, "secret": "other"})
    assert not verify_signature(**{**fields, "request_uri": "/other/"})
    assert not verify_signature(**{**fields, "signature": "é"})


def test_each_call_gets_a_fresh_date_and_signature() -> None:
    ticks = iter([float(VECTOR_DATE_EPOCH), float(VECTOR_DATE_EPOCH + 1)])
    auth = HmacAuth(workspace_key="WKEY", secret="WSECRET", clock=lambda: next(ticks))
    request = Request(method="POST", url="https://h/trigger/", content=b"{}", options=CallOptions())
    seen: list[Request] = []

    def record(sent: Request) -> Response:
        seen.append(sent)
        return Response(status_code=202)

    auth(request, record)
    auth(request, record)
    assert seen[0].headers["Date"] == "Thu, 01 Jan 2026 00:00:00 GMT"
    assert seen[1].headers["Date"] == "Thu, 01 Jan 2026 00:00:01 GMT"
    assert seen[0].headers["Authorization"] != seen[1].headers["Authorization"]
    for sent in seen:
        assert sent.headers["Authorization"] == "WKEY:" + request_signature("WSECRET", sent)
    assert "Date" not in request.headers  # the caller's request value is untouched


def test_bearer_auth_sets_header_without_date() -> None:
    seen: list[Request] = []

    def record(sent: Request) -> Response:
        seen.append(sent)
        return Response(status_code=200)

    BearerAuth(api_key="sk-123")(Request(method="GET", url="https://h/v1/message/"), record)
    assert seen[0].headers["Authorization"] == "Bearer sk-123"
    assert "Date" not in seen[0].headers


def test_repr_hides_secrets() -> None:
    hmac_text = repr(HmacAuth(workspace_key="WKEY", secret="TOP-SECRET", clock=lambda: 0.0))
    bearer_text = repr(BearerAuth(api_key="TOP-SECRET"))
    assert "WKEY" in hmac_text
    assert "TOP-SECRET" not in hmac_text
    assert "TOP-SECRET" not in bearer_text


@given(st.lists(st.floats(min_value=0, max_value=4e9, allow_nan=False), min_size=1, max_size=5))
def test_the_date_header_is_formatdate_of_the_clock_whatever_the_last_second_was(times: list[float]) -> None:
    dates = HttpDates()
    for seconds in [*times, *(whole + 0.9999997 for whole in (0.0, 1_767_225_599.0))]:
        assert dates(seconds) == formatdate(seconds, usegmt=True)
