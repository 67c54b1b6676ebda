"""Deciding whether a live request is a recorded one, and saying what differs when it is not."""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from typing import Any, Final
from urllib.parse import parse_qsl, urlsplit

from .cassette import RecordedBody, RecordedRequest

Matcher = Callable[[RecordedRequest, RecordedRequest], "str | None"]
"""``(recorded, live) -> None`` when they match on this aspect, else a short description of the difference."""

DEFAULT_MATCH_ON: Final = ("method", "path", "query", "body")

VOLATILE_BODY_KEYS: Final = frozenset({"$insert_id", "$time", "$ss_sdk_version"})
"""Body keys whose values change on every run (ids, timestamps, the SDK version); ignored at any depth."""

VOLATILE_HEADERS: Final = frozenset(
    {"date", "authorization", "user-agent", "x-suprsend-client-user-agent", "content-length"}
)
"""Headers that change between runs or carry credentials; headers whose name mentions an attempt or retry
count are ignored as well."""


def is_volatile_header(name: str, ignore_headers: Collection[str]) -> bool:
    lowered = name.lower()
    return lowered in ignore_headers or "attempt" in lowered or "retry-count" in lowered


def canonical_body(body: RecordedBody, ignore_keys: Collection[str]) -> Any:
    """Parsed JSON without volatile keys (dict comparison ignores key order); other bodies as stored."""
    if body.format == "json":
        return _without_keys(body.value, ignore_keys)
    return body.value


def _without_keys(value: Any, ignore_keys: Collection[str]) -> Any:
    if isinstance(value, dict):
        return {k: _without_keys(v, ignore_keys) for k, v in value.items() if k not in ignore_keys}
    if isinstance(value, list):
        return [_without_keys(item, ignore_keys) for item in value]
    return value


def first_difference(recorded: Any, live: Any, path: str = "") -> str | None:
    """The first place where two JSON values differ, as ``path: recorded X, got Y``."""
    where = path or "(root)"
    if isinstance(recorded, dict) and isinstance(live, dict):
        for key in sorted(recorded.keys() | live.keys()):
            child = f"{path}.{key}" if path else key
            if key not in live:
                return f"{child}: recorded, missing now"
            if key not in recorded:
                return f"{child}: not recorded, present now"
            found = first_difference(recorded[key], live[key], child)
            if found:
                return found
        return None
    if isinstance(recorded, list) and isinstance(live, list):
        for index, (old, new) in enumerate(zip(recorded, live, strict=False)):
            found = first_difference(old, new, f"{path}[{index}]")
            if found:
                return found
        if len(recorded) != len(live):
            return f"{where}: recorded {len(recorded)} items, got {len(live)}"
        return None
    if type(recorded) is not type(live) or recorded != live:
        return f"{where}: recorded {_short(recorded)}, got {_short(live)}"
    return None


def count_differences(recorded: Any, live: Any) -> int:
    """How many leaves differ between two JSON values (a missing subtree counts as one)."""
    if isinstance(recorded, dict) and isinstance(live, dict):
        return sum(
            count_differences(recorded[key], live[key]) if key in recorded and key in live else 1
            for key in recorded.keys() | live.keys()
        )
    if isinstance(recorded, list) and isinstance(live, list):
        paired = sum(count_differences(old, new) for old, new in zip(recorded, live, strict=False))
        return paired + abs(len(recorded) - len(live))
    return 0 if type(recorded) is type(live) and recorded == live else 1


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


class Matching:
    """The configured matchers; built-in ones are named, custom ones are callables (see ``Matcher``)."""

    def __init__(
        self,
        match_on: Sequence[str | Matcher] = DEFAULT_MATCH_ON,
        *,
        ignore_body_keys: Iterable[str] = VOLATILE_BODY_KEYS,
        ignore_headers: Iterable[str] = VOLATILE_HEADERS,
    ) -> None:
        self._ignore_body_keys = frozenset(ignore_body_keys)
        self._ignore_headers = frozenset(name.lower() for name in ignore_headers)
        builtin: dict[str, Matcher] = {
            "method": _method,
            "host": _host,
            "path": _path,
            "query": _query,
            "body": self._body,
            "headers": self._headers,
        }
        self._matchers: list[tuple[str, Matcher]] = []
        for item in match_on:
            if isinstance(item, str):
                if item not in builtin:
                    raise ValueError(f"unknown matcher {item!r}; built-in matchers are {sorted(builtin)}")
                self._matchers.append((item, builtin[item]))
            else:
                self._matchers.append((getattr(item, "__name__", repr(item)), item))

    def differences(self, recorded: RecordedRequest, live: RecordedRequest) -> list[str]:
        """What differs, one entry per failing matcher; empty when the requests match."""
        found = []
        for name, matcher in self._matchers:
            difference = matcher(recorded, live)
            if difference is not None:
                found.append(f"{name} differs: {difference}")
        return found

    def distance(self, recorded: RecordedRequest, live: RecordedRequest) -> tuple[int, int]:
        """For ranking near misses: failing matchers, then differing body leaves."""
        old = canonical_body(recorded.body, self._ignore_body_keys)
        new = canonical_body(live.body, self._ignore_body_keys)
        return len(self.differences(recorded, live)), count_differences(old, new)

    def _body(self, recorded: RecordedRequest, live: RecordedRequest) -> str | None:
        if recorded.body.format != live.body.format:
            return f"recorded a {recorded.body.format} body, got {live.body.format}"
        old = canonical_body(recorded.body, self._ignore_body_keys)
        new = canonical_body(live.body, self._ignore_body_keys)
        return first_difference(old, new)

    def _headers(self, recorded: RecordedRequest, live: RecordedRequest) -> str | None:
        def kept(headers: dict[str, str]) -> dict[str, str]:
            return {
                k.lower(): v for k, v in headers.items() if not is_volatile_header(k, self._ignore_headers)
            }

        return first_difference(kept(recorded.headers), kept(live.headers))


def _method(recorded: RecordedRequest, live: RecordedRequest) -> str | None:
    return None if recorded.method == live.method else f"recorded {recorded.method}, got {live.method}"


def _host(recorded: RecordedRequest, live: RecordedRequest) -> str | None:
    old, new = urlsplit(recorded.url), urlsplit(live.url)
    if (old.scheme, old.netloc) == (new.scheme, new.netloc):
        return None
    return f"recorded {old.scheme}://{old.netloc}, got {new.scheme}://{new.netloc}"


def _path(recorded: RecordedRequest, live: RecordedRequest) -> str | None:
    old, new = urlsplit(recorded.url).path, urlsplit(live.url).path
    return None if old == new else f"recorded {old}, got {new}"


def _query(recorded: RecordedRequest, live: RecordedRequest) -> str | None:
    old = sorted(parse_qsl(urlsplit(recorded.url).query, keep_blank_values=True))
    new = sorted(parse_qsl(urlsplit(live.url).query, keep_blank_values=True))
    return None if old == new else f"recorded {old}, got {new}"
