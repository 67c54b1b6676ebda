"""Fixtures of the sandbox tests: a running hub that accepts any body (validation is tested on its own)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from suprsend_typed.sandbox import Sandbox

from .wire import Wire


class ManualClock:
    """A clock the test moves by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def accept_all(kind: str, record: Any) -> None:
    """A validator for tests about auth, dedupe, storage and faults, which must not depend on the models."""


@pytest.fixture
def hub() -> Iterator[Sandbox]:
    with Sandbox(validator=accept_all) as running:
        yield running


@pytest.fixture
def wire(hub: Sandbox) -> Iterator[Wire]:
    sender = Wire.to(hub)
    yield sender
    sender.close()


@pytest.fixture
def model_hub() -> Iterator[Sandbox]:
    """A hub that validates bodies with the generated models, as users' hubs do."""
    with Sandbox() as running:
        yield running


@pytest.fixture
def model_wire(model_hub: Sandbox) -> Iterator[Wire]:
    sender = Wire.to(model_hub)
    yield sender
    sender.close()
