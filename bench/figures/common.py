"""Pieces every hub-backed figure shares: failure notes, accounting and hub-load rows."""

from __future__ import annotations

from ..report import Figure, Row, status
from ..runner import PairedRuns
from ..stats import CONTENDED_CORES, Run, foreign_cores, median_of, paired_ratio

# Above this share of one core the hub, not the client, may be what limits a run.
HUB_BOUND_SHARE = 0.85


def mark_contention(figure: Figure, *run_lists: list[Run]) -> None:
    figure.data["foreign_cores"] = cores = foreign_cores(*run_lists)
    figure.contended = cores > CONTENDED_CORES
    if figure.contended:
        figure.notes.append(f"other processes used {cores:.2f} cores (median run) of this machine's CPUs")


def note_failures(figure: Figure, runs: PairedRuns) -> None:
    for side, error in runs.errors.items():
        figure.notes.append(f"{side} side could not run: {error}")


def accounting_row(runs: PairedRuns, side: str, expected: int, label: str = "records accepted") -> Row:
    """Every record (or call) given must come back accepted by the hub, in every run; shows the worst run."""
    target = "total == success == given, every run"
    if not runs.ok(side):
        return Row(measure=label, ours="-", target=target, status=status(None))
    results = runs.results[side]
    worst = min(results, key=lambda run: (run["success"] == run["total"] == expected, run["success"]))
    every_run_ok = all(run["success"] == run["total"] == expected for run in results)
    return Row(
        measure=label,
        ours=f"{worst['success']:,} of {expected:,} (total {worst['total']:,}), worst of {len(results)} runs",
        target=target,
        status=status(every_run_ok),
    )


def hub_load_row(figure: Figure, runs: PairedRuns, side: str = "ours") -> Row | None:
    """The hub's CPU use during our runs, in cores; a busy hub caps every figure measured through it."""
    if not runs.ok(side):
        return None
    share = median_of(runs.results[side], lambda run: run["hub_cpu_s"] / run["wall_s"])
    figure.data["hub_cpu_share_ours"] = share
    if share > HUB_BOUND_SHARE:
        figure.notes.append(f"hub process busy {share:.0%} of a core during our runs: it may be the limit")
    return Row(measure="hub CPU during our runs", ours=f"{share:.0%} of a core")


def rss_row(runs: PairedRuns, reference: str) -> Row:
    """Median peak RSS of our runs beside the reference side's."""

    def peak_mb(side: str) -> str:
        if not runs.ok(side):
            return "-"
        return f"{median_of(runs.results[side], lambda run: run['peak_rss_mb']):.0f} MB"

    return Row(
        measure="peak RSS (median run)", ours=peak_mb("ours"), reference=f"{reference} {peak_mb(reference)}"
    )


def cpu_per_record_row(runs: PairedRuns, reference: str, records: int) -> Row:
    """Client CPU per record: in a GIL-bound run this, not the hub, sets the throughput."""

    def per_record(run: Run) -> float:
        return run["cpu_s"] / records

    if not (runs.ok("ours") and runs.ok(reference)):
        return Row(measure="client CPU per record", ours="-")
    ours, other = runs.results["ours"], runs.results[reference]
    return Row(
        measure="client CPU per record",
        ours=per_call_us(median_of(ours, per_record)),
        reference=f"{reference} {per_call_us(median_of(other, per_record))}",
        ratio=f"{paired_ratio(ours, other, per_record):.2f}×",
    )


def per_call_us(seconds: float) -> str:
    return f"{seconds * 1e6:,.0f} µs" if seconds >= 1e-4 else f"{seconds * 1e6:.1f} µs"


def rate(per_second: float, unit: str) -> str:
    return f"{per_second:,.0f} {unit}/s"


def times(ratio: float) -> str:
    return f"{ratio:.2f}×"
