"""The ``suprsend-typed`` command line (also ``python -m suprsend_typed``); see ``main.py``."""

from .main import main

__all__ = ["main"]
