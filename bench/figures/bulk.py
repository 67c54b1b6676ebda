"""Bulk events through the seed API (``new_instance().append(...).trigger()``), ours vs the official SDK."""

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
    rss_row,
    times,
)

THROUGHPUT_RATIO_TARGET = 5.0  # × the official SDK's events per second


def measure(sizes: Sizes, hub_kind: str) -> Figure:
    count = sizes.bulk_events
    figure = Figure(key="bulk_events", title=f"Bulk events ({count:,}, seed API)")
    params = {"count": count}
    with running_hub(hub_kind) as hub:
        runs = paired_runs(["official", "ours"], "bulk_events", hub, params, sizes.bulk_runs)
        note_failures(figure, runs)
        ours, official = runs.results["ours"], runs.results["official"]

        def throughput(run: dict[str, float]) -> float:
            return count / run["wall_s"]

        ratio = paired_ratio(ours, official, throughput) if ours and official else None
        figure.rows += [
            Row(
                measure="throughput",
                ours=rate(median_of(ours, throughput), "events") if ours else "-",
                reference=f"official {rate(median_of(official, throughput), 'events')}" if official else "-",
                ratio=times(ratio) if ratio is not None else "",
                target=f"≥ {THROUGHPUT_RATIO_TARGET:.0f}× official",
                status=status(None if ratio is None else ratio >= THROUGHPUT_RATIO_TARGET),
            ),
            cpu_per_record_row(runs, "official", count),
            accounting_row(runs, "ours", count, "events accepted"),
        ]
        figure.rows.append(rss_row(runs, "official"))
        if hub_row := hub_load_row(figure, runs):
            figure.rows.append(hub_row)
        mark_contention(figure, ours, official)
        figure.data.update(runs=runs.results, throughput_ratio=ratio)
        if figure.missed:
            summary = profile_client(
                sizes.profile_prefix + "bulk_events", figure.title, "ours", "bulk_events", hub, params
            )
            figure.profiles.append(summary)
    return figure
