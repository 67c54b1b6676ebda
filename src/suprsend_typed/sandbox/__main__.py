"""``python -m suprsend_typed.sandbox``: run the sandbox until Ctrl-C or SIGTERM.

On start it prints the ``export`` lines of ``Sandbox.environment()`` (``SUPRSEND_BASE_URL``,
``SUPRSEND_WORKSPACE_KEY``, ``SUPRSEND_WORKSPACE_SECRET``, ``SUPRSEND_API_KEY``, ``SUPRSEND_WORKSPACE_UID``),
which point any client, and the command line, built from the environment at it.
"""

from __future__ import annotations

import argparse
import shlex
import signal
import sys
import threading
from collections.abc import Sequence
from types import FrameType
from typing import Final

from .._config import ENV_API_KEY, ENV_BASE_URL, ENV_WORKSPACE_KEY, ENV_WORKSPACE_SECRET, ENV_WORKSPACE_UID
from .faults import DEFAULT_FAULT_LATENCY_SECONDS, FAULT_KINDS, FaultKind, add_random_faults
from .guard import WILDCARD_ADDRESSES, is_loopback
from .seed import SeedError, load_seed_file
from .server import (
    DEFAULT_API_KEY,
    DEFAULT_WORKSPACE_KEY,
    DEFAULT_WORKSPACE_SECRET,
    LOOPBACK,
    Sandbox,
)

_MILLISECONDS_PER_SECOND: Final = 1000
USAGE_ERROR: Final = 2
"""Exit status for a bad command line, an unusable seed file or an address that cannot be listened on."""

_DESCRIPTION = f"""\
Run a local SuprSend-compatible hub until Ctrl-C or SIGTERM. On start it prints export lines
for {ENV_BASE_URL}, {ENV_WORKSPACE_KEY}, {ENV_WORKSPACE_SECRET},
{ENV_API_KEY} and {ENV_WORKSPACE_UID}: paste them into a shell, and a client or suprsend-typed
command built from the environment uses the sandbox (signing with the workspace key and secret).
"""
_EPILOG = f"""\
With the defaults, a client needs only the printed lines:
  workspace key     {DEFAULT_WORKSPACE_KEY}
  workspace secret  {DEFAULT_WORKSPACE_SECRET}
  API key (Bearer)  {DEFAULT_API_KEY}
  workspace UID     the workspace key, unless --workspace-uid gives one
Control endpoints (no credentials; loopback only): GET /_sandbox/requests, /_sandbox/records,
/_sandbox/counts; POST /_sandbox/reset, /_sandbox/seed; GET|POST|DELETE /_sandbox/faults.
"""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m suprsend_typed.sandbox",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--host",
        default=LOOPBACK,
        help=f"address to listen on (default: {LOOPBACK}; anything else is reachable from other machines)",
    )
    parser.add_argument("--port", type=int, default=0, help="port to listen on (default: 0, any free port)")
    parser.add_argument("--db", metavar="FILE", help="SQLite file that keeps the state (default: memory)")
    parser.add_argument(
        "--seed", metavar="FILE", help="JSON (or, with PyYAML, YAML) file of the state to start from"
    )
    parser.add_argument(
        "--workspace-key", metavar="KEY", default=DEFAULT_WORKSPACE_KEY, help="(default: %(default)s)"
    )
    parser.add_argument(
        "--workspace-secret",
        metavar="SECRET",
        default=DEFAULT_WORKSPACE_SECRET,
        help="(default: %(default)s)",
    )
    parser.add_argument(
        "--api-key",
        action="append",
        dest="api_keys",
        metavar="KEY",
        help=f"accepted Bearer key, repeatable (default: {DEFAULT_API_KEY})",
    )
    parser.add_argument("--workspace-uid", default="", help="workspace UID used by Bearer clients")
    parser.add_argument("--latency-ms", type=float, default=0.0, help="latency added to every hub request")
    parser.add_argument(
        "--fault-rate",
        type=float,
        default=0.0,
        help="share of hub requests, 0 to 1, that meet a fault drawn from --fault-kinds (default: 0)",
    )
    parser.add_argument(
        "--fault-kinds",
        default=",".join(FAULT_KINDS),
        help=f"comma-separated fault kinds for --fault-rate (default: {','.join(FAULT_KINDS)})",
    )
    parser.add_argument(
        "--fault-latency-ms",
        type=float,
        default=DEFAULT_FAULT_LATENCY_SECONDS * _MILLISECONDS_PER_SECOND,
        help="how long a latency fault waits (default: %(default)g)",
    )
    parser.add_argument("--fault-seed", type=int, default=0, help="seed of the fault-rate RNG (default: 0)")
    parser.add_argument(
        "--no-bodies", action="store_true", help="benchmark mode: verify and count, do not store bodies"
    )
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = build_parser()
    args = parser.parse_args(argv)
    args.fault_kinds = _fault_kinds(parser, args.fault_kinds)
    if not 0.0 <= args.fault_rate <= 1.0:
        parser.error(f"--fault-rate must be within 0 and 1, got {args.fault_rate:g}")
    return args


