"""``--shard auto``: the shard of a pod of a Kubernetes Indexed Job, read from its environment."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suprsend_typed.cli import exit_codes
from suprsend_typed.cli.main import main
from suprsend_typed.cli.shard import COUNT_VARIABLE, INDEX_VARIABLE, Shard, ShardSpecError

from .conftest import Cli, events, write_lines

SHARDS = 3


@given(count=st.integers(min_value=1, max_value=1_000), data=st.data())
def test_auto_is_the_explicit_shard_of_the_pod_index(count: int, data: st.DataObject) -> None:
    index = data.draw(st.integers(min_value=0, max_value=count - 1))
    explicit = Shard.parse(f"{index}/{count}")
    environ = {INDEX_VARIABLE: str(index)}
    assert Shard.resolve("auto", count=count, environ=environ) == explicit
    assert Shard.resolve(" auto ", count=None, environ={**environ, COUNT_VARIABLE: str(count)}) == explicit


def test_the_flag_wins_over_the_environment_variable() -> None:
    environ = {INDEX_VARIABLE: "2", COUNT_VARIABLE: "3"}
    assert Shard.resolve("auto", count=5, environ=environ) == Shard(index=2, count=5)


def test_an_explicit_shard_reads_no_environment() -> None:
    assert Shard.resolve("1/4", count=None, environ={INDEX_VARIABLE: "3"}) == Shard(index=1, count=4)


@pytest.mark.parametrize(
    ("text", "count", "environ", "message"),
    [
        ("auto", 3, {}, f"reads {INDEX_VARIABLE}, which is not set"),
        ("auto", None, {INDEX_VARIABLE: "0"}, f"--shard-count N or {COUNT_VARIABLE}"),
        ("auto", None, {INDEX_VARIABLE: "0", COUNT_VARIABLE: "three"}, "must be a whole number"),
        ("auto", 3, {INDEX_VARIABLE: "-1"}, "must be a whole number"),
        ("auto", 3, {INDEX_VARIABLE: "3"}, "below the number of shards (3)"),
        ("auto", 0, {INDEX_VARIABLE: "0"}, "--shard-count must be >= 1 (the number of shards), got 0"),
        ("auto", -2, {INDEX_VARIABLE: "0"}, "--shard-count must be >= 1 (the number of shards), got -2"),
        (
            "auto",
            None,
            {INDEX_VARIABLE: "0", COUNT_VARIABLE: "0"},
            f"{COUNT_VARIABLE} must be >= 1 (the number of shards), got 0",
        ),
        ("1/3", 3, {}, "goes with --shard auto only"),
    ],
)
def test_a_shard_that_cannot_be_resolved_is_refused(
    text: str, count: int | None, environ: dict[str, str], message: str
) -> None:
    with pytest.raises(ShardSpecError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Shard.resolve(text, count=count, environ=environ)


def _sent_insert_ids(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *args: str, **env: str
) -> set[str]:
    """The records one run sends, run in this process (as the console script runs it) to keep it quick."""
    cli.hub.reset()
    with monkeypatch.context() as patched:
        for name, value in cli.env(**env).items():
            patched.setenv(name, value)
        patched.chdir(cli.workdir)
        code = main(["send", "events", "events.jsonl", *args, "--json"])
    out, err = capsys.readouterr()
    assert code == exit_codes.OK, err
    ids = {record["body"]["$insert_id"] for record in cli.hub.records("event")}
    assert len(ids) == json.loads(out)["accepted"] > 0
    return ids


def test_auto_sends_the_same_lines_as_the_explicit_shard(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_lines(cli.workdir / "events.jsonl", events(60, users=23))
    every_line: set[str] = set()
    for index in range(SHARDS):
        explicit = _sent_insert_ids(cli, monkeypatch, capsys, "--shard", f"{index}/{SHARDS}")
        by_flag = _sent_insert_ids(
            cli,
            monkeypatch,
            capsys,
            "--shard",
            "auto",
            "--shard-count",
            str(SHARDS),
            **{INDEX_VARIABLE: str(index)},
        )
        by_variable = _sent_insert_ids(
            cli,
            monkeypatch,
            capsys,
            "--shard",
            "auto",
            **{INDEX_VARIABLE: str(index), COUNT_VARIABLE: str(SHARDS)},
        )
        assert explicit == by_flag == by_variable
        assert not explicit & every_line
        every_line |= explicit
    assert len(every_line) == 60


def test_auto_outside_an_indexed_job_is_a_usage_error(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_lines(cli.workdir / "events.jsonl", events(2))
    for name, value in cli.env().items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv(INDEX_VARIABLE, raising=False)
    monkeypatch.chdir(cli.workdir)

    auto = main(["send", "events", "events.jsonl", "--shard", "auto", "--shard-count", "2"])
    auto_err = capsys.readouterr().err
    count_alone = main(["send", "events", "events.jsonl", "--shard-count", "2"])
    count_alone_err = capsys.readouterr().err

    assert (auto, count_alone) == (exit_codes.USAGE, exit_codes.USAGE)
    assert INDEX_VARIABLE in auto_err
    assert "--shard-count goes with --shard auto" in count_alone_err
    assert cli.hub.counts()["requests"] == 0


def test_a_shard_count_of_zero_is_a_usage_error_naming_the_minimum(
    cli: Cli, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    write_lines(cli.workdir / "events.jsonl", events(3, users=3))
    monkeypatch.chdir(cli.workdir)
    monkeypatch.setenv(INDEX_VARIABLE, "0")

    code = main(["send", "events", "events.jsonl", "--shard", "auto", "--shard-count", "0"])

    assert code == exit_codes.USAGE
    assert "--shard-count must be >= 1 (the number of shards), got 0" in capsys.readouterr().err
    assert cli.hub.counts()["requests"] == 0
