"""Regenerating after an API change works end to end, on a copy of the spec in a temporary folder.

The drill: add an operation in a new namespace (``widgets``, with a model of its own), a records endpoint
(``x-suprsend-records``, with a limit of its own) and lower a bulk limit, regenerate a copy of the package,
then check in a fresh interpreter that the copy has a client method and a command-line command for the new
operation, that ``docs/api.md`` lists it, that bulk events go out in chunks of the new limit, that the
sandbox serves the new operation from its schema (a 400 naming the field for a bad body, the documented
status and shape for a good one), and that it serves the records endpoint from its record facts alone
(per-record outcomes, its count limit, its single answer, dedupe, the record log). The repository is never
written.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import yaml

import suprsend_typed

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = Path(suprsend_typed.__file__).parent
NEW_EVENTS_LIMIT = 7
WIDGETS_PER_BULK = 3
EVENTS_SENT = 2 * NEW_EVENTS_LIMIT + 1
DRILL_TIMEOUT_S = 300

WIDGET_PATHS = {
    "/v1/widget/": {
        "post": {
            "operationId": "create_widget",
            "tags": ["widgets"],
            "x-suprsend-method": "create",
            "x-suprsend-retry": "never",
            "summary": "Create a widget.",
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/WidgetCreate"}}},
            },
            "responses": {
                "201": {
                    "description": "The widget.",
                    "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Widget"}}},
                }
            },
        }
    },
    "/v1/bulk/widget/": {
        "post": {
            "operationId": "order_widgets",
            "tags": ["widgets"],
            "x-suprsend-method": "order",
            "x-suprsend-retry": "dedupe-key",
            "x-suprsend-records": {
                "model": "WidgetOrder",
                "max_records": "max_widgets_per_bulk",
                "max_record_bytes": "max_body_apparent_bytes",
                "max_total_bytes": "max_chunk_apparent_bytes",
                "answer": "per-record",
                "kind": "widget_order",
                "dedupe": "widget",
                "accepted": "message-id",
            },
            "summary": "Order a widget, or a bulk array of orders (per-record results).",
            "requestBody": {
                "required": True,
                "content": {
                    "application/json": {
                        "schema": {
                            "oneOf": [
                                {"$ref": "#/components/schemas/WidgetOrder"},
                                {"type": "array", "items": {"$ref": "#/components/schemas/WidgetOrder"}},
                            ]
                        }
                    }
                },
            },
            "responses": {
                "202": {
                    "description": "One order accepted.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/TriggerAccepted"}}
                    },
                },
                "207": {
                    "description": "Bulk orders; one record per request item.",
                    "content": {
                        "application/json": {"schema": {"$ref": "#/components/schemas/BulkRecordsResponse"}}
                    },
                },
            },
        }
    },
}
WIDGET_SCHEMAS = {
    "WidgetCreate": {
        "type": "object",
        "required": ["name", "size"],
        "properties": {
            "name": {"type": "string", "minLength": 1},
            "size": {"type": "integer", "minimum": 1},
        },
        "additionalProperties": False,
    },
    "WidgetOrder": {
        "type": "object",
        "required": ["widget_id"],
        "properties": {
            "widget_id": {"type": "string", "minLength": 1},
            "$idempotency_key": {"type": ["string", "null"], "maxLength": 255},
        },
    },
    "Widget": {
        "type": "object",
        "required": ["widget_id", "name", "size", "tags"],
        "properties": {
            "widget_id": {"type": "string", "minLength": 3},
            "name": {"type": "string"},
            "size": {"type": "integer", "minimum": 1},
            "tags": {"type": "array", "items": {"type": "string"}},
            "note": {"type": "string"},
        },
    },
}

# Runs in the regenerated copy: prints what the five effects gave, as one JSON document.
DRILL = f"""
import contextlib, io, json, os, sys, urllib.error, urllib.request
import suprsend_typed
from suprsend_typed import Event
from suprsend_typed.cli.main import main
from suprsend_typed.sandbox import DEFAULT_API_KEY, DEFAULT_WORKSPACE_KEY, DEFAULT_WORKSPACE_SECRET, Sandbox

