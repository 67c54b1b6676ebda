"""``--journal PATH``: an append-only record of the input lines the hub acknowledged, durable per chunk, and
bound to what those lines held.

The file is text. Its first line is ``suprsend-typed-journal {json}``, naming what it belongs to: the
format, the record kind, the input's identity, the seed of the dedupe keys and the shard. Every later line
is ``A <ranges> <digest>``: the lines of one chunk the hub accepted, as ``first-last`` or ``line`` items
joined by commas, and the digest of their content (see ``entry_digest``). An entry is
one ``write`` on a file opened for appending, made by the sender thread as soon as its chunk is answered,
so a killed process loses no entry (the kernel has it). A syncer thread fsyncs after every batch of
entries, so a lost machine loses at most the entries of the last moments, whose records go again with the
same dedupe keys; the sender threads never wait for the disk. A process killed at any moment leaves whole
entries, plus at most one partial last line, which the next run cuts off.

A resume skips a line only once its content is proven to be what was acknowledged: the ``Verifier`` folds
every acknowledged line it reads into its entry's digest, and when an entry's last line is read the digests
must match; a mismatch (another stream on standard input, a file edited in place) or an input that ends
before every acknowledged line was read raises ``JournalMismatchError``, and the command stops.

Opening never damages a file: a path that exists must be empty or a journal (checked before anything is
written); the partial last line is cut only from a journal that passed every check. New journals are 0600.

Lines the hub refused are not journaled, so a resume sends them again (with the same dedupe keys), and
its ``--failed-out`` lists every line still not accepted.
"""

from __future__ import annotations

import bisect
import hashlib
import json
import os
import stat
import threading
from array import array
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .lineset import LineSet, ranges

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no lock against a second process
    fcntl = None  # type: ignore[assignment]

MAGIC = "suprsend-typed-journal"
FORMAT_VERSION = 2
ACK_PREFIX = b"A "
_MAGIC_PREFIX = MAGIC.encode() + b" "
_NEWLINE = b"\n"
# The journal holds which lines of the user's data were sent: readable by its owner only.
FILE_MODE = 0o600
# Bytes of an entry's digest (BLAKE2b): a chunk of other content passes unnoticed with odds of 1 in 2**64.
DIGEST_BYTES = 8
_ENTRY_DIGEST_HEX = 2 * DIGEST_BYTES


def entry_digest(raw_lines: Sequence[bytes]) -> str:
    """The digest of an entry, as hex: of its lines' bytes (without line endings) in ascending line order,
    each followed by a newline (which no line holds). One hash per chunk: nothing is hashed per line."""
    return hashlib.blake2b(_NEWLINE.join(raw_lines) + _NEWLINE, digest_size=DIGEST_BYTES).hexdigest()


class JournalError(Exception):
    """The journal cannot be used for this command (not a journal, belongs to another input, corrupt, or
    in use); nothing was written to it."""


class JournalMismatchError(Exception):
    """The input read is not the one the journal acknowledged: lines differ, or it ended too soon."""


class Verifier:
    """Checks each acknowledged line read against its entry's digest.

    ``check`` takes the acknowledged lines in ascending order; an entry is judged when its last line is
    read. The entries' ranges are kept sorted in flat arrays (no object per entry), so a journal of a
    million chunks costs some tens of megabytes.
    """

    def __init__(self, path: str, firsts: array[int], lasts: array[int], owners: array[int]) -> None:
        self._path = path
        self._firsts = firsts
        self._lasts = lasts
        self._owners = owners  # entry index of each range
        self._digests: list[str] = []
        self._remaining: array[int] = array("q")
        self._open: dict[int, Any] = {}  # entry index -> running hash of the entries being read
        self._cursor = 0

    def add_entry(self, digest: str, lines: int) -> None:
        """Entries are added in the order of their index in ``owners``."""
        self._digests.append(digest)
        self._remaining.append(lines)

    def ranges(self) -> Iterator[tuple[int, int]]:
        """Every acknowledged range, ascending."""
        return zip(self._firsts, self._lasts, strict=True)

    def check(self, line: int, raw: bytes) -> None:
        """Fold an acknowledged line into its entry; raise ``JournalMismatchError`` if the entry is complete
        and its content is not what was acknowledged."""
        lasts = self._lasts
        cursor = self._cursor
        if cursor >= len(lasts) or line < self._firsts[cursor]:  # lines read out of order: search
            cursor = bisect.bisect_right(self._firsts, line) - 1
        while lasts[cursor] < line:
            cursor += 1
        self._cursor = cursor
        entry = self._owners[cursor]
        running = self._open.get(entry)
        if running is None:
            running = self._open[entry] = hashlib.blake2b(digest_size=DIGEST_BYTES)
        running.update(raw)
        running.update(_NEWLINE)
        self._remaining[entry] -= 1
        if self._remaining[entry] == 0:
            del self._open[entry]
            if running.hexdigest() != self._digests[entry]:
                raise JournalMismatchError(
                    f"line {line} ends a chunk whose content differs from what journal {self._path} "
                    f"acknowledged ({self._describe(entry)}): this is not the input the journal was written "
                    "for, so its lines cannot be skipped; start a new journal for a new input"
                )

    def finish(self, lines_read: int) -> None:
        """At the end of the input: every acknowledged line must have been read."""
        for entry, remaining in enumerate(self._remaining):
            if remaining:
                raise JournalMismatchError(
                    f"the input ended at line {lines_read}, but journal {self._path} acknowledged lines "
                    f"past it ({self._describe(entry)}): this is not the input the journal was written for"
                )

    def _describe(self, entry: int) -> str:
        parts = [
            _range_text(first, last)
            for first, last, owner in zip(self._firsts, self._lasts, self._owners, strict=True)
            if owner == entry
        ]
        return "lines " + ",".join(parts)


