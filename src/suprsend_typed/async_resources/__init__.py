"""Async resource classes that add the sync client's builder factories and bulk calls to the generated
async resources (the namespaces listed in ``codegen/customisations.py`` HAND_RESOURCES["async"]).

The builder forms themselves are generated for both clients from ``codegen/customisations.py``.
"""
