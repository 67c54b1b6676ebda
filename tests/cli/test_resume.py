"""Crash, Ctrl-C and sharding: after any stop and a resume, the hub accepts every record exactly once."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from collections import Counter
from pathlib import Path

from suprsend_typed.cli import exit_codes
from suprsend_typed.cli.ids import LineIds, namespace_for
from suprsend_typed.cli.journal import Journal
from suprsend_typed.cli.shard import shard_of

from .conftest import Cli, events, write_lines

LINES = 4_000
WAIT_FOR_PROGRESS_S = 60
POLL_S = 0.01


def wait_for_entries(journal: Path, entries: int, process: subprocess.Popen[str]) -> None:
    """Until the journal holds ``entries`` acknowledged chunks (the process is then mid-send)."""
    deadline = time.monotonic() + WAIT_FOR_PROGRESS_S
    while time.monotonic() < deadline:
        if journal.exists() and journal.read_bytes().count(b"\nA ") >= entries:
            return
        assert process.poll() is None, process.communicate()
        time.sleep(POLL_S)
    raise AssertionError("the send made no progress")


def journaled_lines(path: Path) -> tuple[set[int], LineIds]:
    """The lines a journal lists as acknowledged, and the dedupe keys of its input's lines."""
    journal = Journal.open(str(path), expected={}, new_seed=lambda: "unused")
    try:
        lines = {line for line in range(1, LINES + 1) if line in journal.acknowledged}
        return lines, LineIds(namespace_for(journal.seed))
    finally:
        journal.close()


def accepted_insert_ids(cli: Cli) -> Counter[str]:
    return Counter(str(record["insert_id"]) for record in cli.hub.records("event", "accepted"))


def assert_every_line_accepted_once(cli: Cli, path: Path, ids: LineIds) -> None:
    raw_lines = path.read_bytes().splitlines()
    expected = {ids.key(number, raw) for number, raw in enumerate(raw_lines, 1)}
    accepted = accepted_insert_ids(cli)
    assert set(accepted) == expected
    assert max(accepted.values()) == 1
    assert cli.hub.counts()["accepted"] == len(raw_lines)


def test_kill_9_mid_send_then_resume_accepts_every_record_exactly_once(slow_cli: Cli) -> None:
    cli = slow_cli
    path = write_lines(cli.workdir / "events.jsonl", events(LINES))
    args = ("send", "events", "events.jsonl", "--journal", "run.journal", "--concurrency", "4")
    process = cli.start(*args)
    wait_for_entries(cli.workdir / "run.journal", 5, process)

    process.kill()  # SIGKILL: no clean-up at all
    process.communicate()

    journaled, ids = journaled_lines(cli.workdir / "run.journal")
    assert 0 < len(journaled) < LINES
    # Every journaled line was accepted by the hub: the journal never runs ahead of the hub.
    assert {ids.key(line, raw) for line, raw in _numbered(path) if line in journaled} <= set(
        accepted_insert_ids(cli)
    )

    code, summary, _ = cli.summary(*args)

    assert code == exit_codes.OK
    assert summary["already_acknowledged"] == len(journaled)
    assert summary["accepted"] == LINES - len(journaled)
    assert_every_line_accepted_once(cli, path, ids)


def test_ctrl_c_exits_130_with_a_consistent_journal_and_the_resume_completes(slow_cli: Cli) -> None:
    cli = slow_cli
    path = write_lines(cli.workdir / "events.jsonl", events(LINES))
    args = ("send", "events", "events.jsonl", "--journal", "run.journal", "--failed-out", "failed.jsonl")
    process = cli.start(*args, "--json")
    wait_for_entries(cli.workdir / "run.journal", 3, process)

    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=WAIT_FOR_PROGRESS_S)

    assert process.returncode == exit_codes.INTERRUPTED, stderr
    summary = json.loads(stdout)
    assert summary["interrupted"] is True
    journaled, ids = journaled_lines(cli.workdir / "run.journal")
    # A stop journals exactly the chunks whose answer arrived before it. Chunks still in flight may reach
    # the hub afterwards without being journaled: their outcome is unknown, and the resume re-sends them
    # with the same $insert_id, which the hub de-duplicates. The journal never runs ahead of the hub.
    assert len(journaled) == summary["accepted"] <= cli.hub.counts()["accepted"]
    journaled_keys = {ids.key(line, raw) for line, raw in _numbered(path) if line in journaled}
    assert journaled_keys <= set(accepted_insert_ids(cli))

    code, summary, _ = cli.summary(*args)

    assert code == exit_codes.OK
    assert_every_line_accepted_once(cli, path, ids)


