"""Fault injection: error statuses, 429 with Retry-After, dropped connections and latency, on demand.

A rule fires on chosen request indices (0-based arrival order of hub requests) or at a rate drawn from a
seeded RNG, so a failing run can be replayed exactly.
"""

from __future__ import annotations

import random
import threading
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, Literal

import attrs

FaultKind = Literal["status", "rate_limit", "drop_before", "drop_after", "latency"]
FAULT_KINDS: Final[tuple[FaultKind, ...]] = ("status", "rate_limit", "drop_before", "drop_after", "latency")

DEFAULT_FAULT_STATUS: Final = 503
DEFAULT_RETRY_AFTER_SECONDS: Final = 1.0
DEFAULT_FAULT_LATENCY_SECONDS: Final = 1.0
"""How long a ``latency`` fault drawn by ``--fault-rate`` waits, unless ``--fault-latency-ms`` says."""


@attrs.frozen(kw_only=True, slots=True)
class Fault:
    """What happens to a request hit by a rule.

    ``status``: answer ``status`` without processing. ``rate_limit``: 429 with ``Retry-After``.
    ``drop_before``: close the connection without processing or answering. ``drop_after``: process and
    record the request, then close without answering. ``latency``: wait ``latency_s``, then process normally.
    """

    kind: FaultKind
    status: int = DEFAULT_FAULT_STATUS
    retry_after: float = DEFAULT_RETRY_AFTER_SECONDS
    latency_s: float = 0.0

    def __attrs_post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {FAULT_KINDS}, got {self.kind!r}")
        if self.latency_s < 0 or self.retry_after < 0:
            raise ValueError("latency_s and retry_after must not be negative")

    def describe(self) -> str:
        if self.kind == "status":
            return f"status {self.status}"
        if self.kind == "rate_limit":
            return f"429 retry-after {self.retry_after:g}"
        if self.kind == "latency":
            return f"latency {self.latency_s:g}s"
        return self.kind.replace("_", " ")


@attrs.frozen(kw_only=True, slots=True)
class FaultRule:
    """Fires on the request indices in ``at``, or with probability ``rate``; at most ``times`` times."""

    fault: Fault
    at: frozenset[int] | None = None
    rate: float | None = None
    path_prefix: str = ""
    times: int | None = None

    def __attrs_post_init__(self) -> None:
        if (self.at is None) == (self.rate is None):
            raise ValueError("give exactly one of `at` (request indices) and `rate`")
        if self.rate is not None and not 0.0 <= self.rate <= 1.0:
            raise ValueError(f"rate must be within [0, 1], got {self.rate}")

    def to_json(self) -> dict[str, Any]:
        return {
            "fault": attrs.asdict(self.fault),
            "at": sorted(self.at) if self.at is not None else None,
            "rate": self.rate,
            "path_prefix": self.path_prefix,
            "times": self.times,
        }


class FaultInjector:
    """The active rules; the first rule that fires on a request decides its fault. Thread-safe."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        self._random = random.Random(seed)
        self._rules: list[FaultRule] = []
        self._fired: list[int] = []

    def add(
        self,
        fault: Fault,
        *,
        at: Iterable[int] | None = None,
        rate: float | None = None,
        path_prefix: str = "",
        times: int | None = None,
    ) -> FaultRule:
        rule = FaultRule(
            fault=fault,
            at=None if at is None else frozenset(at),
            rate=rate,
            path_prefix=path_prefix,
            times=times,
        )
        with self._lock:
            self._rules.append(rule)
            self._fired.append(0)
        return rule

    def clear(self) -> None:
        """Drop every rule and restart the RNG from the seed."""
        with self._lock:
            self._rules.clear()
            self._fired.clear()
            self._random = random.Random(self._seed)

    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def pick(self, index: int, path: str) -> Fault | None:
        """The fault for request number ``index`` to ``path``, if a rule fires."""
        with self._lock:
            for position, rule in enumerate(self._rules):
                if not path.startswith(rule.path_prefix):
                    continue
                if rule.times is not None and self._fired[position] >= rule.times:
                    continue
                if rule.at is not None:
                    fires = index in rule.at
                else:
                    fires = self._random.random() < (rule.rate or 0.0)
                if fires:
                    self._fired[position] += 1
                    return rule.fault
        return None


def rule_from_json(document: Mapping[str, Any]) -> dict[str, Any]:
    """Keyword arguments of ``FaultInjector.add`` from a control-endpoint body; raises ValueError if bad.

    Body: ``{"kind": "status", "status": 500, "retry_after": 2, "latency_s": 0.1, "at": [0, 3] | "rate":
    0.25, "path_prefix": "/trigger/", "times": 1}``.
    """
    known = {"kind", "status", "retry_after", "latency_s", "at", "rate", "path_prefix", "times"}
    unknown = set(document) - known
    if unknown:
        raise ValueError(f"unknown fault fields {sorted(unknown)}; known fields are {sorted(known)}")
    fault_fields = {k: document[k] for k in ("kind", "status", "retry_after", "latency_s") if k in document}
    status = fault_fields.get("status", DEFAULT_FAULT_STATUS)
    if not _is_int(status) or not 100 <= status <= 599:
        raise ValueError(f"`status` must be an HTTP status (100-599), got {status!r}")
    for name in ("rate", "retry_after", "latency_s"):
        if document.get(name) is not None and not _is_number(document[name]):
            raise ValueError(f"`{name}` must be a number, got {document[name]!r}")
    times = document.get("times")
    if times is not None and not _is_int(times):
        raise ValueError(f"`times` must be a whole number, got {times!r}")
    try:
        fault = Fault(**fault_fields)
    except TypeError as exc:
        raise ValueError(str(exc)) from None
    at = document.get("at")
    if at is not None and (not isinstance(at, list) or not all(isinstance(i, int) for i in at)):
        raise ValueError("`at` must be a list of request indices")
    return {
        "fault": fault,
        "at": at,
        "rate": document.get("rate"),
        "path_prefix": str(document.get("path_prefix", "")),
        "times": document.get("times"),
    }


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def add_random_faults(
    injector: FaultInjector, *, rate: float, kinds: Sequence[FaultKind], latency_s: float = 0.0
) -> list[FaultRule]:
    """Rules under which each request meets a fault with probability ``rate``, its kind drawn evenly from
    ``kinds`` (``latency`` waits ``latency_s``); the command line's ``--fault-rate`` and ``--fault-kinds``.

    The first rule that fires decides, so rule ``i`` fires with the chance of its share given that none of
    the ``i`` before it fired.
    """
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must be within [0, 1], got {rate}")
    if not kinds:
        raise ValueError("give at least one fault kind")
    share = rate / len(kinds)
    rules = []
    for index, kind in enumerate(kinds):
        conditional = min(1.0, share / (1.0 - index * share))
        fault = Fault(kind=kind, latency_s=latency_s if kind == "latency" else 0.0)
        rules.append(injector.add(fault, rate=conditional))
    return rules