found = {{"package": suprsend_typed.__file__}}
with Sandbox() as hub:
    client = hub.client()
    found["method"] = callable(getattr(client.widgets, "create", None))
    widget = client.widgets.create(name="bolt", size=2)
    found["created"] = {{
        "id": widget.widget_id, "name": widget.name, "size": widget.size, "tags": widget.tags
    }}
    try:
        client.widgets.create(name="bolt", size=0)
    except Exception as exc:
        found["client_refusal"] = type(exc).__name__
    bad = urllib.request.Request(
        hub.url + "v1/widget/",
        data=json.dumps({{"name": "bolt", "size": 0}}).encode(),
        method="POST",
        headers={{"Authorization": "Bearer " + DEFAULT_API_KEY, "Content-Type": "application/json"}},
    )
    try:
        urllib.request.urlopen(bad, timeout=30)
    except urllib.error.HTTPError as exc:
        found["bad_body"] = exc.code, json.loads(exc.read())["message"]
    bulk = client.bulk_events.new_instance()
    bulk.append(*[Event(distinct_id=f"u{{i}}", event_name="drill") for i in range({EVENTS_SENT})])
    response = bulk.trigger()
    found["bulk_success"] = response.total, response.success
    found["chunks"] = [
        len(row["body"]) for row in hub.requests() if row["kind"] == "track_events_bulk"
    ]
    os.environ.update(
        SUPRSEND_WORKSPACE_KEY=DEFAULT_WORKSPACE_KEY,
        SUPRSEND_WORKSPACE_SECRET=DEFAULT_WORKSPACE_SECRET,
        SUPRSEND_BASE_URL=hub.url,
        SUPRSEND_CONFIG=os.path.join(sys.argv[1], "no-config.ini"),
    )
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        code = main(["widgets", "create", "--json", json.dumps({{"name": "nut", "size": 3}})])
    found["cli"] = code, json.loads(out.getvalue())

    def post(path, body):
        request = urllib.request.Request(
            hub.url + path,
            data=json.dumps(body).encode(),
            method="POST",
            headers={{"Authorization": "Bearer " + DEFAULT_API_KEY, "Content-Type": "application/json"}},
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as answer:
                return answer.status, json.loads(answer.read())
        except urllib.error.HTTPError as exc:
            return exc.code, json.loads(exc.read())

    status, answer = post("v1/bulk/widget/", [{{"widget_id": "w1"}}, {{"widget_id": ""}}])
    found["orders"] = status, [(r["status"], r["status_code"]) for r in answer["records"]]
    status, answer = post("v1/bulk/widget/", [{{"widget_id": "w"}}] * ({WIDGETS_PER_BULK} + 1))
    found["too_many_orders"] = status, answer["type"]
    order = {{"widget_id": "w2", "$idempotency_key": "order-1"}}
    first, second = post("v1/bulk/widget/", order), post("v1/bulk/widget/", order)
    found["single_order"] = first[0], sorted(first[1]), first[1] == second[1]
    found["order_log"] = [row["status"] for row in hub.records(kind="widget_order")]
print(json.dumps(found))
"""


def _drill_spec(tmp_path: Path) -> Path:
    spec = yaml.safe_load((ROOT / "spec" / "suprsend.yaml").read_text(encoding="utf-8"))
    assert spec["x-suprsend-limits"]["max_events_per_bulk"] != NEW_EVENTS_LIMIT
    spec["x-suprsend-limits"]["max_events_per_bulk"] = NEW_EVENTS_LIMIT
    spec["x-suprsend-limits"]["max_widgets_per_bulk"] = WIDGETS_PER_BULK
    assert not set(WIDGET_PATHS) & set(spec["paths"])
    spec["paths"].update(WIDGET_PATHS)
    spec["components"]["schemas"].update(WIDGET_SCHEMAS)
    path = tmp_path / "spec.yaml"
    path.write_text(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


def _repository_status() -> str:
    return subprocess.run(
        ["git", "status", "--porcelain"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout


def test_a_new_namespace_and_a_new_limit_reach_every_consumer(tmp_path: Path) -> None:
    before = _repository_status()
    spec = _drill_spec(tmp_path)
    copy = tmp_path / "src" / "suprsend_typed"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    docs = tmp_path / "api.md"
    generate = [sys.executable, "-m", "codegen", "--spec", str(spec), "--out", str(copy / "_generated")]
    subprocess.run([*generate, "--docs", str(docs)], cwd=ROOT, check=True, timeout=DRILL_TIMEOUT_S)

    api = docs.read_text(encoding="utf-8")
    widgets = api[api.index("## client.widgets") :]
    assert "| `create(payload=…)` | `POST v1/widget/` | never | `models.Widget` |" in widgets

    env = {key: value for key, value in os.environ.items() if not key.startswith("SUPRSEND_")}
    env["PYTHONPATH"] = str(tmp_path / "src")
    result = subprocess.run(
        [sys.executable, "-c", DRILL, str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=DRILL_TIMEOUT_S,
    )
    assert result.returncode == 0, result.stderr
    found = json.loads(result.stdout.strip().splitlines()[-1])

    assert found["package"].startswith(str(copy))
    assert found["method"] is True
    # The sandbox answers the new operation from its schema: the documented shape, the values sent echoed,
    # the other required fields at the least value their schema accepts.
    assert found["created"] == {"id": "xxx", "name": "bolt", "size": 2, "tags": []}
    assert found["client_refusal"] == "ValidationError"  # checked by the client before sending
    status, message = found["bad_body"]
    assert status == 400 and message.startswith("size:")
    assert found["bulk_success"] == [EVENTS_SENT, EVENTS_SENT]  # (total, succeeded)
    # Chunks go out side by side (events are independent records), so in any order.
    assert sorted(found["chunks"]) == [1, NEW_EVENTS_LIMIT, NEW_EVENTS_LIMIT]
    code, printed = found["cli"]
    assert code == 0 and printed == {"widget_id": "xxx", "name": "nut", "size": 3, "tags": []}
    # The records endpoint is served from its record facts, with no sandbox edit: one outcome per record,
    # its own count limit, its single answer, dedupe by $idempotency_key, records logged under its kind.
    assert found["orders"] == [207, [["success", 202], ["error", 400]]]
    assert found["too_many_orders"] == [400, "TooManyRecords"]
    assert found["single_order"] == [202, ["message_id", "status"], True]
    assert found["order_log"] == ["accepted", "rejected", "accepted", "duplicate"]
    assert _repository_status() == before
