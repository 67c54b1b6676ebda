"""The hub's state handlers, one module per namespace of the operation table (``handlers/<namespace>.py``),
each handler a function named by its operation id.

``state_handlers`` registers them all the same way: for every operation of the table, the function of that
name in its namespace's module. An operation with no such function has no state handler (the hub serves it
otherwise, see ``Hub.handlers``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import ModuleType
from typing import Final

from ..._operation import OperationInfo
from . import brands, broadcasts, messages, objects, subscriber_lists, templates, tenants, users, workflows
from .base import Handler

NAMESPACE_MODULES: Final[Mapping[str, ModuleType]] = {
    "brands": brands,
    "broadcasts": broadcasts,
    "messages": messages,
    "objects": objects,
    "subscriber_lists": subscriber_lists,
    "templates": templates,
    "tenants": tenants,
    "users": users,
    "workflows": workflows,
}
"""The handler module of each namespace that has state handlers."""


def state_handlers(operations: Iterable[OperationInfo]) -> dict[str, Handler]:
    """Operation id -> its state handler, for the operations whose namespace module defines one."""
    found: dict[str, Handler] = {}
    for op in operations:
        module = NAMESPACE_MODULES.get(op.namespace)
        handler = getattr(module, op.id, None) if module is not None else None
        if callable(handler):
            found[op.id] = handler
    return found
