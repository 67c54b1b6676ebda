"""Async resource classes that add the bulk trigger calls to the generated async resources.

The builder forms themselves are generated for both clients from ``codegen/customisations.py``.
"""
