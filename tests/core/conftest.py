"""Fixtures of the core tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .loopback import LoopbackServer


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    running = LoopbackServer()
    yield running
    running.close()
