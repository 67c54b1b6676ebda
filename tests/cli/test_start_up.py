"""A run of the command builds the operation parsers of the namespace it names, not those of all 79."""

from __future__ import annotations

import argparse

import pytest

from suprsend_typed._generated.operations import OPERATIONS
from suprsend_typed._operation import OperationInfo
from suprsend_typed.cli import operation_commands
from suprsend_typed.cli.main import build_parser, main, named_command


def _built_operations(monkeypatch: pytest.MonkeyPatch, command: str | None) -> list[str]:
    built: list[str] = []
    add_operation = operation_commands._add_operation

    def counting(methods: object, op: OperationInfo) -> None:
        built.append(op.namespace)
        add_operation(methods, op)

    monkeypatch.setattr(operation_commands, "_add_operation", counting)
    build_parser(command)
    return built


@pytest.mark.parametrize("command", ["users", "subscriber-lists", "subscriber_lists"])
def test_only_the_named_namespace_builds_its_operations(
    monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    built = _built_operations(monkeypatch, command)
    namespace = command.replace("-", "_")
    assert set(built) == {namespace}
    assert len(built) == sum(op.namespace == namespace for op in OPERATIONS.values())


@pytest.mark.parametrize("command", ["send", "profile", "sandbox", ""])
def test_other_commands_build_no_operation_parser(monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    assert _built_operations(monkeypatch, command) == []


def test_without_a_command_every_operation_is_built(monkeypatch: pytest.MonkeyPatch) -> None:
    assert len(_built_operations(monkeypatch, None)) == len(OPERATIONS)


def test_every_namespace_is_still_listed() -> None:
    subcommands = next(
        action for action in build_parser("")._actions if isinstance(action, argparse._SubParsersAction)
    )
    for op in OPERATIONS.values():
        assert operation_commands.spelled(op.namespace) in subcommands.choices


@pytest.mark.parametrize(
    ("argv", "named"),
    [
        (["users", "get", "u1"], "users"),
        (["--version"], None),
        (["-h", "tenants"], "tenants"),
        ([], None),
    ],
)
def test_named_command_is_the_first_argument_that_is_not_an_option(
    argv: list[str], named: str | None
) -> None:
    assert named_command(argv) == named


def test_a_namespace_command_parses_through_main(capsys: pytest.CaptureFixture[str]) -> None:
    """Usage errors of the named namespace's operation still come from its own parser."""
    with pytest.raises(SystemExit) as exited:
        main(["tenants", "get"])
    assert exited.value.code == 2
    assert "suprsend-typed tenants get" in capsys.readouterr().err
