"""Shared fixtures: the logger restored after each test, fast retries, a sandbox hub with our credentials."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import pytest

from suprsend_typed import _client
from suprsend_typed._logging import logger
from suprsend_typed._retry import RetryMiddleware
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
def retry_sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """Clients built in the test record their retry waits instead of sleeping them.

    The client builds its own ``RetryMiddleware`` and has no option for its ``sleep`` yet, so the class it
    looks up is replaced by one with an injected sleep; everything else about retrying stays real.
    """
    sleeps: list[float] = []
    monkeypatch.setattr(_client, "RetryMiddleware", functools.partial(RetryMiddleware, sleep=sleeps.append))
    return sleeps


@pytest.fixture
def sandbox() -> Iterator[Sandbox]:
    running = start_sandbox()
    yield running
    running.close()
