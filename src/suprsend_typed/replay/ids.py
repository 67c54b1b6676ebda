"""Ids that are the same in the run that records a cassette and in every run that replays it.

A default client gives each workflow trigger a fresh ``$idempotency_key`` (uuid4), so a replayed trigger
would never match its recording. ``CassetteIds`` derives the n-th id from the cassette's seed instead; the
seed is stored in the cassette when it is recorded, so ids differ between cassettes and between
recordings (a live hub dedupes repeated idempotency keys) but not between a recording and its replays.
"""

from __future__ import annotations

import itertools
import threading
import uuid


def new_seed() -> str:
    """A seed for a cassette about to be recorded."""
    return str(uuid.uuid4())


class CassetteIds:
    """``id_factory`` for a client: uuid5 of the cassette's seed and a call counter, uuid-shaped text.

    Calls made in the same order give the same ids; share one instance between the clients of a test.
    """

    __slots__ = ("seed", "_counter", "_lock")

    def __init__(self, seed: str) -> None:
        self.seed = seed
        self._counter = itertools.count()
        self._lock = threading.Lock()

    def __call__(self) -> str:
        with self._lock:
            position = next(self._counter)
        return str(uuid.uuid5(uuid.UUID(self.seed), str(position)))
