"""Seed state: users, tenants, preference categories and templates from a document, a JSON or YAML file,
or ``POST /_sandbox/seed``; the constructor's seed is what ``reset()`` returns to."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from suprsend_typed.sandbox import Sandbox
from suprsend_typed.sandbox.seed import SeedError, load_seed_file, parse_seed

from .wire import Wire

SEED: dict[str, Any] = {
    "users": [{"distinct_id": "u1", "$email": ["ann@example.com"], "name": "Ann", "$timezone": "UTC"}],
    "tenants": [{"tenant_id": "acme", "tenant_name": "Acme"}],
    "preference_categories": [{"category": "newsletter", "default_preference": "opt_in"}],
    "templates": [{"slug": "welcome", "name": "Welcome"}],
}
SEED_YAML = """\
users:
  - distinct_id: u1
    $email: [ann@example.com]
    name: Ann
    $timezone: UTC
tenants:
  - {tenant_id: acme, tenant_name: Acme}
preference_categories:
  - {category: newsletter, default_preference: opt_in}
templates:
  - {slug: welcome, name: Welcome}
"""


def assert_seeded(hub: Sandbox) -> None:
    profile = hub.store.profile("u1")
    assert profile is not None
    assert profile["properties"] == {"name": "Ann", "$timezone": "UTC"}
    assert [entry["value"] for entry in profile["$email"]] == ["ann@example.com"]
    assert hub.store.entities("tenants") == {"acme": {"tenant_name": "Acme"}}
    assert hub.store.entity("preference_categories", "newsletter") == {"default_preference": "opt_in"}
    assert hub.store.entity("templates", "welcome") == {"name": "Welcome"}


def test_a_constructor_seed_is_served_and_survives_reset() -> None:
    with Sandbox(seed=SEED) as hub:
        assert_seeded(hub)
        wire = Wire.to(hub)
        try:
            assert wire.send("GET", "v1/user/u1/").json()["properties"]["name"] == "Ann"
            wire.send("PATCH", "v1/user/u1/", {"operations": [{"$set": {"name": "Changed"}}]})
            wire.send("PATCH", "v1/user/u2/", {"operations": [{"$set": {"name": "New"}}]})
            hub.reset()
            assert wire.send("GET", "v1/user/u1/").json()["properties"]["name"] == "Ann"
            assert wire.send("GET", "v1/user/u2/").status_code == 404
        finally:
            wire.close()


def test_seed_adds_to_the_current_state(hub: Sandbox) -> None:
    hub.seed({"users": [{"distinct_id": "u1", "$email": "ann@example.com"}]})
    seeded = hub.seed(SEED)
    assert seeded.counts() == {"users": 1, "tenants": 1, "preference_categories": 1, "templates": 1}
    assert_seeded(hub)
    hub.reset()
    assert hub.store.profile("u1") is None and hub.store.entities("tenants") == {}


def test_seed_over_http(hub: Sandbox, wire: Wire) -> None:
    answer = wire.send("POST", "_sandbox/seed", SEED)
    assert (answer.status_code, answer.json()["users"]) == (200, 1)
    assert_seeded(hub)
    refused = wire.send("POST", "_sandbox/seed", {"users": [{"distinct_id": ""}]})
    assert refused.status_code == 400
    assert refused.json()["message"] == "users[0].distinct_id: required, a non-empty string"


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ([], "a seed is an object"),
        ({"lists": []}, "unknown seed keys ['lists']"),
        ({"users": {"u1": {}}}, "users: expected a list of objects, got dict"),
        ({"tenants": ["acme"]}, "tenants[0]: expected an object, got str"),
        ({"templates": [{"name": "x"}]}, "templates[0].slug: required"),
        ({"tenants": [{"tenant_id": "a"}, {"tenant_id": "a"}]}, "tenants[1].tenant_id: 'a' appears twice"),
    ],
)
def test_ill_formed_seeds_name_the_problem(document: Any, message: str) -> None:
    with pytest.raises(SeedError, match=message.replace("[", r"\[")):
        parse_seed(document)


def test_json_and_yaml_seed_files_give_the_same_state(tmp_path: Path) -> None:
    json_file = tmp_path / "seed.json"
    json_file.write_text(json.dumps(SEED))
    yaml_file = tmp_path / "seed.yaml"
    yaml_file.write_text(SEED_YAML)
    assert load_seed_file(yaml_file) == load_seed_file(json_file)
    with Sandbox(seed=load_seed_file(yaml_file)) as hub:
        assert_seeded(hub)


def test_a_yaml_seed_without_pyyaml_says_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    seed = tmp_path / "seed.yml"
    seed.write_text(SEED_YAML)
    monkeypatch.setitem(sys.modules, "yaml", None)  # what an install without the dev extras sees
    with pytest.raises(SeedError, match="is YAML, but PyYAML is not installed: `pip install pyyaml`"):
        load_seed_file(seed)


def test_a_missing_or_broken_seed_file_is_a_seed_error(tmp_path: Path) -> None:
    with pytest.raises(SeedError, match="cannot read seed file"):
        load_seed_file(tmp_path / "absent.json")
    broken = tmp_path / "broken.yaml"
    broken.write_text("users: [")
    with pytest.raises(SeedError, match="is not valid YAML"):
        load_seed_file(broken)
