"""``client.request``: a signed call to an endpoint this SDK does not wrap yet, through the same chain.

The request goes through the client's whole middleware chain (user middleware, retries, headers, signing,
logging), so it is signed like every other call. It is retried only when a second attempt cannot apply
twice: a GET, or a JSON object body carrying a dedupe key (``$idempotency_key``). The path is relative to
the client's base URL and may never leave it: absolute URLs, ``//host`` forms, dot segments and a query or
fragment written into the path are refused before anything is sent (give the query as ``query``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import unquote, urlencode, urlsplit

from . import _json
from ._arguments import free_query
from ._async_base_client import AsyncRequestCore
from ._base_client import RequestCore, checked_timeout
from ._context import has_dedupe_key
from ._errors import ValidationError, status_error
from ._http import CallOptions, Headers, Request, Response, TimeoutLike
from ._paths import DOT_SEGMENTS
from ._retry import check_max_retries

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE"})
SAFE_METHODS = frozenset({"GET"})
OPERATION_NAME = "request"
# The official SDK sends (and signs) this content type on every request, as the generated builders do.
_JSON_HEADERS = Headers([("Content-Type", "application/json; charset=utf-8")])
_FORBIDDEN_PATH_CHARACTERS = frozenset("?#\\") | {chr(code) for code in range(0x21)} | {"\x7f"}

QueryArgument = Mapping[str, object] | Sequence[tuple[str, str]] | None


def checked_method(method: object) -> str:
    if not isinstance(method, str) or method.upper() not in METHODS:
        raise ValidationError(f"must be one of {', '.join(sorted(METHODS))}, got {method!r}", path="method")
    return method.upper()


def checked_path(path: object) -> str:
    """``path`` without its leading "/"; refused when it could reach anything outside the base URL."""
    if not isinstance(path, str) or not path.strip("/"):
        raise ValidationError(
            "must be a non-empty path relative to the base URL, such as 'v1/user/'", path="path"
        )
    parts = urlsplit(path)
    if parts.scheme or parts.netloc or path.startswith("//"):
        raise ValidationError("must be relative to the base URL, not an absolute URL", path="path")
    bad = sorted({char for char in path if char in _FORBIDDEN_PATH_CHARACTERS})
    if bad:
        raise ValidationError(
            f"must not hold {''.join(bad)!r} (percent-encode ids; pass the query as query=)", path="path"
        )
    relative = path.lstrip("/")
    if any(unquote(segment) in DOT_SEGMENTS for segment in relative.split("/")):
        raise ValidationError(
            "must not hold dot segments ('.' or '..'), which would leave the path", path="path"
        )
    return relative


def query_pairs(query: QueryArgument) -> list[tuple[str, str]]:
    """A dict passes as the official ``options`` do (lists repeat the key, booleans as true/false); a
    sequence of ``(name, value)`` text pairs passes as given."""
    if query is None or isinstance(query, Mapping):
        return free_query(query)
    if isinstance(query, str | bytes) or not isinstance(query, Sequence):
        raise TypeError(f"query must be a dict or a list of (name, value) pairs, got {type(query).__name__}")
    for pair in query:
        # A bare string is refused too: ``tuple("ab")`` would pass as the pair ("a", "b").
        if (
            isinstance(pair, str | bytes)
            or not isinstance(pair, Sequence)
            or len(pair) != 2
            or not all(isinstance(item, str) for item in pair)
            or not pair[0]
        ):
            raise ValidationError(
                f"each pair must be two strings (a non-empty name), got {pair!r}", path="query"
            )
    return [(name, value) for name, value in query]


def send_raw(
    core: RequestCore,
    method: object,
    path: object,
    body: object = None,
    query: QueryArgument = None,
    *,
    timeout: TimeoutLike | None = None,
    max_retries: int | None = None,
) -> Response:
    """Check, build, send; the response of a status below 400, else its typed ``APIStatusError``."""
    request = raw_request(core, method, path, body, query, timeout=timeout, max_retries=max_retries)
    return raw_answer(core.send(request))


def raw_request(
    core: RequestCore | AsyncRequestCore,
    method: object,
    path: object,
    body: object = None,
    query: QueryArgument = None,
    *,
    timeout: TimeoutLike | None = None,
    max_retries: int | None = None,
) -> Request:
    """The checked request of ``client.request`` (pure: the sync and the async client send it alike)."""
    verb = checked_method(method)
    relative = checked_path(path)
    pairs = query_pairs(query)
    if body is not None and verb == "GET":
        raise ValidationError("a GET request carries no body", path="body")
    content = b"" if body is None else _json.encode(_json.dumps(body))
    retryable = verb in SAFE_METHODS or (isinstance(body, Mapping) and has_dedupe_key(body))
    options = CallOptions(
        timeout=checked_timeout(timeout) if timeout is not None else core.timeout,
        max_retries=core.max_retries
        if max_retries is None
        else check_max_retries(max_retries, source="max_retries"),
        retryable=retryable,
        operation=OPERATION_NAME,
    )
    url = core.base_url + relative + ("?" + urlencode(pairs) if pairs else "")
    return Request(method=verb, url=url, headers=_JSON_HEADERS, content=content, options=options)


def raw_answer(response: Response) -> Response:
    """``response`` when its status is below 400, else its typed ``APIStatusError`` raised."""
    if response.status_code >= 400:
        raise status_error(response)
    return response
