"""Example budgets of the property tests: quick in everyday runs, ten times larger in a deep run.

``pytest --hypothesis-profile=deep`` (a nightly-style run) multiplies every budget given through
``examples`` by ``DEEP_FACTOR``; the profiles are registered in ``tests/conftest.py``. Budgets are read when a
test module is imported, after the profile is loaded.
"""

from __future__ import annotations

from hypothesis import settings

DEEP_PROFILE = "deep"
DEEP_FACTOR = 10
# The max_examples of the default profile: a budget is scaled by the loaded profile's over this.
EVERYDAY_MAX_EXAMPLES = 100


def examples(everyday: int) -> int:
    """``everyday`` examples in everyday runs; ``DEEP_FACTOR`` times as many under the deep profile."""
    return max(1, everyday * settings().max_examples // EVERYDAY_MAX_EXAMPLES)
