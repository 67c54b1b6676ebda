"""The input of ``send``: a JSON Lines file (or standard input) read lazily, line by line, as bytes.

Lines are numbered from 1 as editors number them. A line's bytes exclude its line ending, so a file with and
without a final newline gives the same lines (and the same dedupe keys). The identity of a regular file (real
path, size, modification time) names it in the journal and seeds its dedupe keys: a changed file is a new
input, never a resume.
"""

from __future__ import annotations

import os
import secrets
import stat
import sys
from collections.abc import Iterator
from typing import BinaryIO

STANDARD_INPUT = "-"
_LINE_ENDINGS = b"\r\n"
_RANDOM_SEED_BYTES = 16


class InputSource:
    """One pass over the input's lines; ``bytes_read`` and ``size`` (``None`` when unknown) feed the ETA."""

    def __init__(self, path: str) -> None:
        self.path = path
        if path == STANDARD_INPUT:
            self._stream: BinaryIO = sys.stdin.buffer
            self._owned = False
        else:
            self._stream = open(path, "rb")  # noqa: SIM115 - closed by close()
            self._owned = True
        info = os.fstat(self._stream.fileno())
        self._device_and_inode = (info.st_dev, info.st_ino)
        self.is_regular_file = stat.S_ISREG(info.st_mode)
        self.size: int | None = info.st_size if self.is_regular_file else None
        self.bytes_read = 0
        if self.is_regular_file and path != STANDARD_INPUT:
            self.identity = {
                "path": os.path.realpath(path),
                "size": info.st_size,
                "mtime_ns": info.st_mtime_ns,
            }
        else:
            self.identity = {"path": STANDARD_INPUT if path == STANDARD_INPUT else os.path.realpath(path)}

    @property
    def has_stable_identity(self) -> bool:
        """A regular file named by path: re-reading it gives the same lines while its identity holds."""
        return "mtime_ns" in self.identity

    def is_file(self, path: str) -> bool:
        """Whether ``path`` names the file being read (standard input redirected from it included)."""
        try:
            info = os.stat(path)
        except OSError:
            return False
        return self.is_regular_file and (info.st_dev, info.st_ino) == self._device_and_inode

    def identity_seed(self) -> str:
        """The seed of the dedupe keys: the identity for a file, random for a stream (kept by the journal)."""
        if self.has_stable_identity:
            return "file:{path}:{size}:{mtime_ns}".format(**self.identity)
        return "stream:" + secrets.token_hex(_RANDOM_SEED_BYTES)

    def lines(self) -> Iterator[tuple[int, bytes]]:
        """``(line number, bytes without the line ending)`` for every line, read lazily."""
        number = 0
        for raw in self._stream:
            number += 1
            self.bytes_read += len(raw)
            yield number, raw.rstrip(_LINE_ENDINGS)

    def close(self) -> None:
        if self._owned:
            self._stream.close()
