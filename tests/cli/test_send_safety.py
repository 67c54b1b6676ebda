"""``send`` under misuse and hostile input: journals bound to their input, files never destroyed, 0600
files, unreadable lines as bad lines, refused credentials, and errors that say what to do."""

from __future__ import annotations

import json
import os
import signal
import stat
from pathlib import Path
from typing import Any

import pytest

from suprsend_typed.cli import exit_codes
from suprsend_typed.cli.summary import Summary

from .conftest import Cli, events, write_lines
from .test_resume import WAIT_FOR_PROGRESS_S, wait_for_entries

# Far deeper than the interpreter's recursion limit: json cannot read it.
DEEP = 100_000
# More digits than int() reads from text by default (4300).
HUGE_INT_DIGITS = 5_000


def _jsonl(records: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(record) + "\n" for record in records).encode()


def _entries(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- item 1: a journal is bound to the content it acknowledged ---------------------------------------------


def test_another_stream_on_a_standard_input_journal_is_refused_not_skipped(cli: Cli) -> None:
    first = _jsonl(events(300))
    second = _jsonl([{**record, "event": "order_shipped"} for record in events(300)])
    assert cli.run("send", "events", "-", "--journal", "j", stdin=first).returncode == exit_codes.OK

    done = cli.run("send", "events", "-", "--journal", "j", stdin=second)

    assert done.returncode == exit_codes.JOURNAL_MISMATCH, done.stderr
    assert "differs from what journal j acknowledged" in done.stderr
    assert "start a new journal" in done.stderr
    assert cli.hub.counts()["accepted"] == 300
    # With a journal of its own, the second stream is sent in full.
    assert cli.run("send", "events", "-", "--journal", "j2", stdin=second).returncode == exit_codes.OK
    assert cli.hub.counts()["accepted"] == 600


def test_a_stream_shorter_than_what_its_journal_acknowledged_is_refused(cli: Cli) -> None:
    data = _jsonl(events(300))
    assert cli.run("send", "events", "-", "--journal", "j", stdin=data).returncode == exit_codes.OK

    done = cli.run("send", "events", "-", "--journal", "j", stdin=data[: data.index(b"\n", 1000) + 1])

    assert done.returncode == exit_codes.JOURNAL_MISMATCH
    assert "the input ended at line" in done.stderr


def test_a_file_edited_in_place_keeping_its_size_and_time_is_refused(cli: Cli) -> None:
    path = write_lines(cli.workdir / "events.jsonl", events(250))
    assert cli.run("send", "events", "events.jsonl", "--journal", "j").returncode == exit_codes.OK
    before = path.stat()
    path.write_bytes(path.read_bytes().replace(b'"order": 142}', b'"order": 999}'))
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    assert path.stat().st_size == before.st_size

    code, summary, stderr = cli.summary("send", "events", "events.jsonl", "--journal", "j")

    assert code == exit_codes.JOURNAL_MISMATCH == summary["exit_code"]
    assert summary["stopped_by"] == "journal_mismatch"
    assert "line 200 ends a chunk whose content differs" in summary["error"]
    assert cli.hub.counts()["accepted"] == 250


# --- item 2: --journal never destroys a file ---------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [b'{"distinct_id": "u-23"}', b'{"a": 1}\n{"b": 2}\n', b"\n"],
    ids=["23 bytes", "lines", "blank"],
)
def test_a_journal_path_holding_another_file_is_refused_untouched(cli: Cli, content: bytes) -> None:
    write_lines(cli.workdir / "events.jsonl", events(3))
    other = cli.workdir / "settings.json"
    other.write_bytes(content)

    done = cli.run("send", "events", "events.jsonl", "--journal", "settings.json")

    assert done.returncode == exit_codes.USAGE
    assert "is not a suprsend-typed journal" in done.stderr
    assert other.read_bytes() == content
    assert cli.hub.counts()["accepted"] == 0


@pytest.mark.parametrize(
    "flags",
    [
        ("--journal", "events.jsonl"),
        ("--failed-out", "events.jsonl"),
        ("--journal", "./events.jsonl", "--failed-out", "f"),
        ("--journal", "same", "--failed-out", "same"),
    ],
)
def test_the_input_is_never_a_journal_or_failed_out(cli: Cli, flags: tuple[str, ...]) -> None:
    path = write_lines(cli.workdir / "events.jsonl", events(3))
    original = path.read_bytes()

    done = cli.run("send", "events", "events.jsonl", *flags)

    assert done.returncode == exit_codes.USAGE, done.stderr
    assert "is the input file" in done.stderr or "name the same file" in done.stderr
    assert path.read_bytes() == original
    assert not (cli.workdir / "same").exists() and not (cli.workdir / "f").exists()
    assert cli.hub.counts()["accepted"] == 0


