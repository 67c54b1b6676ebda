"""The deprecated ``add_attachment`` of the async client: the sync client's body, the same warning kind, and
nothing sent (it only fills a workflow body)."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest

from suprsend_typed import AsyncSuprsend, Suprsend

from .test_wire_identity import BASE_URL, KEY, SECRET


def _attached(client: Suprsend | AsyncSuprsend, document: Path) -> dict[str, Any]:
    body: dict[str, Any] = {"workflow": "invoice", "recipients": ["u1"], "data": {"n": 1}}
    with pytest.warns(DeprecationWarning, match=f"{type(client).__name__}.add_attachment"):
        returned = client.add_attachment(body, str(document), "bill.pdf")
    assert returned is body  # in place, as officially
    with pytest.warns(DeprecationWarning):
        client.add_attachment(body, "https://cdn.example.com/terms.pdf", "terms.pdf", True)
    return copy.deepcopy(body)


def test_add_attachment_fills_the_body_as_the_sync_client_does(tmp_path: Path) -> None:
    document = tmp_path / "bill.pdf"
    document.write_bytes(b"%PDF-1.4 bill")
    sync = Suprsend(KEY, SECRET, BASE_URL)
    from_sync = _attached(sync, document)
    sync.close()
    from_async = _attached(AsyncSuprsend(KEY, SECRET, BASE_URL), document)
    assert from_async == from_sync
    assert [item["filename"] for item in from_async["data"]["$attachments"]] == ["bill.pdf", "terms.pdf"]
