"""``suprsend-typed <namespace> <method>``: every operation of the table as a command.

In process, every operation's command is checked to send what its generated method sends for the same
sample values; as a subprocess against the sandbox, the operations it serves today are run end to end.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
import subprocess
import sys
from contextlib import redirect_stdout
from pathlib import Path

import pytest

from suprsend_typed import Suprsend
from suprsend_typed._errors import NotFoundError
from suprsend_typed._generated.operations import OPERATIONS
from suprsend_typed._http import Request
from suprsend_typed._operation import OperationInfo
from suprsend_typed.cli import exit_codes
from suprsend_typed.cli.main import build_parser, main
from suprsend_typed.cli.operation_calls import OperationCall, generated_class
from suprsend_typed.cli.operation_commands import invoke, operation_call, prepare, spelled
from suprsend_typed.sandbox import DEFAULT_WORKSPACE_KEY
from tests.core.fakes import FakeTransport, reply
from tests.support.operation_samples import direct_arguments, query_values, sample_body

from .conftest import COMMAND_TIMEOUT_S, Cli

ROOT = Path(__file__).resolve().parents[2]
KEY, SECRET = "workspace-key", "workspace-secret"
BASE_URL = "http://127.0.0.1:9/"
NOT_FOUND = reply(404, {"message": "not found"})


def command_line(op: OperationInfo, call: OperationCall, ids: list[str], body: object) -> list[str]:
    argv = [spelled(op.namespace), spelled(op.method_name), *ids]
    if body is not None:
        argv += ["--json", json.dumps(body)]
    for name, value in query_values(call).items():
        for item in value if isinstance(value, list) else [value]:
            text = json.dumps(item) if isinstance(item, bool) else str(item)
            argv += [f"--{spelled(name)}", text]
    return argv


def _client(transport: FakeTransport) -> Suprsend:
    return Suprsend(KEY, SECRET, BASE_URL, transport=transport, auto_idempotency_key=False)


def _wire(request: Request) -> tuple[str, str, object]:
    return request.method, request.url, json.loads(request.content) if request.content else None


@pytest.fixture(scope="module")
def parser() -> argparse.ArgumentParser:
    return build_parser()


@pytest.mark.parametrize("op", list(OPERATIONS.values()), ids=list(OPERATIONS))
def test_each_command_sends_what_its_generated_method_sends(
    op: OperationInfo, parser: argparse.ArgumentParser
) -> None:
    call = operation_call(op)
    ids = [f"{name}-v" for name in call.path_ids]
    body = sample_body(op) if call.takes_body else None
    args = parser.parse_args(command_line(op, call, ids, body))

    by_command = FakeTransport(script=[NOT_FOUND])
    with _client(by_command) as client, redirect_stdout(io.StringIO()):
        code = invoke(call, client, *prepare(args.operation_call, args), stream_all=False)
    assert code == exit_codes.FAILED  # the hub's 404

    by_method = FakeTransport(script=[NOT_FOUND])
    with _client(by_method) as client, pytest.raises(NotFoundError):
        resource = getattr(client, op.namespace)
        method = getattr(generated_class(resource, op.namespace), op.method_name)
        method(resource, *direct_arguments(op, call, ids, body))
    assert len(by_command.sent) == len(by_method.sent) == 1
    assert _wire(by_command.sent[0]) == _wire(by_method.sent[0])
    if call.query_fields:
        assert "?" in by_command.sent[0].url  # every query flag reached the request


@pytest.mark.parametrize("op", list(OPERATIONS.values()), ids=list(OPERATIONS))
def test_each_command_help_shows_the_summary_from_the_spec(
    op: OperationInfo, parser: argparse.ArgumentParser, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exited:
        parser.parse_args([spelled(op.namespace), op.method_name, "--help"])  # the `_` spelling works too
    assert exited.value.code == 0
    shown = " ".join(capsys.readouterr().out.split())
    assert f"{op.http_method} {op.path}: {' '.join(op.summary.split())}" in shown


def test_help_lists_the_query_flags_and_body_fields_with_their_descriptions(
    parser: argparse.ArgumentParser, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        parser.parse_args(["tenants", "upsert", "--help"])
    upsert = " ".join(capsys.readouterr().out.split())
    assert "TENANT_ID" in upsert and "logo: URL of the logo." in upsert
    with pytest.raises(SystemExit):
        parser.parse_args(["messages", "list", "--help"])
    listing = " ".join(capsys.readouterr().out.split())
    assert (
        "--recipient-id RECIPIENT_ID" in listing and "query key recipient_id[], repeat for several" in listing
    )


def test_array_flags_repeat_and_query_takes_wire_keys(parser: argparse.ArgumentParser) -> None:
    args = parser.parse_args(
        ["messages", "list", "--status", "sent", "--query", "status[]=seen", "--query", "is_campaign=false"]
    )
    positional, keywords = prepare(args.operation_call, args)
    assert keywords == {"status": ["sent", "seen"], "is_campaign": False}


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tenants", "list", "--limit", "5000"], "limit: 5000 is more than the maximum of 1000"),
        (["messages", "list", "--query", "nope=1"], "--query nope: not a query parameter"),
        (["messages", "list", "--query", "limit=x"], "limit: must be an integer"),
        (["users", "edit", "u1", "--json", "{"], "is not JSON"),
        (["users", "merge", "u1", "--json", "{}"], "from_user_id"),
    ],
)
def test_usage_mistakes_exit_2_before_anything_is_sent(argv: list[str], message: str, cli: Cli) -> None:
    done = cli.run(*argv)
    assert done.returncode == exit_codes.USAGE, done.stderr
    assert message in done.stderr


def test_users_edit_and_get_against_the_sandbox_with_the_body_from_a_file_or_stdin(cli: Cli) -> None:
    body = {"operations": [{"$set": {"name": "Ann"}}]}
    path = cli.workdir / "edit.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    edited = cli.run("users", "edit", "u1", "--json", f"@{path}")
    assert edited.returncode == exit_codes.OK, edited.stderr
    assert json.loads(edited.stdout)["properties"] == {"name": "Ann"}
    again = cli.run(
        "users", "edit", "u1", "--json", "-", stdin=json.dumps({"operations": [{"$set": {"n": 2}}]}).encode()
    )
    assert again.returncode == exit_codes.OK, again.stderr
    fetched = cli.run("users", "get", "u1")
    assert fetched.returncode == exit_codes.OK, fetched.stderr
    assert json.loads(fetched.stdout)["properties"] == {"name": "Ann", "n": 2}


def test_a_bad_body_exits_2_naming_the_field(cli: Cli) -> None:
    done = cli.run("users", "edit", "u1", "--json", '{"operations": 5}')
    assert done.returncode == exit_codes.USAGE
    assert "operations: expected an array" in done.stderr


def test_an_api_404_exits_1_with_the_status_and_message(cli: Cli) -> None:
    done = cli.run("users", "get", "nobody")
    assert done.returncode == exit_codes.FAILED
    assert "404" in done.stderr and "nobody" in done.stderr
    assert done.stdout == ""


def test_trigger_then_list_messages_as_a_page_and_as_json_lines(cli: Cli) -> None:
    trigger = {"workflow": "welcome", "recipients": [{"distinct_id": "u1"}], "data": {}}
    for _ in range(3):
        done = cli.run("workflows", "trigger", "--json", json.dumps(trigger))
        assert done.returncode == exit_codes.OK, done.stderr
        assert json.loads(done.stdout)["status"] == "success"
    page = cli.run("messages", "list", "--limit", "2")
    assert page.returncode == exit_codes.OK, page.stderr
    assert len(json.loads(page.stdout)["results"]) == 2
    every = cli.run("messages", "list", "--limit", "2", "--all")
    assert every.returncode == exit_codes.OK, every.stderr
    lines = [json.loads(line) for line in every.stdout.splitlines()]
    assert len(lines) == 3 and {line["recipient"]["distinct_id"] for line in lines} == {"u1"}


def test_max_pages_stops_the_walk_and_says_how_to_go_on(cli: Cli) -> None:
    """Five messages, two a page: ``--max-pages 2`` prints four and, on standard error, the cursor that a
    second run continues from; together they are the five, each once."""
    with cli.hub.client() as client:
        for n in range(5):
            client.workflows.trigger({"workflow": "welcome", "recipients": [f"u{n}"], "data": {}})
    capped = cli.run("messages", "list", "--limit", "2", "--all", "--max-pages", "2")
    assert capped.returncode == exit_codes.OK, capped.stderr
    first = [json.loads(line)["message_id"] for line in capped.stdout.splitlines()]
    assert len(first) == 4
    hint = re.search(
        r"stopped after 2 page\(s\) \(--max-pages\); more pages remain: continue with (.*)$", capped.stderr
    )
    assert hint is not None, capped.stderr
    rest = cli.run("messages", "list", "--limit", "2", "--all", *hint.group(1).split())
    assert rest.returncode == exit_codes.OK and rest.stderr == ""
    second = [json.loads(line)["message_id"] for line in rest.stdout.splitlines()]
    assert len(second) == 1 and len(set(first + second)) == 5


def test_events_track_sends_the_wire_event_as_given(cli: Cli) -> None:
    event = {
        "event": "signed_up",
        "distinct_id": "u1",
        "properties": {"plan": "pro"},
        "$insert_id": "7d1c1a56-4a38-4a43-9a1b-1f1e4c2b8e01",
        "$time": 1764700000000,
        "env": DEFAULT_WORKSPACE_KEY,
    }
    done = cli.run("events", "track", "--json", json.dumps(event))
    assert done.returncode == exit_codes.OK, done.stderr
    assert json.loads(done.stdout)


def test_missing_credentials_exit_2(cli: Cli) -> None:
    done = cli.run("users", "get", "u1", SUPRSEND_WORKSPACE_KEY="", SUPRSEND_WORKSPACE_SECRET="")
    assert done.returncode == exit_codes.USAGE
    assert "no credentials" in done.stderr


README_SECTION = re.compile(r"^## Every operation as a command\n(.*?)^## ", re.S | re.M)
BASH_BLOCK = re.compile(r"^```bash\n(.*?)^```", re.S | re.M)


def test_the_readme_block_of_operation_commands_runs_against_the_sandbox(cli: Cli) -> None:
    section = README_SECTION.search((ROOT / "README.md").read_text(encoding="utf-8"))
    assert section is not None
    (block,) = BASH_BLOCK.findall(section.group(1))
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    done = subprocess.run(
        ["bash", "-e", "-c", block],
        cwd=cli.workdir,
        env=cli.env(PATH=path),
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_S,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert '"name": "Ann"' in done.stdout and done.stdout.rstrip().endswith("exit code 1")
    messages = (cli.workdir / "messages.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["recipient"]["distinct_id"] for line in messages] == ["user-1"]


def test_a_reader_that_stops_early_ends_the_command_quietly(cli: Cli) -> None:
    trigger = {"workflow": "welcome", "recipients": ["u1"], "data": {}}
    assert cli.run("workflows", "trigger", "--json", json.dumps(trigger)).returncode == exit_codes.OK
    process = subprocess.Popen(
        cli.command("messages", "list", "--all"),
        cwd=cli.workdir,
        env=cli.env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    process.stdout.close()  # closed before the command writes: its first line meets a broken pipe
    _, stderr = process.communicate(timeout=COMMAND_TIMEOUT_S)
    assert process.returncode == exit_codes.OK
    assert stderr == ""


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """In-process runs of ``main`` that can send nothing: no credentials anywhere, no config file."""
    for name in list(os.environ):
        if name.startswith("SUPRSEND_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SUPRSEND_CONFIG", str(tmp_path / "no-config.ini"))


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"operations": [{"$set": {"name": "\xff"}}]}', "is not UTF-8"),
        (b'{"operations": [{"$set": {"n": ' + b"1" * 5000 + b"}}]}", "is not JSON"),
        (b"[" * 100_000, "is not JSON"),
    ],
    ids=["not-utf8", "huge-integer", "too-deep"],
)
def test_an_unreadable_body_file_exits_2_with_one_line(
    content: bytes, message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], no_credentials: None
) -> None:
    path = tmp_path / "body.json"
    path.write_bytes(content)
    code = main(["users", "edit", "u1", "--json", f"@{path}"])
    err = capsys.readouterr().err
    assert code == exit_codes.USAGE, err
    assert message in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "body",
    [
        '{"operations": [{"$set": {"name": "Ann"}}], "operations": []}',
        '{"operations": [{"$set": {"name": "Ann", "name": "Bob"}}]}',
    ],
    ids=["top-level", "nested"],
)
def test_a_duplicate_key_in_the_body_exits_2_instead_of_dropping_a_value(
    body: str, capsys: pytest.CaptureFixture[str], no_credentials: None
) -> None:
    code = main(["users", "edit", "u1", "--json", body])
    err = capsys.readouterr().err
    assert code == exit_codes.USAGE, err
    assert "duplicate key" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["workflows", "trigger"], "needs a body"),
        (["workflows", "trigger", "--json", "null"], "needs a body"),
        (["workflows", "trigger", "--json", '"welcome"'], "must be a JSON object or array, got str"),
        (["events", "track-bulk", "--json", "5"], "must be a JSON object or array, got int"),
    ],
)
def test_a_missing_or_scalar_body_exits_2_before_anything_is_sent(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str], no_credentials: None
) -> None:
    code = main(argv)
    err = capsys.readouterr().err
    assert code == exit_codes.USAGE, err
    assert message in err and len(err.splitlines()) == 1


@pytest.mark.parametrize(
    "argv",
    [
        ["messages", "list", "--limit", "5", "--limit", "7"],
        ["users", "edit", "u1", "--json", '{"operations": []}', "--json", '{"operations": []}'],
    ],
    ids=["query-flag", "json"],
)
def test_a_single_valued_flag_given_twice_exits_2_instead_of_keeping_the_last(
    argv: list[str], capsys: pytest.CaptureFixture[str], no_credentials: None
) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    assert exited.value.code == exit_codes.USAGE
    assert "given twice" in capsys.readouterr().err
