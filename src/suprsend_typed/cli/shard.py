"""``--shard K/N``: which lines of a file this process sends, so N processes split one file with no overlap.

A line belongs to shard ``int.from_bytes(sha256(distinct_id as UTF-8)[:8], "big") % N``, where the distinct
id is the record's ``distinct_id`` (for a workflow trigger, its first recipient's: the recipient itself when
it is a string, else its ``distinct_id``). The hash is the same on every machine, Python version and run,
so every record of one user lands in one shard and keeps its order there. A line whose distinct id cannot be
read (not JSON, no recipient) belongs to shard 0, which reports it: every line is one shard's, and only one's.
"""

from __future__ import annotations

import hashlib
import re

import attrs

# The lines nobody else can claim (their distinct id is unreadable) go to this shard.
UNREADABLE_LINE_SHARD = 0
_HASH_BYTES = 8
_SPEC = re.compile(r"^(\d+)/(\d+)$")


class ShardSpecError(ValueError):
    """``--shard`` is not ``K/N`` with ``0 <= K < N``."""


@attrs.frozen(kw_only=True, slots=True)
class Shard:
    """Shard ``index`` of ``count``."""

    index: int
    count: int

    @classmethod
    def parse(cls, text: str) -> Shard:
        match = _SPEC.match(text.strip())
        if match is None:
            raise ShardSpecError(f"--shard must look like K/N (e.g. 0/4), got {text!r}")
        index, count = int(match.group(1)), int(match.group(2))
        if count < 1 or index >= count:
            raise ShardSpecError(f"--shard K/N needs N >= 1 and 0 <= K < N, got {text!r}")
        return cls(index=index, count=count)

    def owns(self, distinct_id: str | None) -> bool:
        """Whether a record with this distinct id (``None``: unreadable) is this shard's to send."""
        if distinct_id is None:
            return self.index == UNREADABLE_LINE_SHARD
        return shard_of(distinct_id, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def shard_of(distinct_id: str, count: int) -> int:
    """The documented shard hash: first 8 bytes of SHA-256 of the UTF-8 id, big-endian, modulo ``count``."""
    digest = hashlib.sha256(distinct_id.encode("utf-8", errors="surrogatepass")).digest()
    return int.from_bytes(digest[:_HASH_BYTES], "big") % count
