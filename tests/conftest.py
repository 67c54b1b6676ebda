"""Hypothesis profiles for the whole suite: ``default`` for everyday runs and ``deep`` for nightly-style runs
(``pytest --hypothesis-profile=deep``), which multiplies every example budget (see ``support/budget.py``)."""

from __future__ import annotations

from hypothesis import settings

from tests.support.budget import DEEP_FACTOR, DEEP_PROFILE, EVERYDAY_MAX_EXAMPLES

settings.register_profile(DEEP_PROFILE, max_examples=EVERYDAY_MAX_EXAMPLES * DEEP_FACTOR)