def test_sigterm_stops_as_cleanly_as_ctrl_c(slow_cli: Cli) -> None:
    cli = slow_cli
    write_lines(cli.workdir / "events.jsonl", events(LINES))
    process = cli.start("send", "events", "events.jsonl", "--journal", "run.journal")
    wait_for_entries(cli.workdir / "run.journal", 2, process)

    process.terminate()
    process.communicate(timeout=WAIT_FOR_PROGRESS_S)

    assert process.returncode == exit_codes.INTERRUPTED
    journaled, _ = journaled_lines(cli.workdir / "run.journal")
    assert 0 < len(journaled) <= cli.hub.counts()["accepted"]


def test_shards_cover_the_file_without_overlap(cli: Cli) -> None:
    shards = 3
    records: list[object] = events(1_000, users=97)
    path = write_lines(cli.workdir / "events.jsonl", records)
    with path.open("a", encoding="utf-8") as file:
        file.write("not json\n")  # unreadable: shard 0 reports it, the others skip it

    summaries = []
    for index in range(shards):
        before = len(cli.hub.records("event"))
        code, summary, _ = cli.summary(
            "send",
            "events",
            "events.jsonl",
            "--shard",
            f"{index}/{shards}",
            "--journal",
            f"shard-{index}.journal",
        )
        assert code == (exit_codes.FAILED if index == 0 else exit_codes.OK)
        summaries.append(summary)
        # Every record this shard sent belongs to a user whose id hashes to it.
        sent = cli.hub.records("event")[before:]
        assert sent and {shard_of(record["body"]["distinct_id"], shards) for record in sent} == {index}

    assert sum(summary["accepted"] for summary in summaries) == 1_000
    assert [summary["invalid"] for summary in summaries] == [1, 0, 0]
    for summary in summaries:
        assert summary["accepted"] + summary["other_shards"] + summary["invalid"] == 1_001
    counts = cli.hub.counts()
    assert (counts["accepted"], counts["duplicate"]) == (1_000, 0)
    assert sorted(record["body"]["properties"]["order"] for record in cli.hub.records("event")) == list(
        range(1_000)
    )


def test_a_journal_refuses_another_input(cli: Cli) -> None:
    write_lines(cli.workdir / "a.jsonl", events(3))
    write_lines(cli.workdir / "b.jsonl", events(4))
    assert cli.run("send", "events", "a.jsonl", "--journal", "j").returncode == exit_codes.OK

    other_file = cli.run("send", "events", "b.jsonl", "--journal", "j")
    other_kind = cli.run("send", "users", "a.jsonl", "--journal", "j")
    other_shard = cli.run("send", "events", "a.jsonl", "--journal", "j", "--shard", "0/2")

    for done in (other_file, other_kind, other_shard):
        assert done.returncode == exit_codes.USAGE
        assert "belongs to another send" in done.stderr
    assert cli.hub.counts()["accepted"] == 3


def test_standard_input_resumes_with_the_keys_kept_in_its_journal(cli: Cli) -> None:
    data = "".join(json.dumps(record) + "\n" for record in events(300)).encode()
    (cli.workdir / "j").write_bytes(b"")

    first = cli.run(
        "send", "events", "-", "--journal", "j", stdin=data[: data.index(b"\n", len(data) // 2) + 1]
    )
    second = cli.run("send", "events", "-", "--journal", "j", stdin=data)

    assert first.returncode == second.returncode == exit_codes.OK, first.stderr + second.stderr
    assert cli.hub.counts()["accepted"] == 300


def _numbered(path: Path) -> list[tuple[int, bytes]]:
    return list(enumerate(path.read_bytes().splitlines(), 1))
