"""Shared constants of the benchmark: credentials, workload sizes (full and quick) and run counts."""

from __future__ import annotations

from pathlib import Path

import attrs

# Events require `env` (the workspace key) to be at least 20 characters in the official SDK's schema.
WORKSPACE_KEY = "bench_workspace_key_0001"
WORKSPACE_SECRET = "bench-workspace-secret"
CONTENT_TYPE = "application/json; charset=utf-8"

REPO_ROOT = Path(__file__).resolve().parent.parent
RESULTS_DIR = REPO_ROOT / "bench-results"
RESULTS_FILE = RESULTS_DIR / "results.json"  # a full run of every figure; other runs never overwrite it
QUICK_RESULTS_FILE = RESULTS_DIR / "results-quick.json"
PARTIAL_RESULTS_FILE = RESULTS_DIR / "results-partial.json"  # a full-size run of some figures (--only)
SPEC_FILE = REPO_ROOT / "spec" / "suprsend.yaml"

EVENTS_PER_FLOOR_CHUNK = 100  # what the SDK's chunker gives for small events (MAX_EVENTS_PER_BULK)
HUB_LATENCY_MS = 20
BACKGROUND_MODES = ("sync", "memory", "durable")  # client.track_event, then sender.track_event per outbox
# Chunks a bulk instance's trigger() sends at once by default (INDEPENDENT_RECORDS_CONCURRENCY in the SDK):
# the floor of the bulk figure uses as many threads.
BULK_TRIGGER_CONCURRENCY = 4


@attrs.frozen(kw_only=True)
class Sizes:
    """How much work each figure does, and how many paired runs its median is taken over."""

    single_calls: int
    single_warmup: int
    single_runs: int
    bulk_events: int
    bulk_runs: int
    stream_events: int
    stream_concurrency: int
    stream_runs: int
    cli_lines: int
    cli_runs: int
    latency_workflows: int
    hub_check_events: int
    latency_concurrency: int
    latency_runs: int
    import_runs: int
    codegen_runs: int
    concurrent_calls: int  # async client: all at once on one event loop, against +20 ms
    concurrent_threads: int  # the sync client's threads for the same calls
    concurrent_runs: int
    async_stream_events: int
    async_stream_runs: int
    background_calls: int  # timed calls of the per-call latency runs
    background_events: int  # events queued by the end-to-end runs
    background_runs: int
    run_test_suite: bool  # `make test` takes minutes: full runs only
    profile_prefix: str  # profiles of a smoke run never overwrite those of a full run


FULL = Sizes(
    single_calls=2_000,
    single_warmup=50,
    single_runs=5,
    bulk_events=50_000,
    bulk_runs=3,
    stream_events=1_000_000,
    stream_concurrency=4,
    stream_runs=3,
    cli_lines=1_000_000,
    cli_runs=3,
    latency_workflows=10_000,
    hub_check_events=100_000,
    latency_concurrency=8,
    latency_runs=3,
    import_runs=5,
    codegen_runs=3,
    concurrent_calls=1_000,
    concurrent_threads=64,
    concurrent_runs=5,
    async_stream_events=200_000,
    async_stream_runs=3,
    background_calls=2_000,
    background_events=100_000,
    background_runs=3,
    run_test_suite=True,
    profile_prefix="profile-",
)

QUICK = Sizes(
    single_calls=200,
    single_warmup=10,
    single_runs=1,
    bulk_events=2_000,
    bulk_runs=1,
    stream_events=20_000,
    stream_concurrency=4,
    stream_runs=1,
    cli_lines=20_000,
    cli_runs=1,
    latency_workflows=800,
    hub_check_events=10_000,
    latency_concurrency=8,
    latency_runs=1,
    import_runs=3,
    codegen_runs=1,
    concurrent_calls=1_000,
    concurrent_threads=64,
    concurrent_runs=1,
    async_stream_events=20_000,
    async_stream_runs=1,
    background_calls=300,
    background_events=5_000,
    background_runs=1,
    run_test_suite=False,
    profile_prefix="quick-profile-",
)
