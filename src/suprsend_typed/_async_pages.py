"""Pages of list operations for the async client: ``async for item in client.users.list()``.

An async list method returns an ``AsyncPager``: awaited it is the first ``AsyncPage``; iterated with
``async for`` it yields every item, asking for the next page only when the current one is used up. Reading a
page and choosing the next page's query are the sync ``Page``'s own code (one ``Page`` value is kept as the
view of each async page), so both clients walk pages the same way from the spec's pagination facts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator, Mapping
from typing import Any, Generic, TypeVar

from ._async_base_client import AsyncRequestCore
from ._base_client import BuildRequest, Pairs
from ._http import Response, TimeoutLike
from ._operation import OperationInfo, Pagination
from ._pages import Page, check_max_pages

ItemT = TypeVar("ItemT")
DataT = TypeVar("DataT")
_Fetch = Callable[[Pairs], Awaitable["AsyncPage[Any, Any]"]]


def _no_fetch(query: Pairs) -> Page[Any, Any]:
    raise AssertionError("an async page fetches through AsyncPage.next_page")  # pragma: no cover


class AsyncPage(Generic[ItemT, DataT]):
    """One page of a list operation, read like the sync ``Page``: ``data`` the typed response model
    (``DataT``), ``items`` its typed items (``ItemT``), ``page["meta"]`` the official untyped dict read."""

    __slots__ = ("_view", "_fetch")

    def __init__(self, *, data: DataT, fetch: _Fetch, pagination: Pagination, query: Pairs) -> None:
        self._view: Page[ItemT, DataT] = Page(data=data, fetch=_no_fetch, pagination=pagination, query=query)
        self._fetch = fetch

    @property
    def data(self) -> DataT:
        """The page's typed model: the list operation's response model, read typed per key."""
        return self._view.data

    @property
    def items(self) -> list[ItemT]:
        """The typed items of this page only."""
        return self._view.items

    def has_next_page(self) -> bool:
        return self._view.has_next_page()

    def next_page_start(self) -> tuple[str, str] | None:
        """Where the next page starts (``("after", "c2")``, ``("offset", "4")``), or None on the last page:
        the sync ``Page``'s answer, read from the same view, so a walk can go on later from either client."""
        return self._view.next_page_start()

    async def next_page(self) -> AsyncPage[ItemT, DataT] | None:
        """The page after this one (one request), or None on the last page.

        Raises ``PaginationLoopError`` when the hub points back at this very page.
        """
        query = self._view._checked_next_query(self._view._walk_start(), pages=1)
        if query is None:
            return None
        page: AsyncPage[ItemT, DataT] = await self._fetch(query)
        return page

    async def iter_pages(self, *, max_pages: int | None = None) -> AsyncIterator[AsyncPage[ItemT, DataT]]:
        """This page, then each following page, fetched only when the previous one was taken: at most
        ``max_pages`` pages, and ``PaginationLoopError`` for a position already fetched, as the sync walk."""
        check_max_pages(max_pages)
        seen = self._view._walk_start()
        page: AsyncPage[ItemT, DataT] | None = self
        pages = 0
        while page is not None:
            yield page
            pages += 1
            if max_pages is not None and pages >= max_pages:
                return
            query = page._view._checked_next_query(seen, pages)
            page = None if query is None else await page._fetch(query)

    async def iter_items(self, *, max_pages: int | None = None) -> AsyncIterator[ItemT]:
        """The items of this page and of the following ones, from at most ``max_pages`` pages if given."""
        async for page in self.iter_pages(max_pages=max_pages):
            for item in page.items:
                yield item

    def __aiter__(self) -> AsyncIterator[ItemT]:
        return self.iter_items()

    # The official dict reads, untyped as on the sync Page; ``page.data[key]`` is the typed read.
    def __getitem__(self, key: str) -> Any:
        return self._view[key]

    def get(self, key: str, default: Any = None) -> Any:
        return self._view.get(key, default)

    def keys(self) -> list[str]:
        return self._view.keys()

    def __contains__(self, key: object) -> bool:
        return key in self._view

    def to_dict(self) -> dict[str, Any]:
        return self._view.to_dict()

    def __eq__(self, other: object) -> bool:
        if isinstance(other, AsyncPage):
            return self._view == other._view
        return self._view == other

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        return repr(self._view)


class AsyncPager(Generic[ItemT, DataT]):
    """What an async list method returns: ``await`` it for the first page, ``async for`` it for every item."""

    __slots__ = ("_first",)

    def __init__(self, first: Callable[[], Awaitable[AsyncPage[ItemT, DataT]]]) -> None:
        self._first = first

    def __await__(self) -> Generator[Any, None, AsyncPage[ItemT, DataT]]:
        return self._first().__await__()

    async def __aiter__(self) -> AsyncIterator[ItemT]:
        page = await self._first()
        async for item in page:
            yield item


def first_async_page(
    core: AsyncRequestCore,
    operation: OperationInfo,
    build: BuildRequest,
    parse: Callable[[Response], DataT],
    *,
    path: Mapping[str, str] | None = None,
    query: Pairs = (),
    timeout: TimeoutLike | None = None,
    max_retries: int | None = None,
) -> AsyncPager[Any, DataT]:
    """The pager of a list operation; its options are checked now, before anything is sent."""
    pagination = operation.pagination
    if pagination is None:
        raise TypeError(f"{operation.id} is not a paged operation")
    core.call_options(operation, retryable=True, timeout=timeout, max_retries=max_retries)

    async def fetch(page_query: Pairs) -> AsyncPage[Any, DataT]:
        data = await core.call(
            operation, build, parse, path=path, query=page_query, timeout=timeout, max_retries=max_retries
        )
        return AsyncPage(data=data, fetch=fetch, pagination=pagination, query=page_query)

    return AsyncPager(lambda: fetch(query))
