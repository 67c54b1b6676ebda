"""Shared fixtures: every test leaves the ``suprsend_typed`` logger as it found it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from suprsend_typed._logging import logger


@pytest.fixture(autouse=True)
def restore_sdk_logger() -> Iterator[None]:
    handlers, level = list(logger.handlers), logger.level
    yield
    for handler in logger.handlers:
        if handler not in handlers:
            logger.removeHandler(handler)
    logger.setLevel(level)
