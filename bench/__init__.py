"""`make bench`: side-by-side benchmarks of suprsend_typed, the official SDK and a bare floor.

Run as ``python -m bench [--quick]``. Never collected by pytest: benchmarks are reported, not asserted.
"""