class Journal:
    """An open journal: ``acknowledged`` holds the lines done by earlier runs, ``verifier`` checks their
    content as they are read again; ``acknowledge`` adds more.

    ``acknowledge`` is called from the bulk sender threads; writes are locked, syncs run on their own thread.
    """

    def __init__(
        self, path: str, fd: int, header: dict[str, Any], acknowledged: LineSet, verifier: Verifier
    ) -> None:
        self.path = path
        self.header = header
        self.acknowledged = acknowledged
        self.verifier = verifier
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
        """Open or create the journal; ``expected`` (kind, input, shard) must match an existing one.

        Everything is checked before anything is written: a file that is neither empty nor a journal of
        this input is refused untouched.
        """
        try:
            fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, FILE_MODE)
        except OSError as exc:
            raise JournalError(f"cannot open journal {path}: {exc.strerror}") from None
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                raise JournalError(f"journal {path} is not a regular file")
            _lock(fd, path)
            content = _read_all(fd)
            complete = content[: content.rfind(_NEWLINE) + 1]
            lines = complete.split(_NEWLINE)[:-1]
            if not lines and content.startswith(_MAGIC_PREFIX):  # a run killed while writing the header
                os.ftruncate(fd, 0)
                content = b""
            if not content:
                header = {"format": FORMAT_VERSION, **expected, "seed": new_seed()}
                _write_all(fd, f"{MAGIC} {json.dumps(header, sort_keys=True)}\n".encode())
                os.fsync(fd)
                _sync_directory(path)
                return cls(path, fd, header, LineSet(), _read_entries([], path))
            header = _read_header(lines[0] if lines else content, path)
            _check_header(header, expected, path)
            verifier = _read_entries(lines[1:], path)
            acknowledged = _line_set(verifier)
            if len(complete) != len(content):  # a run killed mid-write left a partial last line
                os.ftruncate(fd, len(complete))
            return cls(path, fd, header, acknowledged, verifier)
        except BaseException:
            os.close(fd)
            raise

    def acknowledge(self, lines: Sequence[int], raw_lines: Sequence[bytes]) -> None:
        """Record lines the hub accepted (ascending, distinct) with their bytes, which are digested: written
        at once, synced soon after."""
        if self._sync_error is not None:
            raise self._sync_error
        if not lines:
            return
        first, last = lines[0], lines[-1]
        if last - first + 1 == len(lines):  # the common case, a run of lines: no per-line step
            text = _range_text(first, last)
        else:
            text = ",".join(_range_text(first, last) for first, last in ranges(lines))
        entry = ACK_PREFIX + f"{text} {entry_digest(raw_lines)}".encode()
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
    if not isinstance(header, dict) or "seed" not in header:
        raise JournalError(
            f"{path} is not a suprsend-typed journal (format {FORMAT_VERSION}) and is not empty: it was left "
            "as it is; name a new or empty file"
        )
    if header.get("format") != FORMAT_VERSION:
        raise JournalError(
            f"journal {path} has format {header.get('format')!r}, written by another version of "
            f"suprsend-typed (this one writes format {FORMAT_VERSION}, which binds each entry to the "
            "content of its lines); finish that send with the version that started it, or start a new journal"
        )
    return header


def _check_header(header: dict[str, Any], expected: dict[str, Any], path: str) -> None:
    for key, value in expected.items():
        if header.get(key) != value:
            raise JournalError(
                f"journal {path} belongs to another send: its {key} is {header.get(key)!r}, this command's "
                f"is {value!r} (a changed input file is a new input: start a new journal)"
            )


def _read_entries(lines: list[bytes], path: str) -> Verifier:
    """The entries, as a verifier over their ranges sorted by first line; overlapping ranges (a line
    acknowledged twice, which no run writes) mean the file was altered."""
    found: list[tuple[int, int, int]] = []
    digests: list[tuple[str, int]] = []
    for number, line in enumerate(lines, 2):
        if not line.startswith(ACK_PREFIX):
            raise JournalError(f"journal {path}, line {number}: unknown entry {line[:40]!r}")
        text, _, digest = line[len(ACK_PREFIX) :].decode("ascii", errors="replace").partition(" ")
        if len(digest) != _ENTRY_DIGEST_HEX or digest.strip("0123456789abcdef"):
            raise JournalError(f"journal {path}, line {number}: malformed digest")
        entry = len(digests)
        count = 0
        try:
            for item in text.split(","):
                first_text, _, last_text = item.partition("-")
                first, last = int(first_text), int(last_text or first_text)
                if not 1 <= first <= last:
                    raise ValueError(item)
                found.append((first, last, entry))
                count += last - first + 1
        except ValueError:
            raise JournalError(f"journal {path}, line {number}: malformed ranges") from None
        digests.append((digest, count))
    found.sort()
    for (_, previous_last, _), (first, _, _) in zip(found, found[1:], strict=False):
        if first <= previous_last:
            raise JournalError(f"journal {path}: line {first} is acknowledged twice (the file was altered)")
    verifier = Verifier(
        path,
        array("q", (first for first, _, _ in found)),
        array("q", (last for _, last, _ in found)),
        array("q", (entry for _, _, entry in found)),
    )
    for digest, count in digests:
        verifier.add_entry(digest, count)
    return verifier


def _line_set(verifier: Verifier) -> LineSet:
    acknowledged = LineSet()
    for first, last in verifier.ranges():
        acknowledged.add_range(first, last)
    return acknowledged
