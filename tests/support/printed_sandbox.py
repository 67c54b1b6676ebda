"""``python -m suprsend_typed.sandbox`` run as a user runs it, and the environment its ``export`` lines give.

Tests that follow the README's sandbox steps use this: the variables are parsed from what the command
prints, never rebuilt from the sandbox's defaults, so a line it forgets to print fails those tests.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager

STARTUP_TIMEOUT_S = 30
READY = "sandbox ready"
_PIPE_READ_BYTES = 1 << 16


@contextmanager
def printed_sandbox(*options: str) -> Iterator[dict[str, str]]:
    """Start the sandbox command on a free port; yield the variables of its ``export`` lines; stop it."""
    command = [sys.executable, "-m", "suprsend_typed.sandbox", "--port", "0", *options]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert process.stdout is not None and process.stderr is not None
        ready = process.stderr.readline().decode()
        assert READY in ready, ready + process.stderr.read().decode()
        # The export lines were flushed before the ready line, so one read takes them all.
        printed = os.read(process.stdout.fileno(), _PIPE_READ_BYTES).decode()
        yield parse_exports(printed.splitlines())
    finally:
        process.terminate()
        try:
            process.communicate(timeout=STARTUP_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            process.kill()
            process.communicate()


def parse_exports(lines: Sequence[str]) -> dict[str, str]:
    """``{NAME: value}`` of shell ``export NAME=value`` lines, unquoted as the shell would."""
    variables: dict[str, str] = {}
    for line in lines:
        words = shlex.split(line)
        assert words[0] == "export" and len(words) == 2, line
        name, value = words[1].split("=", 1)
        variables[name] = value
    return variables


def shell_environment(printed: Mapping[str, str], home: str) -> dict[str, str]:
    """This process's environment without any ``SUPRSEND_*`` variable or user config, plus ``printed``:
    what a fresh shell has after pasting the lines."""
    environment = {name: value for name, value in os.environ.items() if not name.startswith("SUPRSEND_")}
    environment.update(HOME=home, XDG_CONFIG_HOME=os.path.join(home, ".config"))
    environment.update(printed)
    return environment
