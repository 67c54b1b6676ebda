"""The official SDK's behaviour over the generated resources: seed builders and calls that never raise.

Each class here subclasses the generated resource of its namespace and adds or widens only the methods
whose official form takes a builder (``Event``, ``WorkflowTriggerRequest``, ``UserEdit``); every other
method is the generated one.
"""
