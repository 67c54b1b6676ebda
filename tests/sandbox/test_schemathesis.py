"""schemathesis against the sandbox: requests generated from our spec and from the data-plane operations of
the third-party description (``shared/reference/third-party-openapi.yml``) are never answered with a 5xx,
and every answer conforms to the schema of its status.

Bounded and reproducible: a few examples per operation, derandomized (a fixed seed), no example database.
Where the description itself is wrong, ``DESCRIPTION_FIXES`` corrects it, each with the reason.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Final

import pytest
import schemathesis
import yaml
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.result import Err
from schemathesis.specs.openapi.checks import response_schema_conformance

from suprsend_typed.sandbox import DEFAULT_API_KEY, Sandbox

ROOT: Final = Path(__file__).resolve().parents[2]
OUR_SPEC: Final = ROOT / "spec" / "suprsend.yaml"
DESCRIPTION_NAME: Final = Path("shared", "reference", "third-party-openapi.yml")
"""Beside the repository (``../shared``), as on CI; a worktree has it two levels up."""
EXAMPLES_PER_OPERATION: Final = 2
MANAGEMENT_PREFIXES: Final = ("/v1/{workspace}/", "/v2/{workspace}/", "/v1/workspace/")
"""The description's management API (service tokens), which the sandbox does not serve."""


def _description() -> Path:
    for folder in ROOT.parents:
        if (folder / DESCRIPTION_NAME).exists():
            return folder / DESCRIPTION_NAME
    pytest.skip(f"no {DESCRIPTION_NAME} beside the repository")


def _load(path: Path) -> dict[str, Any]:
    if not path.exists():
        pytest.skip(f"{path} is not here")
    document: dict[str, Any] = _plain(yaml.safe_load(path.read_text(encoding="utf-8")))
    return document


def _plain(node: Any) -> Any:
    """The document as JSON would hold it: YAML reads an unquoted timestamp in an example as a datetime."""
    if isinstance(node, dict):
        return {key: _plain(value) for key, value in node.items()}
    if isinstance(node, list):
        return [_plain(value) for value in node]
    if isinstance(node, datetime.date):
        return node.isoformat()
    return node


def _drop_example_maps(node: Any) -> None:
    """A schema's ``examples`` must be a list; the description gives some a media type's map of named
    examples (``GET /v1/template/``), which makes the schema invalid: those are dropped."""
    if isinstance(node, dict):
        if isinstance(node.get("examples"), dict) and "type" in node:
            del node["examples"]
        for value in node.values():
            _drop_example_maps(value)
    elif isinstance(node, list):
        for value in node:
            _drop_example_maps(value)


def _nullable(schema: dict[str, Any], *names: str) -> None:
    for name in names:
        schema["properties"][name]["nullable"] = True


def _nullable_cursors(node: Any) -> None:
    if isinstance(node, dict):
        properties = node.get("properties")
        if isinstance(properties, dict) and "has_next" in properties:
            for name in ("before", "after"):
                if isinstance(properties.get(name), dict):
                    properties[name]["nullable"] = True
        for value in node.values():
            _nullable_cursors(value)
    elif isinstance(node, list):
        for value in node:
            _nullable_cursors(value)


def _fix_description(document: dict[str, Any]) -> dict[str, Any]:
    """The description's own mistakes, corrected so that a faithful answer conforms."""
    schemas = document["components"]["schemas"]
    # MessageResponse: its own example (and the hub) gives null for these, but they lack `nullable`.
    message = schemas["MessageResponse"]
    _nullable(message, "idempotency_key", "failure_reason", "parent_entity_id", "parent_entity_type")
    _nullable(message, "parent_execution_id", "tenant_id", "category")
    _nullable(message["properties"]["recipient"], "distinct_id", "object_type", "id")
    _nullable(message["properties"]["workflow"], "version_id", "node_ref", "slug", "name")
    _nullable(message["properties"]["template"], "version_no", "slug", "name")
    # Cursor pages: `before` and `after` are null at either end of a list (the examples show it), but the
    # description's page schemas (`CursorPagination` and the inline ones) type them as strings.
    _nullable_cursors(document)
    _drop_example_maps(document)
    # Some 4xx answers are described as a string; the hub answers every error with a JSON object, the
    # description's own `ErrorResponse`.
    for item in document["paths"].values():
        for operation in item.values():
            for status, response in (operation.get("responses") or {}).items():
                media = (response.get("content") or {}).get("application/json") or {}
                if str(status).startswith("4") and (media.get("schema") or {}).get("type") == "string":
                    media["schema"] = {"$ref": "#/components/schemas/ErrorResponse"}
    paths = document["paths"]
    document["paths"] = {
        path: item for path, item in paths.items() if not path.startswith(MANAGEMENT_PREFIXES)
    }
    return document


@pytest.fixture(scope="module")
def sandbox() -> Iterator[Sandbox]:
    with Sandbox(
        seed={"templates": [{"slug": "welcome", "name": "Welcome", "channels": ["email"]}]}
    ) as running:
        yield running


def _run(document: dict[str, Any], sandbox: Sandbox) -> None:
    schema = schemathesis.openapi.from_dict(document)
    failures: list[str] = []
    for result in schema.get_all_operations():
        if isinstance(result, Err):
            failures.append(f"an operation the schema does not describe validly: {result.err()}")
        else:
            _check_operation(result.ok(), sandbox, failures)
    assert not failures, "\n\n".join(failures)


def _check_operation(operation: Any, sandbox: Sandbox, failures: list[str]) -> None:
    """Send ``EXAMPLES_PER_OPERATION`` generated requests of ``operation``; failures go to ``failures``."""
    headers = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}

    @settings(
        max_examples=EXAMPLES_PER_OPERATION,
        derandomize=True,
        database=None,
        deadline=None,
        phases=[Phase.generate],  # a failure is reported as found: shrinking would only cost time
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy())
    def check(case: Any) -> None:
        response = case.call(base_url=sandbox.url.rstrip("/"), headers=headers)
        case.validate_response(response, checks=[not_a_server_error, response_schema_conformance])

    try:
        check()
    except Exception as exc:  # collected, so that one run names every operation that fails
        failures.append(f"{operation.label}: {type(exc).__name__}: {str(exc)[:800]}")


def test_our_spec_against_the_sandbox(sandbox: Sandbox) -> None:
    _run(_load(OUR_SPEC), sandbox)


def test_the_description_data_plane_against_the_sandbox(sandbox: Sandbox) -> None:
    _run(_fix_description(_load(_description())), sandbox)
