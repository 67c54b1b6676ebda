"""What ``import suprsend_typed`` loads: no generated model or endpoint module of any namespace.

Defining the generated attrs classes is most of an import's cost, and the API grows by whole namespaces;
each is loaded at its first use, so the import stays as cheap as the API grows. Checked in a fresh
interpreter, because this test process has long loaded everything.
"""

from __future__ import annotations

import json
import subprocess
import sys

_LOADED_AT_IMPORT = """
import json, sys
import suprsend_typed
print(json.dumps(sorted(name for name in sys.modules if name.startswith("suprsend_typed._generated."))))
"""

_LOADED_AT_FIRST_EVENT_MODEL = """
import json, sys
import suprsend_typed
suprsend_typed.models.EventPayload
print(json.dumps(sorted(name for name in sys.modules if name.startswith("suprsend_typed._generated."))))
"""


def _generated_modules(code: str) -> set[str]:
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return {name.rpartition(".")[2] for name in json.loads(run.stdout)}


def test_import_loads_no_model_or_namespace_module() -> None:
    loaded = _generated_modules(_LOADED_AT_IMPORT)
    assert loaded <= {"endpoints", "limits", "models", "namespaces", "operations"}, loaded


def test_a_first_model_loads_only_its_namespace_module() -> None:
    loaded = _generated_modules(_LOADED_AT_FIRST_EVENT_MODEL)
    assert "models_events" in loaded
    assert not {"models_users", "models_workflows", "models_tenants", "endpoints_users"} & loaded, loaded
