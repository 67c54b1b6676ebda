"""The base of every generated resource class: it holds the client's request core, never the client."""

from __future__ import annotations

from ._base_client import RequestCore


class Resource:
    """One namespace of the client (``client.users``, ``client.tenants``, ...)."""

    __slots__ = ("_core",)

    def __init__(self, core: RequestCore) -> None:
        self._core = core
