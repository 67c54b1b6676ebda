"""Streaming: a million generated events through ``bulk_events.stream`` in a fresh process, vs the floor."""

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
    rate,
    times,
)

PEAK_RSS_TARGET_MB = 100.0
THROUGHPUT_RATIO_TARGET = 0.8  # × the floor's events per second


def measure(sizes: Sizes, hub_kind: str) -> Figure:
    count, concurrency = sizes.stream_events, sizes.stream_concurrency
    figure = Figure(key="streaming", title=f"Streaming ({count:,} events, concurrency {concurrency})")
    figure.notes.append(
        f"floor: {concurrency} threads, each POSTing the next 100-event chunk of the same generator "
        "(json.dumps + HMAC + pooled urllib3 POST, wire records with $insert_id/$time built as the SDK does)"
    )
    params = {"count": count, "concurrency": concurrency}
    with running_hub(hub_kind) as hub:
        runs = paired_runs(["floor", "ours"], "stream_events", hub, params, sizes.stream_runs)
        note_failures(figure, runs)
        ours, floor = runs.results["ours"], runs.results["floor"]

        def throughput(run: dict[str, float]) -> float:
            return count / run["wall_s"]

        ratio = paired_ratio(ours, floor, throughput) if ours and floor else None
        peak_rss = max(run["peak_rss_mb"] for run in ours) if ours else None
        figure.rows += [
            Row(
                measure="peak RSS (worst run)",
                ours=f"{peak_rss:.0f} MB" if peak_rss is not None else "-",
                reference=f"floor {median_of(floor, lambda run: run['peak_rss_mb']):.0f} MB" if floor else "",
                target=f"≤ {PEAK_RSS_TARGET_MB:.0f} MB",
                status=status(None if peak_rss is None else peak_rss <= PEAK_RSS_TARGET_MB),
            ),
            Row(
                measure="throughput",
                ours=rate(median_of(ours, throughput), "events") if ours else "-",
                reference=f"floor {rate(median_of(floor, throughput), 'events')}" if floor else "-",
                ratio=times(ratio) if ratio is not None else "",
                target=f"≥ {THROUGHPUT_RATIO_TARGET:.1f}× floor",
                status=status(None if ratio is None else ratio >= THROUGHPUT_RATIO_TARGET),
            ),
            cpu_per_record_row(runs, "floor", count),
            accounting_row(runs, "ours", count, "events accepted"),
        ]
        if hub_row := hub_load_row(figure, runs):
            figure.rows.append(hub_row)
        mark_contention(figure, ours, floor)
        figure.data.update(runs=runs.results, throughput_ratio=ratio, peak_rss_mb=peak_rss)
        if figure.missed:
            summary = profile_client(
                sizes.profile_prefix + "streaming", figure.title, "ours", "stream_events", hub, params
            )
            figure.profiles.append(summary)
    return figure
