"""The journal file: created 0600 with its header, reopened with its acknowledged lines, safe after a crash,
bound to the content it acknowledged, and never damaging a file it refuses."""

from __future__ import annotations

import stat
from collections.abc import Sequence
from pathlib import Path

import pytest

from suprsend_typed.cli.journal import (
    FILE_MODE,
    Journal,
    JournalError,
    JournalMismatchError,
    entry_digest,
)

EXPECTED = {
    "kind": "events",
    "input": {"path": "/data/events.jsonl", "size": 10, "mtime_ns": 1},
    "shard": None,
}


def open_journal(path: Path, expected: dict[str, object] = EXPECTED) -> Journal:
    return Journal.open(str(path), expected=expected, new_seed=lambda: "seed-1")


def content(line: int) -> bytes:
    return b'{"line": %d}' % line


def acknowledge(journal: Journal, lines: Sequence[int]) -> None:
    journal.acknowledge(lines, [content(line) for line in lines])


def digest(lines: Sequence[int]) -> str:
    return entry_digest([content(line) for line in lines])


def test_a_new_journal_keeps_its_seed_and_the_acknowledged_lines(tmp_path: Path) -> None:
    path = tmp_path / "j"
    journal = open_journal(path)
    acknowledge(journal, [1, 2, 3, 7, 9, 10])
    acknowledge(journal, [4])
    journal.close()

    assert path.read_text().splitlines()[1:] == [
        f"A 1-3,7,9-10 {digest([1, 2, 3, 7, 9, 10])}",
        f"A 4 {digest([4])}",
    ]
    reopened = Journal.open(str(path), expected=EXPECTED, new_seed=lambda: "another seed")
    assert reopened.seed == "seed-1"
    assert [line for line in range(12) if line in reopened.acknowledged] == [1, 2, 3, 4, 7, 9, 10]
    reopened.close()


def test_a_partial_last_entry_left_by_a_crash_is_cut_off(tmp_path: Path) -> None:
    path = tmp_path / "j"
    open_journal(path).close()
    with path.open("ab") as file:
        file.write(f"A 1-5 {digest(range(1, 6))}\nA 6-1".encode())  # killed in the second entry

    journal = open_journal(path)
    acknowledge(journal, [20])
    journal.close()

    assert path.read_text().splitlines()[1:] == [f"A 1-5 {digest(range(1, 6))}", f"A 20 {digest([20])}"]


def test_a_header_cut_by_a_crash_is_written_again(tmp_path: Path) -> None:
    path = tmp_path / "j"
    path.write_bytes(b'suprsend-typed-journal {"format": 2, "ki')

    open_journal(path).close()

    assert path.read_text().startswith("suprsend-typed-journal {") and path.read_text().endswith("}\n")
    open_journal(path).close()


def test_a_journal_of_another_send_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j"
    open_journal(path).close()

    with pytest.raises(JournalError, match="belongs to another send: its shard"):
        open_journal(path, {**EXPECTED, "shard": "0/2"})


def test_a_file_that_is_not_a_journal_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    path.write_text('{"distinct_id": "u1"}\n')

    with pytest.raises(JournalError, match="is not a suprsend-typed journal"):
        open_journal(path)
    assert path.read_text() == '{"distinct_id": "u1"}\n'


def test_a_corrupt_entry_is_refused_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "j"
    open_journal(path).close()
    with path.open("ab") as file:
        file.write(f"A 1-x {digest([1])}\n".encode())

    with pytest.raises(JournalError, match="line 2: malformed ranges"):
        open_journal(path)


def test_a_journal_in_use_by_another_process_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j"
    first = open_journal(path)
    try:
        with pytest.raises(JournalError, match="in use by another process"):
            open_journal(path)
    finally:
        first.close()


def test_a_new_journal_is_readable_by_its_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "j"
    open_journal(path).close()

    assert stat.S_IMODE(path.stat().st_mode) == FILE_MODE == 0o600


@pytest.mark.parametrize(
    "text",
    [
        b'{"distinct_id": "u1"}',  # one line without a newline: once cut to nothing and made a journal
        b'{"distinct_id": "u1"}\n{"distinct_id": "u2"}',
        b"suprsend-typed-journal not json\nA 1",
        b"\n",
    ],
)
def test_a_file_that_is_not_a_journal_is_left_exactly_as_it_was(tmp_path: Path, text: bytes) -> None:
    path = tmp_path / "data.json"
    path.write_bytes(text)
    path.chmod(0o644)

    with pytest.raises(JournalError, match="is not a suprsend-typed journal"):
        open_journal(path)
    assert path.read_bytes() == text
    assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_a_refused_journal_keeps_its_partial_last_line(tmp_path: Path) -> None:
    path = tmp_path / "j"
    open_journal(path).close()
    with path.open("ab") as file:
        file.write(b"A 1-x 0123456789abcdef\nA 6-1")
    before = path.read_bytes()

    with pytest.raises(JournalError, match="malformed ranges"):
        open_journal(path)
    assert path.read_bytes() == before


def test_a_journal_of_the_old_format_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "j"
    text = b'suprsend-typed-journal {"format": 1, "seed": "s"}\nA 1-3\n'
    path.write_bytes(text)

    with pytest.raises(JournalError, match="format 1"):
        open_journal(path)
    assert path.read_bytes() == text


def test_an_empty_file_becomes_a_journal(tmp_path: Path) -> None:
    path = tmp_path / "j"
    path.write_bytes(b"")

    open_journal(path).close()

    assert path.read_text().startswith("suprsend-typed-journal ")


def test_a_line_acknowledged_twice_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "j"
    journal = open_journal(path)
    acknowledge(journal, [1, 2, 3])
    acknowledge(journal, [3, 4])
    journal.close()

    with pytest.raises(JournalError, match="line 3 is acknowledged twice"):
        open_journal(path)


def _reopened_with(tmp_path: Path, entries: Sequence[Sequence[int]]) -> Journal:
    path = tmp_path / "j"
    journal = open_journal(path)
    for lines in entries:
        acknowledge(journal, lines)
    journal.close()
    return open_journal(path)


def test_the_acknowledged_lines_pass_when_their_content_is_the_same(tmp_path: Path) -> None:
    journal = _reopened_with(tmp_path, [[1, 2, 4], [3], [5, 6]])
    try:
        for line in range(1, 7):
            journal.verifier.check(line, content(line))
        journal.verifier.finish(6)
    finally:
        journal.close()


def test_a_line_of_other_content_fails_when_its_chunk_ends(tmp_path: Path) -> None:
    journal = _reopened_with(tmp_path, [[1, 2, 4], [3]])
    try:
        journal.verifier.check(1, content(1))
        journal.verifier.check(2, b'{"line": "edited"}')
        journal.verifier.check(3, content(3))
        differs = "line 4 ends a chunk whose content differs.*lines 1-2,4"
        with pytest.raises(JournalMismatchError, match=differs):
            journal.verifier.check(4, content(4))
    finally:
        journal.close()


def test_an_input_shorter_than_the_acknowledged_lines_fails(tmp_path: Path) -> None:
    journal = _reopened_with(tmp_path, [[1, 2], [3, 4]])
    try:
        journal.verifier.check(1, content(1))
        journal.verifier.check(2, content(2))
        journal.verifier.check(3, content(3))
        with pytest.raises(JournalMismatchError, match="the input ended at line 3.*lines 3-4"):
            journal.verifier.finish(3)
    finally:
        journal.close()
