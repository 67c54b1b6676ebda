"""Every committed cassette is free of secrets: test credentials, Authorization values and signatures."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from suprsend_typed.replay import REDACTED
from suprsend_typed.sandbox import DEFAULT_API_KEY, DEFAULT_WORKSPACE_SECRET

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"
KNOWN_SECRETS = (DEFAULT_WORKSPACE_SECRET, DEFAULT_API_KEY, "WSECRET", "cli-secret")
HMAC_SIGNATURE = re.compile(r"[A-Za-z0-9+/]{43}=")  # base64 of a 32-byte HMAC-SHA256
BEARER_VALUE = re.compile(r"Bearer\s+(?!<REDACTED>)\S+")
CREDENTIAL_HEADERS = {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}


def cassette_files() -> list[Path]:
    return sorted(CASSETTES.rglob("*.json"))


def strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from strings(item)


def test_there_are_cassettes_to_scan() -> None:
    assert cassette_files(), f"no cassettes under {CASSETTES}"


@pytest.mark.parametrize("path", cassette_files(), ids=lambda p: str(p.relative_to(CASSETTES)))
def test_cassette_holds_no_secrets(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for secret in KNOWN_SECRETS:
        assert secret not in text, f"{path} contains a test secret"
    document = json.loads(text)
    for interaction in document["interactions"]:
        for part in (interaction["request"], interaction["response"]):
            for name, value in part["headers"].items():
                if name.lower() in CREDENTIAL_HEADERS:
                    assert value == REDACTED, f"{path}: {name} not redacted"
    for value in strings(document):
        assert not HMAC_SIGNATURE.search(value), f"{path}: signature-like value {value!r}"
        assert not BEARER_VALUE.search(value), f"{path}: Bearer value {value!r}"
