"""What a side hands to the client runner: a prepared, argument-free callable that reports its accounting."""

from __future__ import annotations

from collections.abc import Callable

import attrs


@attrs.frozen(kw_only=True)
class Outcome:
    """How many records (or calls) were sent, and how many the hub accepted; ``extra``: figures the
    workload measured itself (per-call latency percentiles), reported beside the runner's."""

    total: int
    success: int
    extra: dict[str, float] = attrs.field(factory=dict)


# Setup (imports, client, warm-up) happens before the callable is returned, so only the work is timed.
Workload = Callable[[], Outcome]