def _fault_kinds(parser: argparse.ArgumentParser, text: str) -> list[FaultKind]:
    kinds: list[FaultKind] = []
    for name in (part.strip() for part in text.split(",")):
        kind = next((known for known in FAULT_KINDS if known == name), None)
        if kind is None:
            parser.error(f"--fault-kinds: unknown kind {name!r}; known kinds are {','.join(FAULT_KINDS)}")
        kinds.append(kind)
    return kinds


def build_sandbox(args: argparse.Namespace) -> Sandbox:
    """The sandbox the arguments describe, not started; raises ``SeedError`` for an unusable seed file."""
    seed = load_seed_file(args.seed) if args.seed else None
    sandbox = Sandbox(
        workspace_key=args.workspace_key,
        workspace_secret=args.workspace_secret,
        api_keys=args.api_keys or (DEFAULT_API_KEY,),
        workspace_uid=args.workspace_uid,
        host=args.host,
        port=args.port,
        db_path=args.db,
        latency_s=args.latency_ms / _MILLISECONDS_PER_SECOND,
        record_bodies=not args.no_bodies,
        fault_seed=args.fault_seed,
        seed=seed,
    )
    if args.fault_rate:
        add_random_faults(
            sandbox.faults,
            rate=args.fault_rate,
            kinds=args.fault_kinds,
            latency_s=args.fault_latency_ms / _MILLISECONDS_PER_SECOND,
        )
    return sandbox


def export_lines(sandbox: Sandbox) -> list[str]:
    """Shell lines that point a client or command built from the environment at ``sandbox``."""
    return [f"export {name}={shlex.quote(value)}" for name, value in sandbox.environment().items()]


def exposure_warning(host: str) -> str | None:
    """The warning to print when listening on ``host`` exposes the sandbox beyond this machine."""
    if host not in WILDCARD_ADDRESSES and is_loopback(host):
        return None
    return (
        f"warning: listening on {host}, not loopback: anyone who can reach this port can use the sandbox "
        "with the credentials --help shows, and read what it stores"
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        sandbox = build_sandbox(args)
    except SeedError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return USAGE_ERROR
    try:
        sandbox.start()
    except OSError as exc:
        sandbox.close()
        print(f"error: cannot listen on {args.host}:{args.port}: {exc.strerror or exc}", file=sys.stderr)
        return USAGE_ERROR
    exposure = exposure_warning(args.host)
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    previous = {number: signal.signal(number, on_signal) for number in (signal.SIGINT, signal.SIGTERM)}
    try:
        for line in export_lines(sandbox):
            print(line, flush=True)
        if exposure:
            print(exposure, file=sys.stderr, flush=True)
        print("sandbox ready: paste the lines above into a shell; Ctrl-C stops it", file=sys.stderr)
        stop.wait()
        counts = sandbox.counts()
    finally:
        sandbox.close()
        for number, handler in previous.items():
            signal.signal(number, handler)
    print(f"sandbox stopped: {counts}", file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
