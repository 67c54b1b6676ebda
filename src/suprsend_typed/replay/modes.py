"""Record modes, in vcrpy's vocabulary, so users of vcrpy and pytest-recording know them already."""

from __future__ import annotations

from typing import Final, Literal

RecordMode = Literal["once", "new_episodes", "none", "all"]
"""``once``: replay, and record only when the cassette file does not exist yet.
``new_episodes``: replay what matches, record the rest.
``none``: replay only; a request that matches nothing is an error.
``all``: record everything again, replacing the cassette."""

RECORD_MODES: Final[tuple[RecordMode, ...]] = ("once", "new_episodes", "none", "all")
