"""The documented shard hash and the deterministic dedupe keys: stable across machines, versions and runs."""

from __future__ import annotations

import hashlib
import uuid

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suprsend_typed._bulk.response import BulkResponse, BulkTally, ChunkOutcome, FailedRecord
from suprsend_typed.cli.ids import LineIds, namespace_for
from suprsend_typed.cli.lineset import LineSet, ranges
from suprsend_typed.cli.records import KINDS
from suprsend_typed.cli.shard import Shard, ShardSpecError, shard_of

# Pinned: a changed hash would send a user's records to another shard than the day before.
PINNED_SHARDS = {
    "user-1": [0, 0, 5, 594],
    "alice@example.com": [1, 1, 1, 263],
    "0f988f74-6982-41c5-8752-facb6911fb08": [0, 2, 5, 92],
    "é": [1, 0, 3, 51],
}


@pytest.mark.parametrize(("distinct_id", "expected"), PINNED_SHARDS.items())
def test_the_shard_hash_is_pinned(distinct_id: str, expected: list[int]) -> None:
    assert [shard_of(distinct_id, count) for count in (2, 3, 7, 1000)] == expected


@given(st.text(), st.integers(min_value=1, max_value=10_000))
def test_the_shard_hash_is_the_documented_one(distinct_id: str, count: int) -> None:
    digest = hashlib.sha256(distinct_id.encode("utf-8", errors="surrogatepass")).digest()
    assert shard_of(distinct_id, count) == int.from_bytes(digest[:8], "big") % count


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_exactly_one_shard_owns_each_line(distinct_id: str, count: int) -> None:
    owners = [index for index in range(count) if Shard(index=index, count=count).owns(distinct_id)]
    assert len(owners) == 1
    unreadable = [index for index in range(count) if Shard(index=index, count=count).owns(None)]
    assert unreadable == [0]


@pytest.mark.parametrize("text", ["1/1/1", "2", "a/b", "-1/2", "2/2", "0/0", ""])
def test_a_bad_shard_spec_is_refused(text: str) -> None:
    with pytest.raises(ShardSpecError):
        Shard.parse(text)


def test_a_shard_spec_reads_back() -> None:
    assert str(Shard.parse(" 3/8 ")) == "3/8"


@given(st.text(min_size=1), st.integers(min_value=1, max_value=10**9), st.text())
def test_line_keys_are_uuid5_of_line_number_and_content(seed: str, line: int, content: str) -> None:
    namespace = namespace_for(seed)
    raw = content.encode("utf-8", errors="surrogatepass")
    name = f"{line}:".encode() + raw
    expected = uuid.UUID(bytes=hashlib.sha1(namespace.bytes + name).digest()[:16], version=5)
    assert LineIds(namespace).key(line, raw) == str(expected)
    if content.isascii():
        assert LineIds(namespace).key(line, raw) == str(uuid.uuid5(namespace, f"{line}:{content}"))


def test_line_keys_differ_by_input_line_and_content() -> None:
    ids, other = LineIds(namespace_for("file:a")), LineIds(namespace_for("file:b"))
    keys = {ids.key(1, b"x"), ids.key(2, b"x"), ids.key(1, b"y"), other.key(1, b"x")}
    assert len(keys) == 4
    assert all(len(key) == 36 for key in keys)  # the hub wants an $insert_id of at least 36 characters


@given(st.lists(st.tuples(st.integers(1, 300), st.integers(0, 40))))
def test_a_line_set_holds_exactly_the_ranges_added(added: list[tuple[int, int]]) -> None:
    lines, expected = LineSet(), set()
    for first, length in added:
        lines.add_range(first, first + length)
        expected.update(range(first, first + length + 1))
    assert {line for line in range(0, 400) if line in lines} == expected
    assert len(lines) == len(expected)
    assert all(line < lines.end for line in expected)


@given(st.sets(st.integers(1, 200)))
def test_ranges_are_the_maximal_runs(lines: set[int]) -> None:
    runs = list(ranges(sorted(lines)))
    assert {line for first, last in runs for line in range(first, last + 1)} == lines
    assert all(later[0] > earlier[1] + 1 for earlier, later in zip(runs, runs[1:], strict=False))


def test_the_send_tally_counts_failures_without_keeping_them() -> None:
    failed: FailedRecord = {"record": {"distinct_id": "u1"}, "error": "unauthorised", "code": 401}
    tally = BulkTally(respond=BulkResponse.of, keep=0)

    tally.add_chunk(ChunkOutcome(total=3, success=1, failed_records=(failed, failed)))
    tally.add_failed(failed)

    response = tally.response()
    assert (response.total, response.success, response.failure, response.status) == (4, 1, 3, "partial")
    assert tally.failed_records == []


def test_records_are_sharded_by_their_own_or_their_first_recipients_distinct_id() -> None:
    workflows, events = KINDS["workflows"].distinct_id, KINDS["events"].distinct_id

    assert workflows({"recipients": ["u1", "u2"]}) == "u1"
    assert workflows({"recipients": [{"distinct_id": "u3", "$email": ["a@b.c"]}]}) == "u3"
    assert workflows({"recipients": []}) is None
    assert workflows({"recipients": [{"$email": ["a@b.c"]}]}) is None
    assert events({"distinct_id": "u4"}) == "u4"
    assert events({"distinct_id": 4}) is None


@pytest.mark.parametrize("kind", ["events", "users"])
def test_a_distinct_id_is_sharded_as_it_is_sent(kind: str) -> None:
    # The record goes out with its distinct id stripped: " alice " and "alice" are one user, so one shard,
    # or two processes would send one profile's edits side by side, out of order.
    distinct_id = KINDS[kind].distinct_id
    assert distinct_id({"distinct_id": " alice\t"}) == distinct_id({"distinct_id": "alice"}) == "alice"
    assert distinct_id({"distinct_id": "   "}) is None  # refused when built: shard 0 reports it
