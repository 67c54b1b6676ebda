"""Background sending: what a call costs the caller, and how fast the queued events reach the hub.

Per-call latency (p50, p99) of ``sender.track_event`` in memory and with a durable outbox, against our
synchronous ``client.track_event`` and the official one; then the end-to-end rate of queueing
``background_events`` events and closing the sender, in both modes, against ``bulk_events.stream`` with
its default concurrency (one chunk at a time). The rate target is the in-memory one: a durable call
commits its record before it returns, which ``stream`` never does, so the durable rate is reported
without a target (README, "Benchmarks", says what it costs).
"""

from __future__ import annotations

from ..hub import running_hub
from ..report import INFO, Figure, Row, status
from ..runner import PairedRuns, paired_runs
from ..settings import Sizes
from ..stats import Run, median_of
from .common import accounting_row, mark_contention, note_failures, per_call_us, rate, times

MEMORY_CALL_TARGET = 1 / 50  # of our synchronous call's p50
DURABLE_CALL_TARGET = 1 / 2  # of our synchronous call's p50
RATE_TARGET = 0.9  # × bulk_events.stream's events per second, in memory
STREAM_CONCURRENCY = 1  # bulk_events.stream's default
WARMUP_CALLS = 50


def measure(sizes: Sizes, hub_kind: str) -> Figure:
    calls, count = sizes.background_calls, sizes.background_events
    figure = Figure(key="background", title=f"Background sending ({calls:,} timed calls; {count:,} events)")
    figure.notes.append(
        "latency: each call timed alone; end to end: queue every event, then close() (sends the rest); "
        f"reference: bulk_events.stream(concurrency={STREAM_CONCURRENCY})"
    )
    with running_hub(hub_kind) as hub:
        latency_params = {"calls": calls, "warmup": WARMUP_CALLS}
        sync = paired_runs(
            ["official", "ours"],
            "track_latency",
            hub,
            {**latency_params, "mode": "sync"},
            sizes.background_runs,
        )
        memory = paired_runs(
            ["ours"], "track_latency", hub, {**latency_params, "mode": "memory"}, sizes.background_runs
        )
        durable = paired_runs(
            ["ours"], "track_latency", hub, {**latency_params, "mode": "durable"}, sizes.background_runs
        )
        for runs in (sync, memory, durable):
            note_failures(figure, runs)
        sync_p50 = _median(sync, "ours", "p50_s")
        official_p50 = _median(sync, "official", "p50_s")
        figure.rows += [
            _latency_row("sync track_event", sync, None, None, official_p50),
            _latency_row("background, in memory", memory, sync_p50, MEMORY_CALL_TARGET, official_p50),
            _latency_row("background, durable", durable, sync_p50, DURABLE_CALL_TARGET, official_p50),
            accounting_row(memory, "ours", calls, "in-memory calls accepted"),
            accounting_row(durable, "ours", calls, "durable calls accepted"),
        ]

        stream = paired_runs(
            ["ours"],
            "stream_events",
            hub,
            {"count": count, "concurrency": STREAM_CONCURRENCY},
            sizes.background_runs,
        )
        note_failures(figure, stream)
        stream_rate = _median_rate(stream, count)
        for mode in ("memory", "durable"):
            runs = paired_runs(
                ["ours"], "background_events", hub, {"count": count, "mode": mode}, sizes.background_runs
            )
            note_failures(figure, runs)
            ours_rate = _median_rate(runs, count)
            ratio = None if ours_rate is None or stream_rate is None else ours_rate / stream_rate
            targeted = mode == "memory"
            figure.rows += [
                Row(
                    measure=f"end-to-end rate, {mode}",
                    ours=rate(ours_rate, "events") if ours_rate is not None else "-",
                    reference=f"stream {rate(stream_rate, 'events')}" if stream_rate is not None else "-",
                    ratio=times(ratio) if ratio is not None else "",
                    target=f"≥ {RATE_TARGET:.1f}× stream" if targeted else "(reported)",
                    status=status(None if ratio is None else ratio >= RATE_TARGET) if targeted else INFO,
                ),
                accounting_row(runs, "ours", count, f"{mode}: events accepted"),
            ]
            figure.data[f"rate_{mode}"] = ours_rate
        mark_contention(figure, sync.results["ours"], memory.results["ours"], durable.results["ours"])
        figure.data.update(
            sync=sync.results, memory=memory.results, durable=durable.results, stream_rate=stream_rate
        )
    return figure


def _median(runs: PairedRuns, side: str, key: str) -> float | None:
    if not runs.ok(side):
        return None
    return median_of(runs.results[side], lambda run: float(run[key]))


def _median_rate(runs: PairedRuns, count: int) -> float | None:
    if not runs.ok("ours"):
        return None

    def per_second(run: Run) -> float:
        return count / run["wall_s"]

    return median_of(runs.results["ours"], per_second)


def _latency_row(
    label: str, runs: PairedRuns, sync_p50: float | None, target: float | None, official_p50: float | None
) -> Row:
    p50, p99 = _median(runs, "ours", "p50_s"), _median(runs, "ours", "p99_s")
    ratio = None if p50 is None or sync_p50 is None else p50 / sync_p50
    shown = "-" if p50 is None or p99 is None else f"p50 {per_call_us(p50)}, p99 {per_call_us(p99)}"
    reference = "-" if official_p50 is None else f"official p50 {per_call_us(official_p50)}"
    if target is None:
        return Row(measure=f"per call: {label}", ours=shown, reference=reference)
    return Row(
        measure=f"per call: {label}",
        ours=shown,
        reference=reference,
        ratio=f"{times(ratio)} of sync" if ratio is not None else "",
        target=f"p50 ≤ {target:.2f}× sync",
        status=status(None if ratio is None else ratio <= target),
    )
