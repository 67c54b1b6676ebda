"""One measured client run, in a fresh process: ``python -m bench.client SIDE SCENARIO URL [options]``.

A fresh process per run keeps each side's imports, connection pools and peak RSS its own. Only the prepared
workload is timed. Besides wall and CPU time it samples the hub's CPU (from ``/proc/<pid>/stat``) and the
whole machine's busy time, so the parent can tell a hub-bound run and one slowed by other processes.
Prints one JSON object on its last stdout line.
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import json
import os
import pstats
import resource
import threading
import time
from collections.abc import Callable
from typing import Any

import attrs

from .contention import machine_busy_seconds

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _hub_cpu_seconds(pid: int) -> float:
    if not pid:
        return 0.0
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rpartition(")")[2].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _CLOCK_TICKS  # utime + stime


@attrs.frozen(kw_only=True)
class Sample:
    wall: float
    cpu: float
    hub_cpu: float
    machine_busy: float

    @classmethod
    def take(cls, hub_pid: int) -> Sample:
        return cls(
            wall=time.perf_counter(),
            cpu=time.process_time(),
            hub_cpu=_hub_cpu_seconds(hub_pid),
            machine_busy=machine_busy_seconds(),
        )


def _cpu_profile() -> cProfile.Profile:
    """Timed by the thread's own CPU clock: waits on locks, queues and sockets cost nothing, as in py-spy."""
    return cProfile.Profile(time.thread_time)


class ThreadProfiles:
    """cProfile sees one thread only; this also profiles threads started during the run and merges them."""

    def __init__(self) -> None:
        self._profiles: list[cProfile.Profile] = []
        self._original_run: Callable[[threading.Thread], None] = threading.Thread.run

    def install(self) -> None:
        original, profiles = self._original_run, self._profiles

        def profiled_run(thread: threading.Thread) -> None:
            profile = _cpu_profile()
            try:
                profile.enable()
            except ValueError:  # Python >= 3.12 allows one active profiler: keep the main thread's only
                original(thread)
                return
            try:
                original(thread)
            finally:
                profile.disable()
                profiles.append(profile)

        threading.Thread.run = profiled_run  # type: ignore[method-assign]

    def merged_with(self, main: cProfile.Profile) -> pstats.Stats:
        threading.Thread.run = self._original_run  # type: ignore[method-assign]
        stats = pstats.Stats(main)
        for profile in self._profiles:
            stats.add(profile)
        return stats


def _run(args: argparse.Namespace) -> dict[str, Any]:
    side = importlib.import_module(f"bench.sides.{args.side}")
    params = json.loads(args.params)
    workload = getattr(side, args.scenario)(args.url, **params)
    profile, threads = _cpu_profile(), ThreadProfiles()
    before = Sample.take(args.hub_pid)
    if args.profile:
        threads.install()
        outcome = profile.runcall(workload)
    else:
        outcome = workload()
    after = Sample.take(args.hub_pid)
    if args.profile:
        threads.merged_with(profile).dump_stats(args.profile)
    wall = after.wall - before.wall
    cpu = after.cpu - before.cpu
    hub_cpu = after.hub_cpu - before.hub_cpu
    return {
        "wall_s": wall,
        "cpu_s": cpu,
        "hub_cpu_s": hub_cpu,
        # CPU used by every other process during the run, in cores (2 cores on the bench machine).
        "foreign_cores": max(0.0, (after.machine_busy - before.machine_busy) - cpu - hub_cpu) / wall,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "total": outcome.total,
        "success": outcome.success,
        **outcome.extra,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.client")
    parser.add_argument("side", choices=["ours", "ours_async", "async_http", "official", "floor", "cli"])
    parser.add_argument("scenario")
    parser.add_argument("url")
    parser.add_argument("--params", default="{}", help="JSON keyword arguments of the scenario")
    parser.add_argument("--hub-pid", type=int, default=0)
    parser.add_argument("--profile", default="", help="write a cProfile of the timed part to this file")
    print(json.dumps(_run(parser.parse_args())), flush=True)


if __name__ == "__main__":
    main()
