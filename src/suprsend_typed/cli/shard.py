"""``--shard K/N``: which lines of a file this process sends, so N processes split one file with no overlap.

A line belongs to shard ``int.from_bytes(sha256(distinct_id as UTF-8)[:8], "big") % N``, where the distinct
id is the record's ``distinct_id`` (for a workflow trigger, its first recipient's: the recipient itself when
it is a string, else its ``distinct_id``). The hash is the same on every machine, Python version and run,
so every record of one user lands in one shard and keeps its order there. A line whose distinct id cannot be
read (not JSON, no recipient) belongs to shard 0, which reports it: every line is one shard's, and only one's.

``--shard auto`` takes K from ``JOB_COMPLETION_INDEX``, which a Kubernetes Indexed Job sets in each pod, and N
from ``--shard-count`` or ``SUPRSEND_SHARD_COUNT`` (the Job's ``completions``; Kubernetes does not expose it).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping

import attrs

# The lines nobody else can claim (their distinct id is unreadable) go to this shard.
UNREADABLE_LINE_SHARD = 0
_HASH_BYTES = 8
_SPEC = re.compile(r"^(\d+)/(\d+)$")
_NUMBER = re.compile(r"^\d+$")
AUTO = "auto"
# Set by Kubernetes in every pod of an Indexed Job: the pod's index, 0 .. completions - 1.
INDEX_VARIABLE = "JOB_COMPLETION_INDEX"
# The number of shards for --shard auto when --shard-count is not given: the Job's completions.
COUNT_VARIABLE = "SUPRSEND_SHARD_COUNT"


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

    @classmethod
    def resolve(cls, text: str, *, count: int | None, environ: Mapping[str, str]) -> Shard:
        """``--shard`` as given: ``K/N``, or ``auto`` (K from ``JOB_COMPLETION_INDEX``, N from ``count``,
        else ``SUPRSEND_SHARD_COUNT``). A count given with ``K/N`` is refused, as it would be ignored."""
        if text.strip() != AUTO:
            if count is not None:
                raise ShardSpecError("--shard-count goes with --shard auto only (K/N already gives N)")
            return cls.parse(text)
        index = environ.get(INDEX_VARIABLE, "").strip()
        if not index:
            raise ShardSpecError(
                f"--shard auto reads {INDEX_VARIABLE}, which is not set (Kubernetes sets it in each pod of "
                "an Indexed Job); or give --shard K/N"
            )
        if count is None:
            count_text = environ.get(COUNT_VARIABLE, "").strip()
            if not count_text:
                raise ShardSpecError(
                    f"--shard auto needs the number of shards: --shard-count N or {COUNT_VARIABLE} "
                    "(the Job's completions)"
                )
            if not _NUMBER.match(count_text):
                raise ShardSpecError(f"{COUNT_VARIABLE} must be a whole number, got {count_text!r}")
            count = _at_least_one(int(count_text), COUNT_VARIABLE)
        else:
            count = _at_least_one(count, "--shard-count")
        if not _NUMBER.match(index):
            raise ShardSpecError(f"{INDEX_VARIABLE} must be a whole number, got {index!r}")
        if int(index) >= count:
            raise ShardSpecError(
                f"--shard auto needs {INDEX_VARIABLE} ({index}) below the number of shards ({count})"
            )
        return cls(index=int(index), count=count)

    def owns(self, distinct_id: str | None) -> bool:
        """Whether a record with this distinct id (``None``: unreadable) is this shard's to send."""
        if distinct_id is None:
            return self.index == UNREADABLE_LINE_SHARD
        return shard_of(distinct_id, self.count) == self.index

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def _at_least_one(count: int, given_by: str) -> int:
    """The number of shards, which must be at least 1; ``given_by`` names the flag or variable."""
    if count < 1:
        raise ShardSpecError(f"{given_by} must be >= 1 (the number of shards), got {count}")
    return count


def shard_of(distinct_id: str, count: int) -> int:
    """The documented shard hash: first 8 bytes of SHA-256 of the UTF-8 id, big-endian, modulo ``count``."""
    digest = hashlib.sha256(distinct_id.encode("utf-8", errors="surrogatepass")).digest()
    return int.from_bytes(digest[:_HASH_BYTES], "big") % count
