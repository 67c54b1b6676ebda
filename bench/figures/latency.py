"""Latency-bound bulk: the hub adds 20 ms per request; ours is concurrent, the official SDK in turn."""

from __future__ import annotations

from ..hub import running_hub
from ..profiling import profile_client
from ..report import Figure, Row, status
from ..runner import paired_runs
from ..settings import HUB_LATENCY_MS, Sizes
from ..stats import median_of, paired_ratio
from .common import accounting_row, cpu_per_record_row, mark_contention, note_failures, rate, times

THROUGHPUT_RATIO_TARGET = 6.0  # × the official SDK's workflows per second


def measure(sizes: Sizes, hub_kind: str) -> Figure:
    count, concurrency = sizes.latency_workflows, sizes.latency_concurrency
    figure = Figure(
        key="latency_bulk",
        title=f"Latency-bound bulk ({count:,} workflows, +{HUB_LATENCY_MS} ms, concurrency {concurrency})",
    )
    figure.notes.append(
        "ours: bulk_workflows.stream(concurrency=8); official: bulk_workflows append + trigger (sequential)"
    )
    params = {"count": count, "concurrency": concurrency}
    with running_hub(hub_kind, latency_ms=HUB_LATENCY_MS) as hub:
        runs = paired_runs(["official", "ours"], "latency_workflows", hub, params, sizes.latency_runs)
        note_failures(figure, runs)
        ours, official = runs.results["ours"], runs.results["official"]

        def throughput(run: dict[str, float]) -> float:
            return count / run["wall_s"]

        ratio = paired_ratio(ours, official, throughput) if ours and official else None
        official_rate = rate(median_of(official, throughput), "workflows") if official else ""
        figure.rows += [
            Row(
                measure="throughput",
                ours=rate(median_of(ours, throughput), "workflows") if ours else "-",
                reference=f"official {official_rate}" if official else "-",
                ratio=times(ratio) if ratio is not None else "",
                target=f"≥ {THROUGHPUT_RATIO_TARGET:.0f}× official",
                status=status(None if ratio is None else ratio >= THROUGHPUT_RATIO_TARGET),
            ),
            cpu_per_record_row(runs, "official", count),
            accounting_row(runs, "ours", count, "workflows accepted"),
        ]
        mark_contention(figure, ours, official)
        figure.data.update(runs=runs.results, throughput_ratio=ratio)
        if figure.missed:
            figure.profiles.append(
                profile_client(
                    sizes.profile_prefix + "latency_bulk",
                    figure.title,
                    "ours",
                    "latency_workflows",
                    hub,
                    params,
                )
            )
    return figure
