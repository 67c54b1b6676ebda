"""Pages of list operations: one page read like the official dict, or every item fetched lazily.

``for user in client.users.list(): ...`` walks every page, asking for the next one only when the items of
the current one are used up, so memory holds one page at a time. ``iter_pages()`` and ``next_page()``
give explicit control. How the next page is asked (a cursor or an offset) comes from the spec's
``x-suprsend-pagination`` through the operation table.

A hub that hands back a cursor or offset already fetched (c1 -> c2 -> c1) would make a walk endless: it is
stopped with ``PaginationLoopError`` naming the repeated value, and ``iter_pages(max_pages=N)`` /
``iter_items(max_pages=N)`` cap a walk for a hub that keeps inventing new ones.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar

from . import _model_mapping as _map
from ._base_client import BuildRequest, Pairs, RequestCore
from ._errors import PaginationLoopError
from ._http import Response, TimeoutLike
from ._operation import OperationInfo, Pagination

ItemT = TypeVar("ItemT")
DataT = TypeVar("DataT")
_CURSOR = "after"  # the query parameter of the next page of a cursor-paged operation
_OFFSET = "offset"  # and of an offset-paged one


class Page(Generic[ItemT, DataT]):
    """One page of a list operation: ``data`` is the typed page model (``DataT``, the operation's response
    model), ``items`` its typed items (``ItemT``).

    Read with the wire keys (``page["results"]``, ``page["meta"]["has_next"]``, ``dict(page)``) it is the
    official SDK's answer dict, untyped as that dict is; ``page.data["meta"]`` is the same read typed per
    key by the model. Iterated, it yields the items of this page and of every page after it.
    """

    __slots__ = ("_data", "_fetch", "_pagination", "_query")

    def __init__(
        self,
        *,
        data: DataT,
        fetch: Callable[[Pairs], Page[ItemT, DataT]],
        pagination: Pagination,
        query: Pairs,
    ) -> None:
        self._data = data
        self._fetch = fetch
        self._pagination = pagination
        self._query = tuple(query)

    @property
    def data(self) -> DataT:
        """The page's typed model: the list operation's response model, read typed per key."""
        return self._data

    @property
    def items(self) -> list[ItemT]:
        """The typed items of this page only."""
        items: list[ItemT] = getattr(self._data, _field_name(self._data, self._pagination.items), None) or []
        return items

    def _meta(self) -> Mapping[str, Any]:
        meta = _map.model_get(self._data, self._pagination.meta)
        return meta if isinstance(meta, Mapping) else {}

    def _position(self, query: Pairs) -> tuple[str, str | None]:
        """The query parameter that says where a page starts (``after``/``offset``) and its value there."""
        name = _CURSOR if self._pagination.style == "cursor" else _OFFSET
        return name, next((value for key, value in query if key == name), None)

    def _next_query(self) -> Pairs | None:
        meta = self._meta()
        if self._pagination.style == "cursor":
            cursor = meta.get(_CURSOR)
            if not meta.get("has_next") or not isinstance(cursor, str) or not cursor:
                return None
            kept = [pair for pair in self._query if pair[0] not in (_CURSOR, "before")]
            return [*kept, (_CURSOR, cursor)]
        count = meta.get("count")
        page_size = len(self.items)
        offset = _int_param(self._query, _OFFSET, 0)
        limit = _int_param(self._query, "limit", page_size)
        if not page_size or not isinstance(count, int) or offset + page_size >= count:
            return None
        kept = [pair for pair in self._query if pair[0] != _OFFSET]
        return [*kept, (_OFFSET, str(offset + (limit or page_size)))]

    def _checked_next_query(self, seen: set[str | None], pages: int) -> Pairs | None:
        """The next page's query, or ``PaginationLoopError`` when it starts where a fetched page started."""
        query = self._next_query()
        if query is None:
            return None
        parameter, position = self._position(query)
        if position in seen:
            raise PaginationLoopError(parameter=parameter, position=str(position), pages=pages)
        seen.add(position)
        return query

    def _walk_start(self) -> set[str | None]:
        """The positions a walk from this page has fetched: this page's own."""
        return {self._position(self._query)[1]}

    def has_next_page(self) -> bool:
        return self._next_query() is not None

    def next_page_start(self) -> tuple[str, str] | None:
        """Where the next page starts, as its query parameter and value (``("after", "c2")``), or None on
        the last page: what a walk cut short (``max_pages``) needs to go on later."""
        query = self._next_query()
        if query is None:
            return None
        parameter, position = self._position(query)
        return parameter, str(position)

    def next_page(self) -> Page[ItemT, DataT] | None:
        """The page after this one (one request), or None on the last page.

        Raises ``PaginationLoopError`` when the hub points back at this very page.
        """
        query = self._checked_next_query(self._walk_start(), pages=1)
        return None if query is None else self._fetch(query)

    def iter_pages(self, *, max_pages: int | None = None) -> Iterator[Page[ItemT, DataT]]:
        """This page, then each following page, fetched only when the previous one was taken.

        At most ``max_pages`` pages (this one included) are yielded when it is given. A cursor or offset
        the walk already fetched raises ``PaginationLoopError`` instead of fetching the same pages again.
        """
        check_max_pages(max_pages)
        seen = self._walk_start()
        page: Page[ItemT, DataT] | None = self
        pages = 0
        while page is not None:
            yield page
            pages += 1
            if max_pages is not None and pages >= max_pages:
                return
            query = page._checked_next_query(seen, pages)
            page = None if query is None else page._fetch(query)

    def iter_items(self, *, max_pages: int | None = None) -> Iterator[ItemT]:
        """The items of this page and of the following ones, from at most ``max_pages`` pages if given."""
        for page in self.iter_pages(max_pages=max_pages):
            yield from page.items

    def __iter__(self) -> Iterator[ItemT]:
        return self.iter_items()

    # The official SDK's answer is this page's JSON dict: the same reads work here, untyped as they are on
    # that dict (``Any``, so official code type-checks unchanged); ``page.data[key]`` is the typed read.
    def __getitem__(self, key: str) -> Any:
        return _map.model_getitem(self._data, key)

    def get(self, key: str, default: Any = None) -> Any:
        return _map.model_get(self._data, key, default)

    def keys(self) -> list[str]:
        return _map.model_keys(self._data)

    def __contains__(self, key: object) -> bool:
        return _map.model_contains(self._data, key)

    def to_dict(self) -> dict[str, Any]:
        """This page's wire JSON as fresh containers."""
        return _map.model_to_dict(self._data)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Page):
            return bool(self._data == other._data)
        if isinstance(other, Mapping):
            return self.to_dict() == dict(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self.to_dict())


