"""Attachments from real files (MIME type and base64) and URLs, against the official SDK's own output."""

from __future__ import annotations

import base64
import logging
import struct
import sys
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from suprsend.attachment import get_attachment_json as official_attachment

from suprsend_typed._attachments import attachment_for, mime_detector
from suprsend_typed._errors import InputValueError

MINIMAL_PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _png_bytes() -> bytes:
    """A valid 1x1 RGB PNG, built by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    contents = {
        "report.pdf": MINIMAL_PDF,
        "pixel.png": _png_bytes(),
        "notes.txt": "hello, attachments ✓\n".encode(),
        "README": b"plain text without an extension\n",
    }
    paths = {}
    for name, data in contents.items():
        path = tmp_path / name
        path.write_bytes(data)
        paths[name] = path
    return paths


@pytest.fixture
def without_libmagic(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Make ``import magic`` fail, as on a host without libmagic; restore the detector afterwards."""
    monkeypatch.setitem(sys.modules, "magic", None)
    mime_detector.cache_clear()
    yield
    mime_detector.cache_clear()


@pytest.mark.parametrize(
    ("name", "mime"),
    [
        ("report.pdf", "application/pdf"),
        ("pixel.png", "image/png"),
        ("notes.txt", "text/plain"),
        ("README", "text/plain"),
    ],
)
def test_file_attachment_has_sniffed_mime_and_exact_base64(
    files: dict[str, Path], name: str, mime: str
) -> None:
    attachment = attachment_for(str(files[name]))
    assert attachment == {
        "filename": name,
        "contentType": mime,
        "data": base64.b64encode(files[name].read_bytes()).decode(),
        "url": None,
        "ignore_if_error": False,
    }
    assert "\n" not in str(attachment["data"])


@pytest.mark.parametrize("name", ["report.pdf", "pixel.png", "notes.txt", "README"])
def test_file_attachment_equals_official_sdk_output(files: dict[str, Path], name: str) -> None:
    path = str(files[name])
    assert attachment_for(path, "shown.bin", True) == official_attachment(path, "shown.bin", True)
    assert attachment_for(path) == official_attachment(path)


def test_file_larger_than_one_read_block_encodes_as_a_whole(tmp_path: Path) -> None:
    data = bytes(range(256)) * 1200 + b"tail"  # several read blocks, length not a multiple of 3
    path = tmp_path / "blob.bin"
    path.write_bytes(data)
    attachment = attachment_for(path)
    assert attachment is not None
    assert base64.b64decode(str(attachment["data"]), validate=True) == data


def test_file_name_is_stripped_and_blank_names_fall_back_to_the_basename(files: dict[str, Path]) -> None:
    named = attachment_for(str(files["notes.txt"]), "  invoice.txt ")
    blank = attachment_for(str(files["notes.txt"]), "   ")
    assert named is not None and named["filename"] == "invoice.txt"
    assert blank is not None and blank["filename"] == "notes.txt"


def test_home_relative_path_is_expanded(files: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(files["notes.txt"].parent))
    attachment = attachment_for("~/notes.txt")
    assert attachment is not None and attachment["filename"] == "notes.txt"


@pytest.mark.parametrize("url", ["https://cdn.example.com/a.pdf", "http://example.com/x"])
def test_url_attachment_is_passed_through_unfetched(url: str) -> None:
    assert attachment_for(url, None, True) == {
        "filename": None,
        "contentType": None,
        "data": None,
        "url": url,
        "ignore_if_error": True,
    }
    assert attachment_for(url, "a.pdf") == official_attachment(url, "a.pdf")


def test_missing_file_raises_file_not_found(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        attachment_for(str(tmp_path / "absent.pdf"))


def test_missing_file_with_ignore_if_error_adds_nothing_and_warns(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="suprsend_typed"):
        assert attachment_for(str(tmp_path / "absent.pdf"), ignore_if_error=True) is None
    assert "absent.pdf" in caplog.text


@pytest.mark.parametrize(
    ("args", "name"),
    [
        ((None,), "file_path"),
        (("",), "file_path"),
        (("a.txt", 3), "file_name"),
        (("a.txt", None, 1), "ignore_if_error"),
    ],
)
def test_bad_arguments_raise_a_typed_error_naming_the_argument(args: tuple[object, ...], name: str) -> None:
    with pytest.raises(InputValueError) as caught:
        attachment_for(*args)  # type: ignore[arg-type]
    assert caught.value.reason.startswith(name)


@pytest.mark.usefixtures("without_libmagic")
def test_without_libmagic_mime_comes_from_extensions_with_one_warning(
    files: dict[str, Path], caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="suprsend_typed"):
        types = {name: attachment_for(str(path)) for name, path in files.items()}
    assert {name: a["contentType"] for name, a in types.items() if a is not None} == {
        "report.pdf": "application/pdf",
        "pixel.png": "image/png",
        "notes.txt": "text/plain",
        "README": "application/octet-stream",
    }
    assert sum("libmagic" in record.getMessage() for record in caplog.records) == 1
