"""Immutable request and response values: the only things that cross the transport boundary.

Their reprs never show a credential, so this module also holds the masking rule the whole SDK shares:
which header values are credentials (``redact_header``) and the process-wide registry of secrets and
``Authorization`` prefixes (``mask_credentials``) that logs, results and error messages pass through. It
lives here, below ``_errors`` and ``_logging``, so both can use it without importing each other.
"""

from __future__ import annotations

import functools
import json
import math
import re
import threading
from collections.abc import Iterable, Iterator, Mapping
from typing import Any
from urllib.parse import urlsplit

import attrs
from urllib3.util.url import _encode_target

from ._error_base import SuprsendConfigError

REDACTED = "***"
# Registered secrets shorter than this are not masked in free text: they would blank out ordinary words and
# paths everywhere, process-wide. Real workspace secrets and API keys are far longer; Authorization values
# are masked by their form whatever their length.
MIN_MASKED_SECRET_CHARS = 8
# Headers whose whole value is a credential; Authorization keeps its non-secret prefix (see redact_header).
_SECRET_HEADERS = frozenset({"proxy-authorization", "cookie", "set-cookie"})
_AUTHORIZATION = "authorization"
BEARER_PREFIX = "Bearer "
HMAC_SEPARATOR = ":"
# What follows an Authorization prefix: an RFC 7235 token68, which covers API keys and base64 signatures.
_CREDENTIAL_TOKEN = r"[A-Za-z0-9\-._~+/]+=*"
# A prefix only counts at the start of a word, so a short workspace key inside a longer word stays shown.
_WORD_START = r"(?<![A-Za-z0-9_\-])"
# Distinct URLs whose request target is kept: about one per endpoint, but query strings can make them many.
_REQUEST_TARGETS = 256


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every occurrence of each non-empty secret replaced by ``***``.

    Occurrences are found in the original text and overlapping ones are merged into one mask, so two
    secrets sharing characters cannot leave part of either visible.
    """
    spans: list[tuple[int, int]] = []
    for secret in {s for s in secrets if s}:
        start = text.find(secret)
        while start >= 0:
            spans.append((start, start + len(secret)))
            start = text.find(secret, start + 1)
    if not spans:
        return text
    spans.sort()
    pieces: list[str] = []
    kept_from = 0
    mask_start, mask_end = spans[0]
    for start, end in spans[1:]:
        if start <= mask_end:
            mask_end = max(mask_end, end)
            continue
        pieces += [text[kept_from:mask_start], REDACTED]
        kept_from, mask_start, mask_end = mask_end, start, end
    pieces += [text[kept_from:mask_start], REDACTED, text[mask_end:]]
    return "".join(pieces)


def redact_header(name: str, value: str) -> str:
    """A header value safe to show: ``Bearer ***``, ``<workspace key>:***``, or ``***`` for credentials."""
    lowered = name.lower()
    if lowered == _AUTHORIZATION:
        if value.startswith(BEARER_PREFIX):
            return BEARER_PREFIX + REDACTED
        workspace_key, separator, _signature = value.partition(HMAC_SEPARATOR)
        return workspace_key + separator + REDACTED if separator else REDACTED
    if lowered in _SECRET_HEADERS:
        return REDACTED
    return value


class CredentialRegistry:
    """The secrets and ``Authorization`` prefixes of the clients made in this process.

    ``mask`` hides them in any text the SDK shows or logs, text a server echoed back included. Entries are
    only ever added (under a lock); readers take the current immutable snapshot without locking.
    """

    __slots__ = ("_lock", "_secrets", "_prefixes", "_authorization")

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._secrets: frozenset[str] = frozenset()
        self._prefixes: frozenset[str] = frozenset()
        self._authorization: re.Pattern[str] | None = None

    @property
    def secrets(self) -> frozenset[str]:
        return self._secrets

    def add_secret(self, secret: str) -> None:
        """Mask ``secret`` wherever it appears; one shorter than ``MIN_MASKED_SECRET_CHARS`` is ignored."""
        if len(secret) >= MIN_MASKED_SECRET_CHARS:
            with self._lock:
                self._secrets = self._secrets | {secret}

    def add_authorization_prefix(self, prefix: str) -> None:
        """Mask the credential after ``prefix`` (``Bearer ``, ``<workspace key>:``) and keep the prefix."""
        if not prefix:
            return
        with self._lock:
            self._prefixes = self._prefixes | {prefix}
            longest_first = sorted(self._prefixes, key=len, reverse=True)
            alternatives = "|".join(re.escape(known) for known in longest_first)
            self._authorization = re.compile(f"{_WORD_START}({alternatives}){_CREDENTIAL_TOKEN}")

    def mask(self, text: str) -> str:
        """``text`` with registered secrets shown as ``***`` and Authorization values as ``<prefix>***``."""
        pattern = self._authorization
        unsigned = pattern.sub(lambda found: found.group(1) + REDACTED, text) if pattern else text
        return redact(unsigned, self._secrets)


registered_credentials = CredentialRegistry()


def mask_credentials(text: str) -> str:
    """``text`` with every credential registered in this process masked (see ``CredentialRegistry``)."""
    return registered_credentials.mask(text)


def mask_json(value: Any) -> Any:
    """A copy of a parsed JSON value with credentials masked in every string, keys included."""
    if isinstance(value, str):
        return mask_credentials(value)
    if isinstance(value, dict):
        return {mask_json(key): mask_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [mask_json(item) for item in value]
    return value


class Headers(Mapping[str, str]):
    """An immutable, case-insensitive header mapping that keeps the names and order it was given."""

    __slots__ = ("_items", "_index")

    def __init__(self, items: Mapping[str, str] | Iterable[tuple[str, str]] = ()) -> None:
        self._items, self._index = _add_headers([], {}, items)

    def __getitem__(self, name: str) -> str:
        return self._items[self._index[name.lower()]][1]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.lower() in self._index

    def get(self, name: str, default: Any = None) -> Any:
        """The value of ``name``, or ``default``: one lookup (``Mapping.get`` raises and catches KeyError
        for a missing name, and signing and the transport read headers on every attempt)."""
        position = self._index.get(name.lower())
        return default if position is None else self._items[position][1]

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
        """Credential headers as the logs show them, so a printed request never carries its key."""
        shown = {name: redact_header(name, value) for name, value in self._items}
        return mask_credentials(f"Headers({shown!r})")

    @classmethod
    def of_distinct(cls, items: Iterable[tuple[str, str]]) -> Headers:
        """``Headers(items)`` for names already distinct case-insensitively (a transport's merged answer
        headers), indexed in one pass without checking for repeats."""
        headers = cls.__new__(cls)
        headers._items = tuple(items)
        headers._index = {name.lower(): position for position, (name, _value) in enumerate(headers._items)}
        return headers

    def items_list(self) -> list[tuple[str, str]]:
        return list(self._items)

    def merged(self, extra: Mapping[str, str] | Iterable[tuple[str, str]]) -> Headers:
        """A copy with ``extra`` added; a name already present is replaced in place.

        Each middleware adds a header or two per attempt, so only the new names are indexed, not all again.
        """
        merged = Headers.__new__(Headers)
        merged._items, merged._index = _add_headers(list(self._items), dict(self._index), extra)
        return merged

    def merged_once(self, extra: Mapping[str, str]) -> Headers:
        """``merged(extra)`` for an ``extra`` that never changes (a middleware's constant headers), made once
        per ``Headers`` object and kept: requests built from one constant (a generated builder's JSON
        headers) get the same result on every attempt without merging again."""
        known = _MERGED_ONCE.get((id(self), id(extra)))
        # The entry holds both objects, so neither id can be reused by another object while it is kept.
        if known is not None and known[0] is self and known[1] is extra:
            return known[2]
        merged = self.merged(extra)
        if len(_MERGED_ONCE) >= _MERGED_ONCE_KEPT:
            _MERGED_ONCE.clear()
        _MERGED_ONCE[(id(self), id(extra))] = (self, extra, merged)
        return merged

    def without(self, *names: str) -> Headers:
        """A copy without the named headers: for middleware that must drop one (case-insensitive)."""
        drop = {n.lower() for n in names}
        return Headers([(k, v) for k, v in self._items if k.lower() not in drop])


# ``Headers.merged_once`` results: a few per constant header set of the builders and middleware. Emptied when
# full, so headers made per call (a caller's own) cost no more memory than this.
_MERGED_ONCE: dict[tuple[int, int], tuple[Headers, Mapping[str, str], Headers]] = {}
_MERGED_ONCE_KEPT = 256


def _add_headers(
    kept: list[tuple[str, str]],
    index: dict[str, int],
    items: Mapping[str, str] | Iterable[tuple[str, str]],
) -> tuple[tuple[tuple[str, str], ...], dict[str, int]]:
    """``kept`` and its lower-cased ``index`` with ``items`` added; a repeated name replaces in place."""
    # ``type(...) is dict`` first: middleware passes plain dicts, and the Mapping check is an ABC lookup.
    for name, value in items.items() if type(items) is dict or isinstance(items, Mapping) else items:
        key = name.lower()
        position = index.get(key)
        if position is None:
            index[key] = len(kept)
            kept.append((name, value))
        else:
            kept[position] = (name, value)
    return tuple(kept), index


def _seconds_problem(value: object) -> str | None:
    """Why ``value`` is not a timeout (``None`` or a finite number of seconds above 0), or ``None``."""
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        return f"must be a number of seconds or None, got {type(value).__name__} {value!r}"
    if not math.isfinite(value) or value <= 0:
        return f"must be more than 0 seconds (None for no limit), got {value!r}"
    return None


def _config_error(message: str) -> Exception:
    return SuprsendConfigError(message)


def _check_seconds(_instance: object, attribute: attrs.Attribute[Any], value: object) -> None:
    """Checked when a ``Timeout`` is built, so a bad value never reaches the transport's first call."""
    problem = _seconds_problem(value)
    if problem is not None:
        raise _config_error(f"Timeout.{attribute.name} {problem}")


@functools.lru_cache(maxsize=_REQUEST_TARGETS)
def request_target(url: str) -> str:
    """The path and ``?query`` of ``url`` exactly as they go on the wire, so the path signed is the path sent.

    Dot segments are kept (a normalised path would differ from the signed one; path parameters can never be
    dot segments, see ``_paths``), the fragment is dropped, and characters a request target may not hold are
    percent-encoded by urllib3's own rule, which leaves an already encoded target unchanged: urllib3 applies
    it again on sending, so it changes nothing then.
    """
    parts = urlsplit(url)
    path = parts.path if parts.path.startswith("/") else "/" + parts.path
    return _encode_target(path + ("?" + parts.query if parts.query else ""))


def _connect_plus_read(timeout: Timeout) -> float | None:
    """The default ``total``: both limits together, so a body that drips cannot stretch an attempt."""
    connect, read = timeout.connect, timeout.read
    if _seconds_problem(connect) or _seconds_problem(read) or connect is None or read is None:
        return None  # no limit on one of them, or a bad value its own validator reports
    return connect + read


@attrs.frozen(kw_only=True, slots=True)
class Timeout:
    """Connect, read and total timeouts in seconds; ``None`` disables one (never the default).

    ``connect`` bounds opening a connection, ``read`` each wait for bytes of the answer, and ``total`` the
    whole attempt: connecting, sending and reading the whole body (a hub that drips its answer one byte at a
    time never waits ``read`` at once). ``total`` defaults to ``connect + read``. Where a timeout is taken,
    a plain number means that many seconds for all three, as in requests and httpx. Each retry is a new
    attempt with its own ``total``.
    """

    connect: float | None = attrs.field(default=5.0, validator=_check_seconds)
    read: float | None = attrs.field(default=30.0, validator=_check_seconds)
    total: float | None = attrs.field(
        default=attrs.Factory(_connect_plus_read, takes_self=True), validator=_check_seconds
    )

    @classmethod
    def of(cls, value: Timeout | float) -> Timeout:
        """``value`` as a ``Timeout``: a number is used for the connect, the read and the total timeout."""
        if isinstance(value, Timeout):
            return value
        if value is None:
            raise _config_error("timeout must be a number of seconds or a suprsend_typed.Timeout, got None")
        problem = _seconds_problem(value)
        if problem is not None:
            raise _config_error(f"timeout {problem} (or a suprsend_typed.Timeout)")
        return cls(connect=value, read=value, total=value)


TimeoutLike = Timeout | float
"""What a ``timeout=`` argument takes: a ``Timeout``, or seconds for connect, read and the whole attempt."""


@attrs.frozen(kw_only=True, slots=True)
class CallOptions:
    """Per-call settings that middleware and transports read; ``None`` means the client's default."""

    timeout: Timeout | None = None
    max_retries: int | None = None
    # False when the request carries no dedupe key, so a retry could deliver twice.
    retryable: bool = True
    # A stable name of the operation ("trigger_workflow", ...) for logs and metrics.
    operation: str = ""
    # Once set, the retry layer makes no further attempt (a bulk send that was interrupted sets it).
    cancel: threading.Event | None = attrs.field(default=None, eq=False)


@attrs.frozen(kw_only=True, slots=True, repr=False)
class Request:
    """One HTTP request as it will be sent: absolute URL (query included), headers and body bytes."""

    method: str
    url: str
    headers: Headers = attrs.field(factory=Headers)
    content: bytes = b""
    options: CallOptions = attrs.field(factory=CallOptions)

    @property
    def path_and_query(self) -> str:
        """The request-URI that the HMAC signature covers and the transport sends (see ``request_target``)."""
        return request_target(self.url)

    def with_headers(self, extra: Mapping[str, str]) -> Request:
        # Built directly: ``attrs.evolve`` reads every field by name, and each middleware layer does this on
        # every attempt.
        return Request(
            method=self.method,
            url=self.url,
            headers=self.headers.merged(extra),
            content=self.content,
            options=self.options,
        )

    def with_constant_headers(self, extra: Mapping[str, str]) -> Request:
        """``with_headers`` for an ``extra`` that is never changed: merged once per header set (see
        ``Headers.merged_once``)."""
        return Request(
            method=self.method,
            url=self.url,
            headers=self.headers.merged_once(extra),
            content=self.content,
            options=self.options,
        )

    def __repr__(self) -> str:
        return mask_credentials(
            f"Request(method={self.method!r}, url={self.url!r}, headers={self.headers!r}, "
            f"content={self.content!r}, options={self.options!r})"
        )


@attrs.frozen(kw_only=True, slots=True, repr=False)
class Response:
    """One HTTP response: status, headers and the whole body."""

    status_code: int
    headers: Headers = attrs.field(factory=Headers)
    content: bytes = b""
    # Set by the retry layer on an error answer when an earlier attempt of the same request was sent and got
    # no answer: the hub may have processed the request although this answer says it failed.
    outcome_unknown: bool = False

    def __repr__(self) -> str:
        """Masked like ``Request``: a server may echo the credential it was sent."""
        return mask_credentials(
            f"Response(status_code={self.status_code!r}, headers={self.headers!r}, content={self.content!r})"
        )

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
