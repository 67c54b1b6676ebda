"""The ids a default client writes ($insert_id, automatic $idempotency_key) are RFC 4122 version 4 uuids."""

from __future__ import annotations

import os
import uuid

import pytest

from suprsend_typed import Event, Suprsend, WorkflowTriggerRequest
from suprsend_typed._context import WireContext

_SAMPLES = 2000


def _default_context() -> WireContext:
    return Suprsend("WKEY-default-ids-00001", "secret", base_url="http://127.0.0.1:9/")._core.context


def test_insert_ids_are_canonical_version_4_uuids_and_all_different() -> None:
    context = _default_context()
    ids = [Event("u", "placed")._to_wire(context).body["$insert_id"] for _ in range(_SAMPLES)]
    for text in ids:
        assert isinstance(text, str)
        parsed = uuid.UUID(text)
        assert (parsed.version, parsed.variant) == (4, uuid.RFC_4122)
        assert str(parsed) == text
    assert len(set(ids)) == _SAMPLES


def test_every_random_bit_varies_and_the_fixed_bits_never_do() -> None:
    context = _default_context()
    numbers = [uuid.UUID(context.new_id()).int for _ in range(_SAMPLES)]
    ever_set = ever_clear = 0
    for number in numbers:
        ever_set |= number
        ever_clear |= ~number
    all_bits = (1 << 128) - 1
    version_and_variant_bits = (0xF000 << 64) | (0xC000 << 48)
    assert ever_set & ever_clear & all_bits == all_bits & ~version_and_variant_bits


def test_automatic_idempotency_keys_are_version_4_uuids() -> None:
    record = WorkflowTriggerRequest({"workflow": "w", "recipients": ["u"]})._to_wire(_default_context())
    key = record.body["$idempotency_key"]
    assert isinstance(key, str) and uuid.UUID(key).version == 4


def test_a_forked_child_never_repeats_the_ids_its_parent_gives_next() -> None:
    new_id = _default_context().new_id
    new_id()  # the parent now holds a batch of random bytes the child inherits
    reader, writer = os.pipe()
    child = os.fork()
    if child == 0:  # pragma: no cover - runs in the child process
        os.write(writer, new_id().encode())
        os._exit(0)
    os.close(writer)
    os.waitpid(child, 0)
    with os.fdopen(reader) as pipe:
        child_id = pipe.read()
    assert uuid.UUID(child_id).version == 4
    assert child_id != new_id()


def test_each_id_is_what_uuid_writes_for_its_random_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    from suprsend_typed import _client

    drawn: list[bytes] = []
    urandom = os.urandom

    def recorded_urandom(size: int) -> bytes:
        drawn.append(urandom(size))
        return drawn[-1]

    monkeypatch.setattr(_client.os, "urandom", recorded_urandom)
    new_id = _client._RandomUuid4s()
    ids = [new_id() for _ in range(_client._IDS_PER_BATCH + 1)]  # a whole batch and the next one's first
    random_bytes = b"".join(drawn)
    expected = [
        str(uuid.UUID(bytes=random_bytes[at : at + 16], version=4)) for at in range(0, len(random_bytes), 16)
    ]
    assert ids == expected[: len(ids)]
