"""Per-call latency of a call made many times: each call timed alone, reported as p50 and p99."""

from __future__ import annotations

import time
from collections.abc import Callable

P50, P99 = 0.50, 0.99


def timed_calls(call: Callable[[int], object], count: int) -> list[float]:
    """The wall time of ``call(i)`` for i in 0..count-1, in seconds, in call order."""
    clock = time.perf_counter
    samples = []
    for i in range(count):
        start = clock()
        call(i)
        samples.append(clock() - start)
    return samples


def percentiles(samples: list[float]) -> dict[str, float]:
    """``p50_s`` and ``p99_s`` of the samples (nearest rank)."""
    ordered = sorted(samples)
    last = len(ordered) - 1
    return {"p50_s": ordered[round(P50 * last)], "p99_s": ordered[round(P99 * last)]}
