"""Concurrent triggers: AsyncSuprsend on one event loop against the sync client with many threads, the hub
adding 20 ms per request."""

from __future__ import annotations

from ..hub import running_hub
from ..report import Figure, Row, status
from ..runner import paired_runs
from ..settings import HUB_LATENCY_MS, Sizes
from ..stats import median_of, paired_ratio
from .common import accounting_row, mark_contention, note_failures, per_call_us, rate, times

THROUGHPUT_RATIO_TARGET = 1.0  # × the sync client's calls per second with its threads
CPU_RATIO_TARGET = 1.0  # client CPU per call below the sync client's


def measure(sizes: Sizes, hub_kind: str) -> Figure:
    calls, threads = sizes.concurrent_calls, sizes.concurrent_threads
    figure = Figure(
        key="concurrent_triggers",
        title=f"Concurrent triggers ({calls:,} calls, +{HUB_LATENCY_MS} ms)",
    )
    figure.notes.append(
        f"ours: AsyncSuprsend, every call at once on one event loop (aiohttp, default pool); reference: "
        f"Suprsend from {threads} threads (pool_size={threads})"
    )
    params = {"calls": calls, "warmup": threads, "threads": threads}
    with running_hub(hub_kind, latency_ms=HUB_LATENCY_MS) as hub:
        runs = paired_runs(["ours", "ours_async"], "concurrent_triggers", hub, params, sizes.concurrent_runs)
        note_failures(figure, runs)
        aio, threaded = runs.results["ours_async"], runs.results["ours"]

        def throughput(run: dict[str, float]) -> float:
            return calls / run["wall_s"]

        def cpu_per_call(run: dict[str, float]) -> float:
            return run["cpu_s"] / calls

        both = bool(aio and threaded)
        ratio = paired_ratio(aio, threaded, throughput) if both else None
        cpu_ratio = paired_ratio(aio, threaded, cpu_per_call) if both else None
        figure.rows += [
            Row(
                measure="throughput",
                ours=rate(median_of(aio, throughput), "calls") if aio else "-",
                reference=f"{threads} threads {rate(median_of(threaded, throughput), 'calls')}"
                if threaded
                else "-",
                ratio=times(ratio) if ratio is not None else "",
                target=f"≥ {THROUGHPUT_RATIO_TARGET:.1f}× {threads} threads",
                status=status(None if ratio is None else ratio >= THROUGHPUT_RATIO_TARGET),
            ),
            Row(
                measure="client CPU per call",
                ours=per_call_us(median_of(aio, cpu_per_call)) if aio else "-",
                reference=f"{threads} threads {per_call_us(median_of(threaded, cpu_per_call))}"
                if threaded
                else "-",
                ratio=times(cpu_ratio) if cpu_ratio is not None else "",
                target=f"< {CPU_RATIO_TARGET:.1f}× {threads} threads",
                status=status(None if cpu_ratio is None else cpu_ratio < CPU_RATIO_TARGET),
            ),
            accounting_row(runs, "ours_async", calls, "calls accepted (async)"),
        ]
        mark_contention(figure, aio, threaded)
        figure.data.update(runs=runs.results, throughput_ratio=ratio, cpu_ratio=cpu_ratio)
    return figure
