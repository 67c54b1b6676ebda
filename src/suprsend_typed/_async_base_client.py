"""``AsyncRequestCore``: the one request path of the async client, beside ``RequestCore`` of the sync one.

Building the request and parsing the answer are the same pure functions for both (the generated
``build_<op>``/``parse_<op>``, ``operation_options``, ``body_content``); only sending is awaited here.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TypeVar

import attrs

from ._async_middleware import AsyncHandler
from ._base_client import (
    BuildRequest,
    OnceFlag,
    OpenFlag,
    Pairs,
    body_content,
    check_open,
    operation_options,
)
from ._context import WireContext, has_dedupe_key
from ._http import CallOptions, Request, Response, Timeout, TimeoutLike
from ._operation import OperationInfo

T = TypeVar("T")


@attrs.frozen(kw_only=True, slots=True)
class AsyncRequestCore:
    """What sending a request needs from the async client; immutable, shared by all its tasks."""

    base_url: str
    context: WireContext
    handler: AsyncHandler
    timeout: Timeout
    max_retries: int
    open_flags: tuple[OpenFlag, ...] = ()
    # Set once a seed call logged a 401/403 (as ``RequestCore.credentials_warned``); copies share it.
    credentials_warned: OnceFlag = attrs.field(factory=OnceFlag, eq=False)
    # (limit, what) that ``call`` checks the dumped body against, as ``RequestCore.body_limit``.
    body_limit: tuple[int, str] | None = None

    def with_body_limit(self, limit: int, what: str) -> AsyncRequestCore:
        """A copy whose ``call`` refuses a body over ``limit`` bytes, as ``RequestCore.with_body_limit``."""
        return attrs.evolve(self, body_limit=(limit, what))

    def call_options(
        self,
        operation: OperationInfo,
        *,
        retryable: bool,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> CallOptions:
        """The options of one call, as ``RequestCore.call_options``."""
        return operation_options(
            operation,
            default_timeout=self.timeout,
            default_max_retries=self.max_retries,
            retryable=retryable,
            timeout=timeout,
            max_retries=max_retries,
        )

    async def send(self, request: Request) -> Response:
        """Run the async chain and transport; ``ClientClosedError`` once the client is closed."""
        check_open(self.open_flags)
        return await self.handler(request)

    async def send_operation(
        self,
        operation: OperationInfo,
        build: BuildRequest,
        *,
        path: Mapping[str, str] | None = None,
        query: Pairs = (),
        content: bytes = b"",
        dedupe: bool = False,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> Response:
        """Build the operation's request and send it; the answer comes back whatever its status."""
        options = self.call_options(
            operation, retryable=operation.retryable(dedupe=dedupe), timeout=timeout, max_retries=max_retries
        )
        request = build(base_url=self.base_url, content=content, query=query, options=options, **(path or {}))
        return await self.send(request)

    async def call(
        self,
        operation: OperationInfo,
        build: BuildRequest,
        parse: Callable[[Response], T],
        *,
        path: Mapping[str, str] | None = None,
        query: Pairs = (),
        body: object = None,
        timeout: TimeoutLike | None = None,
        max_retries: int | None = None,
    ) -> T:
        """Send one operation and parse its answer, as ``RequestCore.call``."""
        response = await self.send_operation(
            operation,
            build,
            path=path,
            query=query,
            content=body_content(body, self.body_limit),
            dedupe=isinstance(body, Mapping) and has_dedupe_key(body),
            timeout=timeout,
            max_retries=max_retries,
        )
        return parse(response)
