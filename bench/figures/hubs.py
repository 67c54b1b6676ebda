"""Hub capacity: the floor's streaming throughput through each hub, to show which hub can keep up.

A hub that is busy a whole core while the client waits measures itself, not the client; this figure is
why BenchHub is the default and the sandbox is opt-in.
"""

from __future__ import annotations

from ..hub import running_hub
from ..report import Figure, Row
from ..runner import ClientRunError, run_client
from ..settings import Sizes
from .common import rate

_HUBS = (("benchhub", "BenchHub (bench/fasthub.py)"), ("sandbox", "sandbox --no-bodies"))


def measure(sizes: Sizes) -> Figure:
    count = sizes.hub_check_events
    figure = Figure(key="hub_capacity", title=f"Hub capacity (floor, {count:,} events)")
    params = {"count": count, "concurrency": sizes.stream_concurrency}
    for kind, label in _HUBS:
        try:
            with running_hub(kind) as hub:
                run = run_client("floor", "stream_events", hub, params)
        except (ClientRunError, RuntimeError) as exc:
            figure.notes.append(f"{label} could not be measured: {exc}")
            continue
        hub_share = run["hub_cpu_s"] / run["wall_s"]
        per_event_us = run["hub_cpu_s"] / count * 1e6
        figure.rows.append(
            Row(
                measure=f"through {label}",
                ours="",
                reference=f"{rate(count / run['wall_s'], 'events')}, hub busy {hub_share:.0%} of a core "
                f"({per_event_us:.0f} µs hub CPU per event)",
            )
        )
        figure.data[kind] = run
    return figure
