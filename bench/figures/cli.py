"""The command line: ``suprsend-typed send events`` of a JSON Lines file, vs the library's ``.stream()``.

Both sides read the same generated file in a fresh process: the library side parses each line and streams
``Event``s (a script around ``.stream()``); the command line also validates each line against the model,
gives it a deterministic ``$insert_id`` and journals every acknowledged chunk (write + fsync).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from ..hub import running_hub
from ..payloads import write_event_lines
from ..profiling import profile_client
from ..report import Figure, Row, status
from ..runner import paired_runs
from ..settings import Sizes
from ..stats import median_of, paired_ratio
from .common import accounting_row, hub_load_row, mark_contention, note_failures, per_call_us, rate, times

PEAK_RSS_TARGET_MB = 100.0
THROUGHPUT_RATIO_TARGET = 0.9  # × the library's .stream() on the same file


def measure(sizes: Sizes, hub_kind: str) -> Figure:
    count, concurrency = sizes.cli_lines, sizes.stream_concurrency
    figure = Figure(key="cli", title=f"Command line ({count:,}-line file, concurrency {concurrency})")
    with tempfile.TemporaryDirectory(prefix="bench-cli-input-") as folder:
        path = Path(folder) / "events.jsonl"
        size = write_event_lines(path, count)
        figure.notes.append(
            f"`suprsend-typed send events` with --journal vs bulk_events.stream() of Events parsed from the "
            f"same {size / 1e6:.0f} MB file; the command's start (client with its TLS context, journal "
            "creation, about 0.1 s) is timed, so a small --quick file understates its throughput"
        )
        params = {"path": str(path), "concurrency": concurrency}
        with running_hub(hub_kind) as hub:
            runs = paired_runs(["ours", "cli"], "send_events_file", hub, params, sizes.cli_runs)
            note_failures(figure, runs)
            cli, library = runs.results["cli"], runs.results["ours"]

            def throughput(run: dict[str, float]) -> float:
                return count / run["wall_s"]

            ratio = paired_ratio(cli, library, throughput) if cli and library else None
            peak_rss = max(run["peak_rss_mb"] for run in cli) if cli else None
            figure.rows += [
                Row(
                    measure="peak RSS (worst run)",
                    ours=f"{peak_rss:.0f} MB" if peak_rss is not None else "-",
                    reference=f".stream() {median_of(library, lambda run: run['peak_rss_mb']):.0f} MB"
                    if library
                    else "",
                    target=f"≤ {PEAK_RSS_TARGET_MB:.0f} MB",
                    status=status(None if peak_rss is None else peak_rss <= PEAK_RSS_TARGET_MB),
                ),
                Row(
                    measure="throughput",
                    ours=rate(median_of(cli, throughput), "lines") if cli else "-",
                    reference=f".stream() {rate(median_of(library, throughput), 'events')}"
                    if library
                    else "-",
                    ratio=times(ratio) if ratio is not None else "",
                    target=f"≥ {THROUGHPUT_RATIO_TARGET:.1f}× .stream()",
                    status=status(None if ratio is None else ratio >= THROUGHPUT_RATIO_TARGET),
                ),
                Row(
                    measure="client CPU per line",
                    ours=per_call_us(median_of(cli, lambda run: run["cpu_s"] / count)) if cli else "-",
                    reference=f".stream() {per_call_us(median_of(library, lambda run: run['cpu_s'] / count))}"
                    if library
                    else "",
                ),
                accounting_row(runs, "cli", count, "lines accepted"),
            ]
            if hub_row := hub_load_row(figure, runs, side="cli"):
                figure.rows.append(hub_row)
            mark_contention(figure, cli, library)
            figure.data.update(
                runs=runs.results, throughput_ratio=ratio, peak_rss_mb=peak_rss, file_bytes=size
            )
            if figure.missed:
                summary = profile_client(
                    sizes.profile_prefix + "cli", figure.title, "cli", "send_events_file", hub, params
                )
                figure.profiles.append(summary)
    return figure
