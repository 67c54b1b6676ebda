"""A program that queues events through a background sender: run as a child process by the tests.

Usage: ``python outbox_child.py <base_url> <workspace_key> <workspace_secret> <mode> <outbox> <first>``.

- ``forever``: a durable sender on ``<outbox>`` queues events numbered from ``<first>`` (property ``n``)
  and prints each number once its call has returned, until it is killed;
- ``threads``: the same with ``fsync=True`` from ``THREADS`` threads at once (numbers interleaved), so
  calls share commits (group commit);
- ``exit``: an in-memory sender queues 150 events numbered from ``<first>`` that no interval would send
  soon, prints ``queued`` and returns from the program without closing anything: only the at-exit flush
  sends them.
"""

from __future__ import annotations

import itertools
import sys
import threading

from suprsend_typed import Event, Suprsend

AT_EXIT_EVENTS = 150
LONG_INTERVAL = 600.0  # seconds: longer than any test, so only closing sends
SHORT_INTERVAL = 0.005  # seconds: batches go out while the program queues more
THREADS = 4


def main(base_url: str, key: str, secret: str, mode: str, outbox: str, first: int) -> None:
    client = Suprsend(key, secret, base_url)
    if mode in ("forever", "threads"):
        sender = client.background(
            outbox, flush_interval=SHORT_INTERVAL, max_batch=50, fsync=mode == "threads"
        )
        printing = threading.Lock()

        def queue(numbers: itertools.count[int]) -> None:
            for n in numbers:
                sender.track_event(Event("u-killed", "queued", {"n": n}))
                with printing:
                    sys.stdout.write(f"{n}\n")
                    sys.stdout.flush()

        if mode == "forever":
            queue(itertools.count(first))
        for t in range(THREADS):
            threading.Thread(target=queue, args=(itertools.count(first + t, THREADS),)).start()
    elif mode == "exit":
        sender = client.background(flush_interval=LONG_INTERVAL)
        for n in range(first, first + AT_EXIT_EVENTS):
            sender.track_event(Event("u-exit", "queued", {"n": n}))
        print("queued", flush=True)
    else:
        raise SystemExit(f"unknown mode {mode!r}")


if __name__ == "__main__":
    base_url, key, secret, mode, outbox, first = sys.argv[1:]
    main(base_url, key, secret, mode, outbox, int(first))