# --- item 3: a line that cannot be read or encoded is a bad line -----------------------------------------


def test_unreadable_lines_are_bad_lines_and_the_rest_is_sent(cli: Cli) -> None:
    lines = [json.dumps(record).encode() for record in events(1_000)]
    deep = b'{"distinct_id": "u", "event": "deep", "properties": ' + b"[" * DEEP + b"]" * DEEP + b"}"
    bad = {
        200: b'{"distinct_id": "u", "event": "\xff\xfe not utf-8"}',
        300: b'{"distinct_id": "u", "event": "surrogate", "properties": {"x": "\\ud800"}}',
        400: b'{"distinct_id": "u", "event": "big", "properties": {"x": ' + b"9" * HUGE_INT_DIGITS + b"}}",
        501: deep,
    }
    for line, raw in bad.items():
        lines[line - 1] = raw
    (cli.workdir / "events.jsonl").write_bytes(b"\n".join(lines) + b"\n")
    args = ("send", "events", "events.jsonl", "--journal", "j", "--failed-out", "failed.jsonl")

    code, summary, stderr = cli.summary(*args)

    assert code == exit_codes.FAILED
    assert summary["error"] is None
    assert (summary["accepted"], summary["invalid"]) == (996, 4)
    assert cli.hub.counts()["accepted"] == 996
    failed = _entries(cli.workdir / "failed.jsonl")  # every entry reads back as JSON
    assert [entry["line"] for entry in failed] == sorted(bad)
    by_line = {entry["line"]: entry for entry in failed}
    assert by_line[200]["error"].startswith("not UTF-8") and "\ufffd" in by_line[200]["text"]
    assert "not valid Unicode" in by_line[300]["error"]
    assert by_line[300]["record"]["properties"]["x"] == "\ud800"
    assert "Exceeds the limit" in by_line[400]["error"] and by_line[400]["text"].endswith("9}}")
    assert "nested too deeply" in by_line[501]["error"] and len(by_line[501]["text"]) == len(deep)
    assert "line 501: not readable" in stderr

    code, summary, _ = cli.summary(*args)  # a rerun goes past the bad lines too

    assert code == exit_codes.FAILED
    assert (summary["already_acknowledged"], summary["invalid"], summary["accepted"]) == (996, 4, 0)
    assert cli.hub.counts()["accepted"] == 996


def test_a_line_that_decodes_but_cannot_be_encoded_is_a_bad_line(cli: Cli) -> None:
    # Deep enough to read, too deep to write back: the record and its --failed-out entry both fail to
    # encode, and the entry keeps the line's text.
    depth = 2_000
    deep = {"distinct_id": "u", "event": "deep", "properties": {"x": 0}}
    text = json.dumps(deep).replace("0}", "[" * depth + "]" * depth + "}", 1)
    (cli.workdir / "events.jsonl").write_text(
        json.dumps(events(1)[0]) + "\n" + text + "\n" + json.dumps(events(2)[1]) + "\n", encoding="utf-8"
    )

    code, summary, _ = cli.summary("send", "events", "events.jsonl", "--failed-out", "failed.jsonl")

    assert code == exit_codes.FAILED and summary["error"] is None
    assert (summary["accepted"], summary["invalid"]) == (2, 1)
    [entry] = _entries(cli.workdir / "failed.jsonl")
    assert entry["line"] == 2 and entry["text"] == text and entry["record"] is None


# --- item 7: journal and --failed-out are 0600 ---------------------------------------------------------


