"""Single trigger: wall time and client CPU per ``trigger_workflow`` call, vs the official SDK and floor."""

from __future__ import annotations

from ..hub import running_hub
from ..profiling import profile_client
from ..report import Figure, Row, status
from ..runner import paired_runs
from ..settings import Sizes
from ..stats import median_of, paired_ratio
from .common import accounting_row, hub_load_row, mark_contention, note_failures, per_call_us, times

WALL_RATIO_TARGET = 1 / 3  # of the official SDK's wall time per call
CPU_RATIO_TARGET = 1.15  # of the floor's client CPU per call


def measure(sizes: Sizes, hub_kind: str) -> Figure:
    calls = sizes.single_calls
    figure = Figure(key="single_trigger", title=f"Single trigger ({calls:,} calls)")
    params = {"calls": calls, "warmup": sizes.single_warmup}
    with running_hub(hub_kind) as hub:
        runs = paired_runs(["official", "floor", "ours"], "single", hub, params, sizes.single_runs)
        note_failures(figure, runs)
        ours, official, floor = (runs.results[side] for side in ("ours", "official", "floor"))

        def wall(run: dict[str, float]) -> float:
            return run["wall_s"] / calls

        def cpu(run: dict[str, float]) -> float:
            return run["cpu_s"] / calls

        wall_ratio = paired_ratio(ours, official, wall) if ours and official else None
        cpu_ratio = paired_ratio(ours, floor, cpu) if ours and floor else None
        figure.rows += [
            Row(
                measure="wall per call",
                ours=per_call_us(median_of(ours, wall)) if ours else "-",
                reference=f"official {per_call_us(median_of(official, wall))}" if official else "-",
                ratio=times(wall_ratio) if wall_ratio is not None else "",
                target=f"≤ {WALL_RATIO_TARGET:.2f}× official",
                status=status(None if wall_ratio is None else wall_ratio <= WALL_RATIO_TARGET),
            ),
            Row(
                measure="client CPU per call",
                ours=per_call_us(median_of(ours, cpu)) if ours else "-",
                reference=f"floor {per_call_us(median_of(floor, cpu))}" if floor else "-",
                ratio=times(cpu_ratio) if cpu_ratio is not None else "",
                target=f"≤ {CPU_RATIO_TARGET:.2f}× floor",
                status=status(None if cpu_ratio is None else cpu_ratio <= CPU_RATIO_TARGET),
            ),
        ]
        if floor:
            figure.rows.append(
                Row(measure="floor wall per call", ours="", reference=per_call_us(median_of(floor, wall)))
            )
        if official:
            figure.rows.append(
                Row(measure="official CPU per call", ours="", reference=per_call_us(median_of(official, cpu)))
            )
        figure.rows.append(accounting_row(runs, "ours", calls, "calls accepted"))
        if hub_row := hub_load_row(figure, runs):
            figure.rows.append(hub_row)
        mark_contention(figure, ours, official, floor)
        figure.data.update(runs=runs.results, wall_ratio=wall_ratio, cpu_ratio=cpu_ratio)
        if figure.missed:
            figure.profiles.append(
                profile_client(sizes.profile_prefix + "single", figure.title, "ours", "single", hub, params)
            )
            figure.profiles.append(
                profile_client(
                    sizes.profile_prefix + "single-floor",
                    figure.title,
                    "floor",
                    "single",
                    hub,
                    params,
                    brief=True,
                )
            )
    return figure
