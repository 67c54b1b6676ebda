"""Async HTTP libraries: aiohttp against httpx, bare, for 1,000 concurrent POSTs to a hub adding 20 ms.

The numbers behind the choice of aiohttp as the ``[async]`` extra (README, "Async client"); httpx is not a
dependency, so its side shows n/a where it is not installed.
"""

from __future__ import annotations

import subprocess

from ..hub import running_hub
from ..report import Figure, Row, status
from ..runner import ClientRunError, run_client
from ..settings import HUB_LATENCY_MS, Sizes
from ..stats import Run, median_of, paired_ratio
from .common import mark_contention, per_call_us, rate, times

SIDE = "async_http"


def measure(sizes: Sizes, hub_kind: str) -> Figure:
    calls = sizes.concurrent_calls
    figure = Figure(
        key="async_http", title=f"Async HTTP libraries ({calls:,} concurrent POSTs, +{HUB_LATENCY_MS} ms)"
    )
    params = {"calls": calls, "warmup": sizes.concurrent_threads}
    runs: dict[str, list[Run]] = {"aiohttp_posts": [], "httpx_posts": []}
    with running_hub(hub_kind, latency_ms=HUB_LATENCY_MS) as hub:
        for _ in range(sizes.concurrent_runs):
            for scenario, results in runs.items():
                try:
                    results.append(run_client(SIDE, scenario, hub, params))
                except (ClientRunError, subprocess.TimeoutExpired) as exc:
                    figure.notes.append(f"{scenario} could not run: {exc}")
                    break
    aio, httpx = runs["aiohttp_posts"], runs["httpx_posts"]

    def throughput(run: Run) -> float:
        return calls / run["wall_s"]

    def cpu_per_call(run: Run) -> float:
        return run["cpu_s"] / calls

    both = bool(aio and httpx)
    ratio = paired_ratio(aio, httpx, throughput) if both else None
    figure.rows += [
        Row(
            measure="throughput",
            ours=f"aiohttp {rate(median_of(aio, throughput), 'calls')}" if aio else "-",
            reference=f"httpx {rate(median_of(httpx, throughput), 'calls')}" if httpx else "httpx n/a",
            ratio=times(ratio) if ratio is not None else "",
            target="(chooses the [async] extra)",
            status=status(None if ratio is None else ratio >= 1.0),
        ),
        Row(
            measure="client CPU per call",
            ours=f"aiohttp {per_call_us(median_of(aio, cpu_per_call))}" if aio else "-",
            reference=f"httpx {per_call_us(median_of(httpx, cpu_per_call))}" if httpx else "httpx n/a",
            ratio=times(paired_ratio(aio, httpx, cpu_per_call)) if both else "",
        ),
    ]
    mark_contention(figure, aio, httpx)
    figure.data.update(runs=runs, throughput_ratio=ratio)
    return figure
