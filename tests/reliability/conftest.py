"""Shared fixtures: the logger restored after each test, fast retries, a sandbox hub with our credentials."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from suprsend_typed._logging import logger
from suprsend_typed.sandbox import Sandbox

from .scenarios import start_sandbox


@pytest.fixture(autouse=True)
def restore_sdk_logger() -> Iterator[None]:
    handlers, level = list(logger.handlers), logger.level
    yield
    for handler in list(logger.handlers):
        if handler not in handlers:
            logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture
def retry_sleeps() -> list[float]:
    """Retry waits, recorded instead of slept: pass ``sleep=retry_sleeps.append`` to the client."""
    return []


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    running = start_sandbox()
    yield running
    running.close()
