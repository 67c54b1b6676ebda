"""Immutable request and response values: the only things that cross the transport boundary."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs


class Headers(Mapping[str, str]):
    """An immutable, case-insensitive header mapping that keeps the names and order it was given."""

    __slots__ = ("_items", "_index")

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        pairs = list(items.items()) if isinstance(items, Mapping) else list(items)
        index: dict[str, int] = {}
        kept: list[tuple[str, str]] = []
        for name, value in pairs:
            key = name.lower()
            if key in index:
                kept[index[key]] = (name, value)
            else:
                index[key] = len(kept)
                kept.append((name, value))
        self._items: tuple[tuple[str, str], ...] = tuple(kept)
        self._index = index

    def __getitem__(self, name: str) -> str:
        return self._items[self._index[name.lower()]][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._index

    def __iter__(self) -> Iterator[str]:
        return (name for name, _ in self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Headers):
            return {k.lower(): v for k, v in self._items} == {k.lower(): v for k, v in other._items}
        return NotImplemented

    def __hash__(self) -> int:
        return hash(frozenset((k.lower(), v) for k, v in self._items))

    def __repr__(self) -> str:
        return f"Headers({dict(self._items)!r})"

    def items_list(self) -> list[tuple[str, str]]:
        return list(self._items)

    def merged(self, extra: Mapping[str, str] | Iterable[tuple[str, str]]) -> Headers:
        """A copy with ``extra`` added; a name already present is replaced in place."""
        more = list(extra.items()) if isinstance(extra, Mapping) else list(extra)
        return Headers([*self._items, *more])

    def without(self, *names: str) -> Headers:
        drop = {n.lower() for n in names}
        return Headers([(k, v) for k, v in self._items if k.lower() not in drop])


@attrs.frozen(kw_only=True, slots=True)
class Timeout:
    """Connect and read timeouts in seconds; ``None`` disables one (never the default)."""

    connect: float | None = 5.0
    read: float | None = 30.0


@attrs.frozen(kw_only=True, slots=True)
class CallOptions:
    """Per-call settings that middleware and transports read; ``None`` means the client's default."""

    timeout: Timeout | None = None
    max_retries: int | None = None
    # False when the request carries no dedupe key, so a retry could deliver twice.
    retryable: bool = True
    # A stable name of the operation ("trigger_workflow", ...) for logs and metrics.
    operation: str = ""


@attrs.frozen(kw_only=True, slots=True)
class Request:
    """One HTTP request as it will be sent: absolute URL (query included), headers and body bytes."""

    method: str
    url: str
    headers: Headers = attrs.field(factory=Headers)
    content: bytes = b""
    options: CallOptions = attrs.field(factory=CallOptions)

    @property
    def path_and_query(self) -> str:
        """The request-URI that the HMAC signature covers: encoded path, then ``?query`` if any."""
        parts = urlsplit(self.url)
        return parts.path + ("?" + parts.query if parts.query else "")

    def with_headers(self, extra: Mapping[str, str]) -> Request:
        return attrs.evolve(self, headers=self.headers.merged(extra))


@attrs.frozen(kw_only=True, slots=True)
class Response:
    """One HTTP response: status, headers and the whole body."""

    status_code: int
    headers: Headers = attrs.field(factory=Headers)
    content: bytes = b""

    @property
    def text(self) -> str:
        return self.content.decode("utf-8", errors="replace")

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    def json(self) -> Any:
        """The body parsed as JSON; raises ``ValueError`` when it is not JSON."""
        return json.loads(self.content)

    def json_or_none(self) -> Any:
        try:
            return json.loads(self.content) if self.content else None
        except ValueError:
            return None
