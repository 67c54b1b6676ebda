"""``--journal PATH``: an append-only record of the input lines the hub acknowledged, durable per chunk.

The file is text. Its first line is ``suprsend-typed-journal 1 {json}``, naming what it belongs to: the
record kind, the input's identity, the seed of the dedupe keys and the shard. Every later line is
``A <ranges>``: the lines of one chunk the hub accepted, as ``first-last`` or ``line`` items joined by
commas. An entry is one ``write`` on a file opened for appending, made by the sender thread as soon as its
chunk is answered, so a killed process loses no entry (the kernel has it). A syncer thread fsyncs after
every batch of entries, so a lost machine loses at most the entries of the last moments, whose records go
again with the same dedupe keys; the sender threads never wait for the disk. A process killed at any moment
leaves whole entries, plus at most one partial last line, which the next run cuts off.

Lines the hub refused are not journaled, so a resume sends them again (with the same dedupe keys), and
its ``--failed-out`` lists every line still not accepted.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

from .lineset import LineSet, ranges

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock against a second process
    fcntl = None  # type: ignore[assignment]

MAGIC = "suprsend-typed-journal"
FORMAT_VERSION = 1
ACK_PREFIX = b"A "
_NEWLINE = b"\n"
_FILE_MODE = 0o644


class JournalError(Exception):
    """The journal cannot be used for this command (belongs to another input, corrupt, or in use)."""


class Journal:
    """An open journal: ``acknowledged`` holds the lines done by earlier runs; ``acknowledge`` adds more.

    ``acknowledge`` is called from the bulk sender threads; writes are locked, syncs run on their own thread.
    """

    def __init__(self, path: str, fd: int, header: dict[str, Any], acknowledged: LineSet) -> None:
        self.path = path
        self.header = header
        self.acknowledged = acknowledged
        self._fd = fd
        self._write_lock = threading.Lock()
        self._unsynced = threading.Event()
        self._closing = False
        self._sync_error: OSError | None = None
        self._syncer = threading.Thread(target=self._sync_entries, name="suprsend-journal-sync", daemon=True)
        self._syncer.start()

    @property
    def seed(self) -> str:
        return str(self.header["seed"])

    @classmethod
    def open(cls, path: str, *, expected: dict[str, Any], new_seed: Callable[[], str]) -> Journal:
        """Open or create the journal; ``expected`` (kind, input, shard) must match an existing one."""
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, _FILE_MODE)
        except OSError as exc:
            raise JournalError(f"cannot open journal {path}: {exc.strerror}") from None
        try:
            _lock(fd, path)
            content = _read_all(fd)
            complete = content[: content.rfind(_NEWLINE) + 1]
            if len(complete) != len(content):  # a run killed mid-write left a partial last line
                os.ftruncate(fd, len(complete))
            lines = complete.split(_NEWLINE)[:-1]
            if not lines:
                header = {"format": FORMAT_VERSION, **expected, "seed": new_seed()}
                _write_all(fd, f"{MAGIC} {json.dumps(header, sort_keys=True)}\n".encode())
                os.fsync(fd)
                _sync_directory(path)
                return cls(path, fd, header, LineSet())
            header = _read_header(lines[0], path)
            _check_header(header, expected, path)
            return cls(path, fd, header, _read_entries(lines[1:], path))
        except BaseException:
            os.close(fd)
            raise

    def acknowledge(self, lines: Sequence[int]) -> None:
        """Record lines the hub accepted (ascending, distinct): written at once, synced soon after."""
        if self._sync_error is not None:
            raise self._sync_error
        if not lines:
            return
        first, last = lines[0], lines[-1]
        if last - first + 1 == len(lines):  # the common case, a run of lines: no per-line step
            text = _range_text(first, last)
        else:
            text = ",".join(_range_text(first, last) for first, last in ranges(lines))
        entry = ACK_PREFIX + text.encode()
        with self._write_lock:
            _write_all(self._fd, entry + _NEWLINE)
        self._unsynced.set()

    def close(self) -> None:
        """Stop the syncer, sync what is left and close; the lock on the file goes with the descriptor."""
        if self._fd < 0:
            return
        self._closing = True
        self._unsynced.set()
        self._syncer.join()
        try:
            os.fsync(self._fd)  # raises, as the syncer's failure would have, if the disk refuses
        finally:
            os.close(self._fd)
            self._fd = -1

    def _sync_entries(self) -> None:
        """One fsync per batch: every entry written before an fsync starts is on disk when it returns."""
        while True:
            self._unsynced.wait()
            if self._closing:
                return
            self._unsynced.clear()
            try:
                os.fsync(self._fd)
            except OSError as exc:  # raised to the sender by the next acknowledge, or by close
                self._sync_error = exc
                return


def _range_text(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def _lock(fd: int, path: str) -> None:
    if fcntl is None:
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        raise JournalError(f"journal {path} is in use by another process") from None


def _read_all(fd: int) -> bytes:
    os.lseek(fd, 0, os.SEEK_SET)
    parts = []
    while chunk := os.read(fd, 1 << 20):
        parts.append(chunk)
    return b"".join(parts)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _sync_directory(path: str) -> None:
    """Make the new file's directory entry durable too (a no-op where directories cannot be opened)."""
    try:
        dir_fd = os.open(os.path.dirname(os.path.abspath(path)), os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dir_fd)
    except OSError:
        pass
    finally:
        os.close(dir_fd)


def _read_header(line: bytes, path: str) -> dict[str, Any]:
    magic, _, text = line.decode("utf-8", errors="replace").partition(" ")
    try:
        header = json.loads(text) if magic == MAGIC else None
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT_VERSION or "seed" not in header:
        raise JournalError(f"{path} is not a suprsend-typed journal (format {FORMAT_VERSION})")
    return header


def _check_header(header: dict[str, Any], expected: dict[str, Any], path: str) -> None:
    for key, value in expected.items():
        if header.get(key) != value:
            raise JournalError(
                f"journal {path} belongs to another send: its {key} is {header.get(key)!r}, this command's "
                f"is {value!r} (a changed input file is a new input: start a new journal)"
            )


def _read_entries(lines: list[bytes], path: str) -> LineSet:
    acknowledged = LineSet()
    for number, line in enumerate(lines, 2):
        if not line.startswith(ACK_PREFIX):
            raise JournalError(f"journal {path}, line {number}: unknown entry {line[:40]!r}")
        try:
            for item in line[len(ACK_PREFIX) :].split(b","):
                first, _, last = item.partition(b"-")
                acknowledged.add_range(int(first), int(last or first))
        except ValueError:
            raise JournalError(f"journal {path}, line {number}: malformed ranges") from None
    return acknowledged
