"""Async streaming: ``AsyncSuprsend.bulk_events.stream`` from an async generator against the sync stream at
the same concurrency."""

from __future__ import annotations

from ..hub import running_hub
from ..report import Figure, Row, status
from ..runner import paired_runs
from ..settings import Sizes
from ..stats import median_of, paired_ratio
from .common import accounting_row, mark_contention, note_failures, per_call_us, rate, times

THROUGHPUT_RATIO_TARGET = 0.9  # × the sync stream's events per second


def measure(sizes: Sizes, hub_kind: str) -> Figure:
    count, concurrency = sizes.async_stream_events, sizes.stream_concurrency
    figure = Figure(
        key="async_stream", title=f"Async streaming ({count:,} events, concurrency {concurrency})"
    )
    figure.notes.append("ours: AsyncSuprsend stream of an async generator; reference: Suprsend stream")
    params = {"count": count, "concurrency": concurrency}
    with running_hub(hub_kind) as hub:
        runs = paired_runs(["ours", "ours_async"], "stream_events", hub, params, sizes.async_stream_runs)
        note_failures(figure, runs)
        aio, sync = runs.results["ours_async"], runs.results["ours"]

        def throughput(run: dict[str, float]) -> float:
            return count / run["wall_s"]

        def cpu_per_event(run: dict[str, float]) -> float:
            return run["cpu_s"] / count

        ratio = paired_ratio(aio, sync, throughput) if aio and sync else None
        figure.rows += [
            Row(
                measure="throughput",
                ours=rate(median_of(aio, throughput), "events") if aio else "-",
                reference=f"sync {rate(median_of(sync, throughput), 'events')}" if sync else "-",
                ratio=times(ratio) if ratio is not None else "",
                target=f"≥ {THROUGHPUT_RATIO_TARGET:.1f}× sync",
                status=status(None if ratio is None else ratio >= THROUGHPUT_RATIO_TARGET),
            ),
            Row(
                measure="client CPU per event",
                ours=per_call_us(median_of(aio, cpu_per_event)) if aio else "-",
                reference=f"sync {per_call_us(median_of(sync, cpu_per_event))}" if sync else "-",
            ),
            accounting_row(runs, "ours_async", count, "events accepted (async)"),
        ]
        mark_contention(figure, aio, sync)
        figure.data.update(runs=runs.results, throughput_ratio=ratio)
    return figure
