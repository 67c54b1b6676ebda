"""What a seed item needs from its client to become wire JSON, without holding the client itself."""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

import attrs


@attrs.frozen(kw_only=True, slots=True)
class WireContext:
    """Client facts that go into request bodies. Injected clock and ids make recordings replay exactly."""

    workspace: str  # workspace key (HMAC) or workspace UID (Bearer): `env` in events, `{ws}` in paths
    user_agent: str  # goes into properties.$ss_sdk_version, as the official SDK does
    clock: Callable[[], float]  # seconds since the epoch
    new_id: Callable[[], str]  # uuid4 text for $insert_id and automatic idempotency keys
    auto_idempotency_key: bool = True  # add $idempotency_key to workflow triggers that lack one
    strict: bool = False  # raise on invalid profile values instead of reporting them

    def now_ms(self) -> int:
        return int(self.clock() * 1000)


@attrs.frozen(kw_only=True, slots=True)
class WireRecord:
    """One record as it goes on the wire: the JSON-able body, its exact wire text, and its apparent size."""

    body: dict[str, object]
    text: str
    apparent_size: int


class WireItem(Protocol):
    """A seed item (Workflow, WorkflowTriggerRequest, Event, profile builder) that can become wire JSON."""

    def _to_wire(self, ctx: WireContext) -> WireRecord:
        """Validate, add automatic keys, dump once and check the size limit; never mutate caller data."""
        ...

    def _record(self) -> dict[str, object]:
        """The official ``as_json()`` shape, used to name the record in ``failed_records``."""
        ...
