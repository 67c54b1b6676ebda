"""``Headers``: case-insensitive reads, merges made once for constant headers, and answer headers indexed."""

from __future__ import annotations

from suprsend_typed._http import Headers

JSON = Headers([("Content-Type", "application/json; charset=utf-8")])


def test_get_reads_any_case_and_gives_the_default_when_absent() -> None:
    assert JSON.get("content-type") == "application/json; charset=utf-8"
    assert JSON.get("CONTENT-TYPE", "") == "application/json; charset=utf-8"
    assert JSON.get("content-encoding") is None
    assert JSON.get("content-encoding", "") == ""


def test_merged_once_gives_what_merged_gives_and_makes_it_once() -> None:
    extra = {"X-Suprsend-Retry-Count": "0", "content-type": "text/plain"}
    first = JSON.merged_once(extra)
    assert first == JSON.merged(extra)
    assert list(first.items()) == [("content-type", "text/plain"), ("X-Suprsend-Retry-Count", "0")]
    assert JSON.merged_once(extra) is first
    # Another header set or another extra (even an equal one) is merged on its own.
    other = Headers([("Accept", "*/*")])
    assert other.merged_once(extra) == other.merged(extra)
    assert JSON.merged_once(dict(extra)) is not first
    assert JSON.merged_once(dict(extra)) == first


def test_of_distinct_is_headers_of_the_same_items() -> None:
    items = [("Content-Type", "application/json"), ("Content-Length", "2"), ("X-Request-Id", "a, b")]
    made = Headers.of_distinct(iter(items))
    assert made == Headers(items)
    assert list(made.items()) == items
    assert made["content-length"] == "2" and "x-request-id" in made