def test_the_journal_and_failed_out_are_readable_by_their_owner_only(cli: Cli) -> None:
    lines = [json.dumps(record) for record in events(5)]
    lines[2] = "{not json"
    (cli.workdir / "events.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    cli.run("send", "events", "events.jsonl", "--journal", "j", "--failed-out", "failed.jsonl")

    for name in ("j", "failed.jsonl"):
        assert stat.S_IMODE((cli.workdir / name).stat().st_mode) == 0o600, name


# --- item 8: wrong credentials ----------------------------------------------------------------------------


def test_wrong_credentials_are_one_line_with_a_hint_and_exit_3(cli: Cli) -> None:
    write_lines(cli.workdir / "events.jsonl", events(250))

    done = cli.run(
        "send", "events", "events.jsonl", "--failed-out", "failed.jsonl", SUPRSEND_WORKSPACE_SECRET="wrong"
    )

    assert done.returncode == exit_codes.CREDENTIALS_REFUSED
    assert "Traceback" not in done.stderr
    [line] = done.stderr.splitlines()
    assert line.startswith("suprsend-typed send: error: the hub refused the credentials (401 ")
    assert "SUPRSEND_WORKSPACE_SECRET" in line and "profile show" in line
    assert cli.hub.counts()["accepted"] == 0
    failed = _entries(cli.workdir / "failed.jsonl")
    assert failed and all(entry["code"] == 401 or entry.get("not_answered") for entry in failed)


def test_wrong_credentials_in_the_json_summary(cli: Cli) -> None:
    write_lines(cli.workdir / "events.jsonl", events(3))

    done = cli.run("send", "events", "events.jsonl", "--json", SUPRSEND_WORKSPACE_SECRET="wrong")

    summary = json.loads(done.stdout)
    assert done.returncode == summary["exit_code"] == exit_codes.CREDENTIALS_REFUSED
    assert summary["stopped_by"] == "credentials_refused" and "refused the credentials" in summary["error"]


def test_an_operation_command_answered_401_gives_the_same_hint_and_exit_code(cli: Cli) -> None:
    done = cli.run("users", "get", "user-1", SUPRSEND_WORKSPACE_SECRET="wrong")

    assert done.returncode == exit_codes.CREDENTIALS_REFUSED
    [line] = done.stderr.splitlines()
    assert line.startswith("suprsend-typed users get: error: 401 ") and "SUPRSEND_WORKSPACE_SECRET" in line


# --- item 10: errors that say what to do --------------------------------------------------------------


@pytest.mark.parametrize("content", [b"", b"\n  \n"], ids=["empty", "blank lines"])
def test_an_input_without_records_warns(cli: Cli, content: bytes) -> None:
    (cli.workdir / "events.jsonl").write_bytes(content)

    done = cli.run("send", "events", "events.jsonl")

    assert done.returncode == exit_codes.OK
    assert "warning: events.jsonl holds no records" in done.stderr


def test_a_missing_event_is_named_by_its_wire_key(cli: Cli) -> None:
    write_lines(cli.workdir / "events.jsonl", [{"distinct_id": "u1"}, {"distinct_id": "u1", "event": 7}])

    done = cli.run("send", "events", "events.jsonl")

    assert done.returncode == exit_codes.FAILED
    assert 'line 1: event missing: a line of `send events` names its event under "event"' in done.stderr
    assert "line 2: event must be a string, got int" in done.stderr
    assert "event_name" not in done.stderr


def test_a_missing_credential_names_the_keyword_and_the_variable(cli: Cli) -> None:
    write_lines(cli.workdir / "events.jsonl", events(1))

    done = cli.run("send", "events", "events.jsonl", SUPRSEND_WORKSPACE_KEY="")

    assert done.returncode == exit_codes.USAGE
    assert "SUPRSEND_WORKSPACE_KEY" in done.stderr


def test_lines_left_unanswered_by_an_interrupt_are_in_failed_out_marked(slow_cli: Cli) -> None:
    cli = slow_cli
    write_lines(cli.workdir / "events.jsonl", events(4_000))
    process = cli.start(
        "send", "events", "events.jsonl", "--journal", "j", "--failed-out", "failed.jsonl", "--json"
    )
    wait_for_entries(cli.workdir / "j", 3, process)

    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=WAIT_FOR_PROGRESS_S)

    assert process.returncode == exit_codes.INTERRUPTED, stderr
    summary = json.loads(stdout)
    unanswered = [entry for entry in _entries(cli.workdir / "failed.jsonl") if entry.get("not_answered")]
    assert len(unanswered) >= summary["unanswered"] > 0
    assert all(entry["outcome_unknown"] and entry["record"]["$insert_id"] for entry in unanswered)
    assert [entry["line"] for entry in unanswered] == sorted({entry["line"] for entry in unanswered})


def _summary(**counts: Any) -> Summary:
    base: dict[str, Any] = dict(
        kind="events",
        file="e.jsonl",
        dry_run=False,
        shard=None,
        journal=None,
        failed_out=None,
        lines=10,
        blank=0,
        already_acknowledged=0,
        other_shards=0,
        invalid=0,
        valid=10,
        accepted=6,
        failed=0,
        outcome_unknown=0,
        elapsed_s=1.0,
        interrupted=True,
        error=None,
    )
    return Summary(**{**base, **counts})


def test_the_summary_says_where_the_unanswered_lines_are() -> None:
    def text(summary: Summary) -> str:
        return summary.text(lambda seconds: "0:00:01")

    assert "not answered 4" in text(_summary())
    assert "recorded nowhere: use --journal" in text(_summary())
    assert "marked not_answered" in text(_summary(failed_out="f.jsonl"))
    resumed = text(_summary(journal="j"))
    assert "resume from j: it sends the lines not answered again" in resumed
