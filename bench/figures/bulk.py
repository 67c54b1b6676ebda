"""Bulk events through the seed API (``new_instance().append(...).trigger()``), ours vs the official SDK and
the floor (every wire record built up front, then 100-record chunks POSTed by as many threads as trigger)."""

from __future__ import annotations

from ..hub import running_hub
from ..profiling import profile_client
from ..report import Figure, Row, status
from ..runner import paired_runs
from ..settings import Sizes
from ..stats import median_of, paired_ratio
from .common import (
    accounting_row,
    cpu_per_record_row,
    hub_load_row,
    mark_contention,
    note_failures,
    per_call_us,
    rate,
    rss_row,
    times,
)

THROUGHPUT_RATIO_TARGET = 5.0  # × the official SDK's events per second
FLOOR_RATE_TARGET = 1.0  # × the floor's events per second, measured in the same run
FLOOR_CPU_TARGET = 1.1  # × the floor's client CPU per record, measured in the same run


def measure(sizes: Sizes, hub_kind: str) -> Figure:
    count = sizes.bulk_events
    figure = Figure(key="bulk_events", title=f"Bulk events ({count:,}, seed API)")
    params = {"count": count}
    with running_hub(hub_kind) as hub:
        runs = paired_runs(["official", "floor", "ours"], "bulk_events", hub, params, sizes.bulk_runs)
        note_failures(figure, runs)
        ours, official, floor = (runs.results[side] for side in ("ours", "official", "floor"))

        def throughput(run: dict[str, float]) -> float:
            return count / run["wall_s"]

        def cpu_per_record(run: dict[str, float]) -> float:
            return run["cpu_s"] / count

        ratio = paired_ratio(ours, official, throughput) if ours and official else None
        floor_rate = paired_ratio(ours, floor, throughput) if ours and floor else None
        floor_cpu = paired_ratio(ours, floor, cpu_per_record) if ours and floor else None
        figure.rows += [
            Row(
                measure="throughput",
                ours=rate(median_of(ours, throughput), "events") if ours else "-",
                reference=f"official {rate(median_of(official, throughput), 'events')}" if official else "-",
                ratio=times(ratio) if ratio is not None else "",
                target=f"≥ {THROUGHPUT_RATIO_TARGET:.0f}× official",
                status=status(None if ratio is None else ratio >= THROUGHPUT_RATIO_TARGET),
            ),
            Row(
                measure="throughput vs floor",
                ours=rate(median_of(ours, throughput), "events") if ours else "-",
                reference=f"floor {rate(median_of(floor, throughput), 'events')}" if floor else "-",
                ratio=times(floor_rate) if floor_rate is not None else "",
                target=f"≥ {FLOOR_RATE_TARGET:.1f}× floor",
                status=status(None if floor_rate is None else floor_rate >= FLOOR_RATE_TARGET),
            ),
            Row(
                measure="client CPU per record",
                ours=per_call_us(median_of(ours, cpu_per_record)) if ours else "-",
                reference=f"floor {per_call_us(median_of(floor, cpu_per_record))}" if floor else "-",
                ratio=times(floor_cpu) if floor_cpu is not None else "",
                target=f"≤ {FLOOR_CPU_TARGET:.1f}× floor",
                status=status(None if floor_cpu is None else floor_cpu <= FLOOR_CPU_TARGET),
            ),
            cpu_per_record_row(runs, "official", count),
            accounting_row(runs, "ours", count, "events accepted"),
        ]
        figure.rows.append(rss_row(runs, "official"))
        if hub_row := hub_load_row(figure, runs):
            figure.rows.append(hub_row)
        mark_contention(figure, ours, official, floor)
        figure.data.update(
            runs=runs.results, throughput_ratio=ratio, floor_rate_ratio=floor_rate, floor_cpu_ratio=floor_cpu
        )
        if figure.missed:
            summary = profile_client(
                sizes.profile_prefix + "bulk_events", figure.title, "ours", "bulk_events", hub, params
            )
            figure.profiles.append(summary)
    return figure
