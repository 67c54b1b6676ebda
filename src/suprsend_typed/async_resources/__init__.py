"""Async resource classes that add the official builder forms to the generated async resources.

As in ``resources``, each subclasses the generated class of its namespace and adds only the calls that take
an official builder (``WorkflowTriggerRequest``, ``Event``); everything else is the generated async method.
"""
