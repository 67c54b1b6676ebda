"""The journal file: created with its header, reopened with its acknowledged lines, safe after a crash."""

from __future__ import annotations

from pathlib import Path

import pytest

from suprsend_typed.cli.journal import Journal, JournalError

EXPECTED = {
    "kind": "events",
    "input": {"path": "/data/events.jsonl", "size": 10, "mtime_ns": 1},
    "shard": None,
}


def open_journal(path: Path, expected: dict[str, object] = EXPECTED) -> Journal:
    return Journal.open(str(path), expected=expected, new_seed=lambda: "seed-1")


def test_a_new_journal_keeps_its_seed_and_the_acknowledged_lines(tmp_path: Path) -> None:
    path = tmp_path / "j"
    journal = open_journal(path)
    journal.acknowledge([1, 2, 3, 7, 9, 10])
    journal.acknowledge([4])
    journal.close()

    assert path.read_text().splitlines()[1:] == ["A 1-3,7,9-10", "A 4"]
    reopened = Journal.open(str(path), expected=EXPECTED, new_seed=lambda: "another seed")
    assert reopened.seed == "seed-1"
    assert [line for line in range(12) if line in reopened.acknowledged] == [1, 2, 3, 4, 7, 9, 10]
    reopened.close()


def test_a_partial_last_entry_left_by_a_crash_is_cut_off(tmp_path: Path) -> None:
    path = tmp_path / "j"
    open_journal(path).close()
    with path.open("ab") as file:
        file.write(b"A 1-5\nA 6-1")  # killed in the middle of the second entry

    journal = open_journal(path)
    journal.acknowledge([20])
    journal.close()

    assert path.read_text().splitlines()[1:] == ["A 1-5", "A 20"]


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
        file.write(b"A 1-x\n")

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
