"""Every call made through ``by_keyword(client)`` passes its arguments by keyword, with the official names.

The names come from the official SDK 0.20.0 (the oracle): a call such as ``c.tenants.upsert("t", {...})``
is bound to the official signature of ``TenantsApi.upsert`` and sent as
``tenants.upsert(tenant_id="t", tenant_payload={...})``, to the official client or to ours alike. The
positional call tables of the differential tests so become their keyword forms without a second table.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import suprsend
from support.contexts import WORKSPACE_KEY, WORKSPACE_SECRET

_OFFICIAL = suprsend.Suprsend(WORKSPACE_KEY, WORKSPACE_SECRET)


class KeywordCalls:
    """Counts the calls turned into keyword form, so a test can show that it ran some."""

    def __init__(self) -> None:
        self.count = 0


class ByKeyword:
    """A client or namespace whose official methods are called by keyword (attributes pass through)."""

    def __init__(self, target: Any, official: Any, calls: KeywordCalls) -> None:
        self._target, self._official, self._calls = target, official, calls

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._target, name)
        official = getattr(self._official, name, None)
        if official is None or name.startswith("_"):
            return value
        if inspect.ismethod(official):
            return self._keyword_call(value, inspect.signature(official))
        return ByKeyword(value, official, self._calls)

    def _keyword_call(self, method: Callable[..., Any], signature: inspect.Signature) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            bound = signature.bind(*args, **kwargs)
            self._calls.count += 1
            return method(**bound.arguments)

        return call


def by_keyword(client: Any, calls: KeywordCalls) -> Any:
    """``client`` (official or ours) with each official method called by keyword."""
    return ByKeyword(client, _OFFICIAL, calls)