def check_max_pages(max_pages: object) -> None:
    """``max_pages`` of a walk: a positive int, or None for no cap."""
    if max_pages is not None and (
        isinstance(max_pages, bool) or not isinstance(max_pages, int) or max_pages < 1
    ):
        raise ValueError(f"max_pages must be a positive int or None, got {max_pages!r}")


def _field_name(model: Any, key: str) -> str:
    for field in type(model)._shape.fields:
        if field.key == key:
            name: str = field.name
            return name
    return key


def _int_param(query: Pairs, name: str, default: int) -> int:
    for key, value in query:
        if key == name and value.isdigit():
            return int(value)
    return default


def first_page(
    core: RequestCore,
    operation: OperationInfo,
    build: BuildRequest,
    parse: Callable[[Response], DataT],
    *,
    path: Mapping[str, str] | None = None,
    query: Pairs = (),
    timeout: TimeoutLike | None = None,
    max_retries: int | None = None,
) -> Page[Any, DataT]:
    """Fetch the first page of a list operation; the page fetches the next ones with the same arguments.

    The page's model is what ``parse`` returns, so a list method's ``Page[Item, Model]`` is checked against
    its parser; the item type comes from the spec's pagination (``items``), which the generator reads.
    """
    pagination = operation.pagination
    if pagination is None:
        raise TypeError(f"{operation.id} is not a paged operation")

    def fetch(page_query: Pairs) -> Page[Any, DataT]:
        data = core.call(
            operation, build, parse, path=path, query=page_query, timeout=timeout, max_retries=max_retries
        )
        return Page(data=data, fetch=fetch, pagination=pagination, query=page_query)

    return fetch(query)
