"""The official SDK's calls the spec cannot describe, added to the generated resources.

The builder forms of generated methods (``workflows.trigger(WorkflowTriggerRequest)``, ``events.track``,
``subscriber_lists.broadcast``) come from ``codegen/customisations.py``; the classes here add builder
factories and bulk calls, and the few official argument checks not yet in that table.
"""
