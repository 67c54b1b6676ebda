"""The base of every generated async resource class: it holds the async client's request core."""

from __future__ import annotations

from ._async_base_client import AsyncRequestCore


class AsyncResource:
    """One namespace of the async client (``client.users``, ``client.tenants``, ...)."""

    __slots__ = ("_core",)

    def __init__(self, core: AsyncRequestCore) -> None:
        self._core = core
