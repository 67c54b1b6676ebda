"""A local SuprSend-compatible hub for offline tests and demos: ``python -m suprsend_typed.sandbox``.

It verifies HMAC signatures (and Bearer keys), enforces the hub's records-per-request and size limits
(``limits``: 400 or 413), validates bodies with the generated models, dedupes by ``$idempotency_key`` and
``$insert_id``, answers in the hub's shapes, keeps what it received in SQLite and injects faults on demand.
See ``Sandbox``.
"""

from .auth import MAX_DATE_SKEW_SECONDS, Credentials
from .faults import FAULT_KINDS, Fault, FaultInjector, FaultKind, FaultRule
from .hub import IDEMPOTENCY_WINDOW_SECONDS
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
    "Store",
    "Validator",
    "validate_record",
]
