"""The UNSET sentinel: "absent" on the wire, kept apart from None ("null" on the wire)."""

from __future__ import annotations

import enum
from typing import Final, Literal


class _UnsetType(enum.Enum):
    """A one-member enum so that ``x is UNSET`` narrows types under mypy."""

    UNSET = "UNSET"

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _UnsetType.UNSET
Unset = Literal[_UnsetType.UNSET]
"""Type of UNSET: write ``x: str | None | Unset = UNSET``."""
