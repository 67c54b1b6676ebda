"""``suprsend-typed send`` as a subprocess against the sandbox: sends, bad lines, dry runs, kinds, errors."""

from __future__ import annotations

import json
import subprocess
import sys
from collections import Counter
from pathlib import Path

from suprsend_typed.cli import exit_codes
from suprsend_typed.sandbox import Fault

from .conftest import Cli, events, write_lines


def test_a_file_of_events_is_sent_once_and_summarised(cli: Cli) -> None:
    write_lines(cli.workdir / "events.jsonl", events(1_000))

    code, summary, _ = cli.summary("send", "events", "events.jsonl")

    assert code == exit_codes.OK
    assert summary["lines"] == summary["valid"] == summary["accepted"] == 1_000
    assert summary["failed"] == summary["invalid"] == 0
    assert cli.hub.counts()["accepted"] == 1_000
    sent = [record["body"] for record in cli.hub.records("event")]
    assert sorted(body["properties"]["order"] for body in sent) == list(range(1_000))
    assert all(body["env"] and body["$time"] and body["properties"]["$ss_sdk_version"] for body in sent)


def test_bad_lines_are_reported_with_their_line_numbers(cli: Cli) -> None:
    lines = [json.dumps(record) for record in events(5)]
    lines[1] = "{not json"
    lines[3] = json.dumps({"distinct_id": "u1", "event": "$reserved"})
    lines.insert(4, "")  # blank lines are skipped, not errors
    lines.append(json.dumps(["an", "array"]))
    (cli.workdir / "events.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    done = cli.run("send", "events", "events.jsonl", "--failed-out", "failed.jsonl")

    assert done.returncode == exit_codes.FAILED
    assert "line 2: not JSON" in done.stderr
    assert "line 4: event_names starting with [$,ss_] are reserved" in done.stderr
    assert "line 7: a line must hold one JSON object, got list" in done.stderr
    failed = [json.loads(line) for line in (cli.workdir / "failed.jsonl").read_text().splitlines()]
    assert [(entry["line"], entry["code"], entry["outcome_unknown"]) for entry in failed] == [
        (2, 400, False),
        (4, 400, False),
        (7, 400, False),
    ]
    assert failed[0]["text"] == "{not json" and failed[0]["record"] is None
    assert cli.hub.counts()["accepted"] == 3


def test_chunks_the_hub_refuses_are_reported_by_line_and_sent_again_on_resume(cli: Cli) -> None:
    write_lines(cli.workdir / "events.jsonl", events(250))
    cli.hub.faults.add(Fault(kind="status", status=400), at=[1])  # the second chunk: lines 101-200
    args = (
        "send",
        "events",
        "events.jsonl",
        "--concurrency",
        "1",
        "--journal",
        "j",
        "--failed-out",
        "failed",
    )

    code, summary, _ = cli.summary(*args)

    failed = [json.loads(line) for line in (cli.workdir / "failed").read_text().splitlines()]
    assert code == exit_codes.FAILED
    assert (summary["accepted"], summary["failed"]) == (150, 100)
    assert [entry["line"] for entry in failed] == list(range(101, 201))
    assert {(entry["code"], entry["outcome_unknown"]) for entry in failed} == {(400, False)}

    code, summary, _ = cli.summary(*args)

    assert code == exit_codes.OK
    assert (summary["already_acknowledged"], summary["accepted"]) == (150, 100)
    assert (cli.workdir / "failed").read_text() == ""
    assert cli.hub.counts()["accepted"] == 250


def test_a_failure_of_unknown_outcome_is_counted_once_after_a_resume(cli: Cli) -> None:
    write_lines(cli.workdir / "events.jsonl", events(150))
    # The hub records the first chunk, then drops the connection on it and on both retries.
    cli.hub.faults.add(Fault(kind="drop_after"), at=[0, 1, 2])
    args = (
        "send",
        "events",
        "events.jsonl",
        "--concurrency",
        "1",
        "--journal",
        "j",
        "--failed-out",
        "failed",
    )

    code, summary, _ = cli.summary(*args)

    failed = [json.loads(line) for line in (cli.workdir / "failed").read_text().splitlines()]
    assert code == exit_codes.FAILED
    assert (summary["failed"], summary["outcome_unknown"], summary["accepted"]) == (100, 100, 50)
    assert all(entry["outcome_unknown"] for entry in failed)

    code, summary, _ = cli.summary(*args)

    assert code == exit_codes.OK
    counts = cli.hub.counts()
    assert counts["accepted"] == 150  # the resent records carried the same $insert_id: duplicates
    assert counts["duplicate"] >= 100


def test_a_dry_run_validates_every_line_and_sends_nothing(cli: Cli) -> None:
    records: list[object] = [*events(3), {"distinct_id": "", "event": "e"}]
    write_lines(cli.workdir / "events.jsonl", records)

    code, summary, stderr = cli.summary("send", "events", "events.jsonl", "--dry-run", "--journal", "j")

    assert code == exit_codes.FAILED
    assert (summary["valid"], summary["invalid"], summary["accepted"]) == (3, 1, 0)
    assert "line 4: distinct_id missing" in stderr
    assert cli.hub.counts()["requests"] == 0
    assert not (cli.workdir / "j").exists()


def test_a_dry_run_needs_no_credentials(cli: Cli) -> None:
    write_lines(cli.workdir / "events.jsonl", events(2))

    done = cli.run(
        "send", "events", "events.jsonl", "--dry-run", SUPRSEND_WORKSPACE_KEY="", SUPRSEND_WORKSPACE_SECRET=""
    )

    assert done.returncode == exit_codes.OK, done.stderr


def test_workflow_triggers_get_a_deterministic_idempotency_key(cli: Cli) -> None:
    triggers = [{"workflow": "welcome", "recipients": [f"user-{i}"], "data": {"i": i}} for i in range(5)]
    triggers.append({"workflow": "welcome", "recipients": ["own"], "$idempotency_key": "my-own-key"})
    write_lines(cli.workdir / "workflows.jsonl", triggers)

    first = cli.run("send", "workflows", "workflows.jsonl")
    second = cli.run("send", "workflows", "workflows.jsonl")  # no journal: the hub dedupes the same keys

    assert first.returncode == second.returncode == exit_codes.OK, first.stderr + second.stderr
    counts = cli.hub.counts()
    assert (counts["accepted"], counts["duplicate"]) == (6, 6)
    keys = [record["idempotency_key"] for record in cli.hub.records("workflow_trigger", "accepted")]
    assert "my-own-key" in keys and len(set(keys)) == 6


def test_profile_edits_are_sent_as_identity_events(cli: Cli) -> None:
    edits = [
        {"distinct_id": f"user-{i}", "$user_operations": [{"$set": {"plan": "pro"}}]} for i in range(450)
    ]
    write_lines(cli.workdir / "users.jsonl", edits)

    code, summary, _ = cli.summary("send", "users", "users.jsonl")

    assert code == exit_codes.OK
    assert summary["accepted"] == 450
    assert Counter(record["kind"] for record in cli.hub.records()) == {"identity_event": 450}


def test_standard_input_is_read_with_a_dash(cli: Cli) -> None:
    data = "".join(json.dumps(record) + "\n" for record in events(10)).encode()

    done = cli.run("send", "events", "-", "--json", stdin=data)

    assert done.returncode == exit_codes.OK, done.stderr
    assert json.loads(done.stdout)["accepted"] == 10


def test_usage_and_configuration_errors_exit_2(cli: Cli) -> None:
    write_lines(cli.workdir / "events.jsonl", events(2))

    bad_shard = cli.run("send", "events", "events.jsonl", "--shard", "3/3")
    no_credentials = cli.run(
        "send", "events", "events.jsonl", SUPRSEND_WORKSPACE_KEY="", SUPRSEND_WORKSPACE_SECRET=""
    )
    missing_file = cli.run("send", "events", "missing.jsonl")
    unknown_kind = cli.run("send", "tenants", "events.jsonl")

    for done in (bad_shard, no_credentials, missing_file, unknown_kind):
        assert done.returncode == exit_codes.USAGE, done.stderr
    assert "0 <= K < N" in bad_shard.stderr
    assert "no credentials" in no_credentials.stderr
    assert cli.hub.counts()["requests"] == 0


def test_the_console_script_and_the_module_are_the_same_command(cli: Cli) -> None:
    script = Path(sys.executable).parent / "suprsend-typed"

    done = subprocess.run([str(script), "--version"], capture_output=True, text=True, check=False)

    assert done.returncode == 0 and done.stdout.startswith("suprsend-typed ")
    assert cli.run("--version").stdout == done.stdout


def test_lines_are_read_as_one_json_value_with_white_space_around_it_and_checked_in_utf8_bytes(
    cli: Cli,
) -> None:
    first, second, third, fourth, fifth = (json.dumps(record) for record in events(5))
    lines = [
        "\ufeff" + first,  # a byte order mark at the start of the file
        " \t" + second + "  ",
        third + " x",
        json.dumps({"distinct_id": " u1 ", "event": " order ", "properties": {"n": 1}}),
        # 409,600 characters, 819,200 bytes of UTF-8: too big, though short enough counted in characters.
        json.dumps({"distinct_id": "u1", "event": "order", "properties": {"text": "é" * 409_600}}),
        fourth,
        fifth,
    ]
    (cli.workdir / "events.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")

    done = cli.run("send", "events", "events.jsonl")

    assert done.returncode == exit_codes.FAILED
    assert "line 3: not JSON: Extra data: line 1 column" in done.stderr
    assert "line 5: Event size too big" in done.stderr
    sent = [record["body"] for record in cli.hub.records("event")]
    assert len(sent) == 5
    assert {(body["distinct_id"], body["event"]) for body in sent if "n" in body["properties"]} == {
        ("u1", "order")
    }
