"""`make demo`: start the sandbox hub, run examples/quickstart.py and examples/lifecycle.py against it,
report what they verified.

Exits 0 only when the quickstart succeeded, every lifecycle step verified, and every request the hub
received was signed correctly, valid and accepted (but for the lifecycle's read of a deleted user, which
must be the one 404).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.request
from collections import Counter
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
WORKSPACE_KEY = "demo_workspace_key_0001"
WORKSPACE_SECRET = "demo-workspace-secret"  # a local sandbox credential, not a real secret
STARTUP_SECONDS = 30
BASE_URL_LINE = "export SUPRSEND_BASE_URL="  # the sandbox's first line of output
EXPECTED_REFUSALS = {("GET", "/v1/user/ann/", 404)}  # lifecycle.py reads its deleted user


def start_sandbox() -> tuple[subprocess.Popen[str], str]:
    hub = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "suprsend_typed.sandbox",
            "--port",
            "0",
            "--workspace-key",
            WORKSPACE_KEY,
            "--workspace-secret",
            WORKSPACE_SECRET,
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert hub.stdout is not None
    for line in hub.stdout:
        if line.startswith(BASE_URL_LINE):
            return hub, line.strip().removeprefix(BASE_URL_LINE)
    hub.wait(timeout=STARTUP_SECONDS)
    raise SystemExit(f"the sandbox exited before printing its URL (exit code {hub.returncode})")


def control(url: str, name: str) -> Any:
    with urllib.request.urlopen(url + "_sandbox/" + name, timeout=STARTUP_SECONDS) as answer:
        return json.load(answer)


def summarise(url: str) -> bool:
    requests = control(url, "requests")
    counts = control(url, "counts")
    print("\nWhat the sandbox hub received:")
    by_endpoint = Counter((r["method"], r["path"], r["auth"], r["outcome"]) for r in requests)
    for (method, path, auth, outcome), n in sorted(by_endpoint.items()):
        print(f"  {n:4d} × {method} {path:<22} signature: {auth or 'none':<7} {outcome}")
    print(
        f"  records: {counts['accepted']} accepted, {counts['duplicate']} duplicate (deduped by idempotency"
        f" key or $insert_id), {counts['rejected']} rejected"
    )
    refused = [r for r in requests if r["outcome"] != "accepted" or r["auth"] not in ("hmac", "bearer")]
    expected = [r for r in refused if (r["method"], r["path"], r["status"]) in EXPECTED_REFUSALS]
    for r in refused:
        note = "expected" if r in expected else "NOT ACCEPTED"
        print(f"  {note}: {r['method']} {r['path']}: {r['status']} {r['outcome']} {r['error']}")
    ok = bool(requests) and len(expected) == len(refused) == len(EXPECTED_REFUSALS)
    ok = ok and counts["rejected"] == 0
    verdict = "Every request was verified and answered as expected." if ok else "Some requests were not."
    print(f"\n{verdict}")
    return ok


def main() -> int:
    hub, url = start_sandbox()
    try:
        print(f"sandbox hub at {url}\n")
        env = dict(
            os.environ,
            SUPRSEND_BASE_URL=url,
            SUPRSEND_WORKSPACE_KEY=WORKSPACE_KEY,
            SUPRSEND_WORKSPACE_SECRET=WORKSPACE_SECRET,
        )
        quickstart = subprocess.run([sys.executable, str(HERE / "quickstart.py")], env=env, check=False)
        print("\nThe lifecycle of a tenant, users, a list, a broadcast, preferences and messages:")
        lifecycle = subprocess.run([sys.executable, str(HERE / "lifecycle.py")], env=env, check=False)
        verified = summarise(url)
    finally:
        hub.send_signal(signal.SIGINT)
        hub.wait(timeout=STARTUP_SECONDS)
    return 0 if quickstart.returncode == lifecycle.returncode == 0 and verified else 1


if __name__ == "__main__":
    sys.exit(main())
