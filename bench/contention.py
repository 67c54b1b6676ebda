"""How much CPU other processes took while the bench ran its own child processes (not the hub)."""

from __future__ import annotations

import os
import resource
import time

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def machine_busy_seconds() -> float:
    """CPU time spent by every process on the machine (all cores), from the first line of /proc/stat."""
    with open("/proc/stat") as stat:
        user, nice, system, _idle, _iowait, irq, softirq, steal = map(int, stat.readline().split()[1:9])
    return (user + nice + system + irq + softirq + steal) / _CLOCK_TICKS


def _own_cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


class ForeignLoad:
    """Started before a measurement; ``cores()`` after it gives the others' CPU use, in cores."""

    def __init__(self) -> None:
        self._wall = time.perf_counter()
        self._busy = machine_busy_seconds()
        self._own = _own_cpu_seconds()

    def cores(self) -> float:
        wall = time.perf_counter() - self._wall
        others = (machine_busy_seconds() - self._busy) - (_own_cpu_seconds() - self._own)
        return max(0.0, others) / wall if wall > 0 else 0.0
