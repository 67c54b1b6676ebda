"""A local SuprSend-compatible hub for offline tests and demos: ``python -m suprsend_typed.sandbox``.

It verifies HMAC signatures (and Bearer keys), enforces the hub's records-per-request and size limits
(``limits``: 400 or 413), validates bodies with the generated models, dedupes by ``$idempotency_key`` and
``$insert_id``, answers in the hub's shapes and statuses (``answers``), keeps what it received and the state
of every operation of the generated table (``routes``, ``handlers/<namespace>.py``: users, tenants, brands,
objects, lists, broadcasts, preferences, messages, templates; and what a seed holds: ``seed``) in SQLite,
and injects faults on demand. A request is
judged on its head before its body is read (``guard``). See ``Sandbox``.
"""

from .auth import MAX_DATE_SKEW_SECONDS, Credentials
from .faults import FAULT_KINDS, Fault, FaultInjector, FaultKind, FaultRule
from .hub import IDEMPOTENCY_WINDOW_SECONDS
from .seed import Seed, SeedError, load_seed_file
from .server import DEFAULT_API_KEY, DEFAULT_WORKSPACE_KEY, DEFAULT_WORKSPACE_SECRET, Sandbox
from .store import Store
from .validation import Validator, validate_record

__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_WORKSPACE_KEY",
    "DEFAULT_WORKSPACE_SECRET",
    "FAULT_KINDS",
    "IDEMPOTENCY_WINDOW_SECONDS",
    "MAX_DATE_SKEW_SECONDS",
    "Credentials",
    "Fault",
    "FaultInjector",
    "FaultKind",
    "FaultRule",
    "Sandbox",
    "Seed",
    "SeedError",
    "Store",
    "Validator",
    "load_seed_file",
    "validate_record",
]
