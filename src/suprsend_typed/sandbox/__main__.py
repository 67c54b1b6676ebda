"""``python -m suprsend_typed.sandbox``: run the sandbox until Ctrl-C or SIGTERM, printing its URL first."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType

from .server import DEFAULT_API_KEY, DEFAULT_WORKSPACE_KEY, DEFAULT_WORKSPACE_SECRET, Sandbox

_MILLISECONDS_PER_SECOND = 1000


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m suprsend_typed.sandbox", description=__doc__)
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    parser.add_argument(
        "--db", metavar="PATH", help="SQLite file to keep what was received (default: memory)"
    )
    parser.add_argument("--workspace-key", default=DEFAULT_WORKSPACE_KEY)
    parser.add_argument("--workspace-secret", default=DEFAULT_WORKSPACE_SECRET)
    parser.add_argument(
        "--api-key", action="append", dest="api_keys", help="accepted Bearer key (repeatable)"
    )
    parser.add_argument("--workspace-uid", default="", help="workspace UID used by Bearer clients")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="latency added to every hub request")
    parser.add_argument("--fault-seed", type=int, default=0, help="seed of the fault-rate RNG")
    parser.add_argument(
        "--no-bodies", action="store_true", help="benchmark mode: verify and count, do not store bodies"
    )
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    sandbox = Sandbox(
        workspace_key=args.workspace_key,
        workspace_secret=args.workspace_secret,
        api_keys=args.api_keys or (DEFAULT_API_KEY,),
        workspace_uid=args.workspace_uid,
        port=args.port,
        db_path=args.db,
        latency_s=args.latency_ms / _MILLISECONDS_PER_SECOND,
        record_bodies=not args.no_bodies,
        fault_seed=args.fault_seed,
    )
    with sandbox:
        print(f"SANDBOX_URL={sandbox.url}", flush=True)
        print(f"SANDBOX_WORKSPACE_KEY={args.workspace_key}", flush=True)
        stop.wait()
        counts = sandbox.counts()
    print(f"sandbox stopped: {counts}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
