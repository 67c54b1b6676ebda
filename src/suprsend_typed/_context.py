"""What a seed item needs from its client to become wire JSON, without holding the client itself."""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Mapping
from typing import NamedTuple, Protocol

import attrs

# Body keys that let the hub drop a duplicate, which is what makes a retry safe.
DEDUPE_KEYS = ("$idempotency_key", "$insert_id")


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


def has_dedupe_key(body: Mapping[str, object]) -> bool:
    """Whether the hub can de-duplicate this body, so that sending it twice delivers once."""
    for key in DEDUPE_KEYS:  # a plain loop: this runs once per record
        if body.get(key):
            return True
    return False


class WireRecord(NamedTuple):
    """One record as it goes on the wire: its exact text, its apparent size, and whether a retry is safe.

    Only a string, an int and a bool, not the body dict: a bulk holds one record per pending item, and
    dicts held that long are work for the garbage collector on every collection. The body is read back
    from the text when it is needed, which is only to report a failed record.
    """

    text: str
    apparent_size: int
    dedupe: bool  # the body carries a dedupe key (see has_dedupe_key)

    @property
    def body(self) -> dict[str, object]:
        """The body as sent, parsed from ``text`` (a new dict on every read)."""
        body: dict[str, object] = json.loads(self.text)
        return body


# ``WireRecord((text, apparent_size, dedupe))`` in one C call, without the Python-level ``__new__`` of a
# NamedTuple: a bulk makes one record per item appended.
make_wire_record: Callable[[tuple[str, int, bool]], WireRecord] = functools.partial(tuple.__new__, WireRecord)


class WireItem(Protocol):
    """A seed item (Workflow, WorkflowTriggerRequest, Event, profile builder) that can become wire JSON."""

    def _to_wire(self, ctx: WireContext) -> WireRecord:
        """Validate, add automatic keys, dump once and check the size limit; never mutate caller data."""
        ...

    def _record(self) -> dict[str, object]:
        """The official ``as_json()`` shape, used to name the record in ``failed_records``."""
        ...
