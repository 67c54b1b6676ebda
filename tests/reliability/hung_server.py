"""A loopback TCP server that accepts connections and never answers: the hung hub of the timeout tests."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager

_BACKLOG = 16


@contextmanager
def never_answering_server() -> Iterator[str]:
    """Yields ``http://127.0.0.1:<port>/``; connections are accepted, read from, and never replied to."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=_BACKLOG)
    accepted: list[socket.socket] = []
    stop = threading.Event()

    def accept_forever() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except OSError:
                return
            accepted.append(connection)

    thread = threading.Thread(target=accept_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/"
    finally:
        stop.set()
        listener.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept(); close() alone does not on Linux
        listener.close()
        thread.join()
        for connection in accepted:
            connection.close()
