"""Golden record of the surface fixture: tags, method names, the three retry policies, cursor and offset
pages, status results, positional overrides, an empty shortcut, clamped query parameters and a path
parameter filled from the client.

After an intended generator change, refresh it with
``.venv/bin/python -m codegen --spec tests/codegen/fixture_surface.yaml
--out tests/codegen_golden/fixture_surface_pkg --docs tests/codegen_golden/fixture_surface_api.md``
and review the diff.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from urllib.parse import parse_qsl, urlsplit

import pytest
from codegen_loading import imported_package

from codegen.__main__ import generate, reference
from codegen.output import stale_diff
from suprsend_typed._errors import SuprsendConfigError, ValidationError
from suprsend_typed._http import Request, Response
from suprsend_typed._status_result import StatusResult
from tests.support.contexts import WORKSPACE_KEY
from tests.support.cores import recording_core

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "codegen" / "fixture_surface.yaml"
GOLDEN = ROOT / "tests" / "codegen_golden" / "fixture_surface_pkg"
GOLDEN_DOCS = ROOT / "tests" / "codegen_golden" / "fixture_surface_api.md"
REGEN = (
    ".venv/bin/python -m codegen --spec tests/codegen/fixture_surface.yaml "
    "--out tests/codegen_golden/fixture_surface_pkg --docs tests/codegen_golden/fixture_surface_api.md"
)
PARTS = ("models", "operations", "namespaces", "resources.pets", "resources.toys")


def test_surface_fixture_output_matches_the_golden_record() -> None:
    diff = stale_diff(generate(FIXTURE), GOLDEN)
    assert not diff, f"generated code changed; if intended, run `{REGEN}`\n{diff}"
    assert reference(FIXTURE) == GOLDEN_DOCS.read_text(encoding="utf-8"), f"docs changed; run `{REGEN}`"


@pytest.fixture(scope="module")
def package() -> Iterator[dict[str, ModuleType]]:
    with imported_package(GOLDEN, PARTS) as modules:
        yield modules


def _query(request: Request) -> list[tuple[str, str]]:
    return parse_qsl(urlsplit(request.url).query)


def test_tags_and_method_names_make_the_namespaces(package: dict[str, ModuleType]) -> None:
    operations = package["operations"].OPERATIONS
    assert {op_id: (op.namespace, op.method_name) for op_id, op in operations.items()} == {
        "create_pet": ("pets", "create"),
        "list_pets": ("pets", "list"),
        "get_pet": ("pets", "get_pet"),
        "bump_pet": ("pets", "bump"),
        "delete_pet": ("pets", "delete"),
        "list_toys": ("toys", "list"),
        "add_toys": ("toys", "add"),
    }
    assert package["namespaces"].NAMESPACES == ("pets", "toys")


def test_each_retry_policy_decides_whether_an_attempt_may_be_repeated(package: dict[str, ModuleType]) -> None:
    core = recording_core(_pet_answer)
    pets = package["resources.pets"].PetsResource(core)
    pets.create(name="Rex")
    pets.create({"name": "Rex", "$idempotency_key": "k-1"})
    pets.get_pet("p1")
    pets.bump("p1", 2)
    sent = core.sent
    assert [request.options.retryable for request in sent] == [False, True, True, False]
    assert sent[0].url == f"http://127.0.0.1:9/{WORKSPACE_KEY}/pets/"  # the workspace comes from the client
    assert (sent[3].method, json.loads(sent[3].content)) == ("PATCH", {"by": 2})
    with pytest.raises(SuprsendConfigError, match="never retried"):
        pets.bump("p1", 1, max_retries=2)


def test_positional_arguments_take_their_official_names_by_keyword(package: dict[str, ModuleType]) -> None:
    """``x-suprsend-official-names: {payload: bump_payload}``: the same request by position or keyword."""
    core = recording_core(_pet_answer)
    pets = package["resources.pets"].PetsResource(core)
    pets.bump("p 1", 2, {})
    pets.bump(pet_id="p 1", by=2, bump_payload={})
    first, second = core.sent
    assert (first.url, first.content) == (second.url, second.content)
    assert json.loads(second.content) == {"by": 2}
    assert package["operations"].BUMP_PET.official_names == (("payload", "bump_payload"),)
    with pytest.raises(TypeError):
        pets.bump(pet_id="p1", by=2, payload={})


def test_id_checks_run_first_with_the_official_messages(package: dict[str, ModuleType]) -> None:
    """``x-suprsend-id-checks: {style: missing}``: an id that is not text reads as missing, as the official
    objects calls say; a blank one too; a good one is stripped before it is sent."""
    core = recording_core(_pet_answer)
    pets = package["resources.pets"].PetsResource(core)
    for bad in (None, 7, "  "):
        with pytest.raises(ValidationError) as refused:
            pets.delete(bad)
        assert (str(refused.value), refused.value.path) == ("[code: 400] missing pet_id", "pet_id")
    pets.delete(pet_id=" p1 ")
    assert [request.url for request in core.sent] == ["http://127.0.0.1:9/v1/pet/p1/"]


def _pet_answer(request: Request) -> Response:
    return Response(status_code=200, content=b'{"id": "p1", "name": "Rex", "counter": 1}')


def test_cursor_pages_follow_after_lazily(package: dict[str, ModuleType]) -> None:
    pages = {
        None: {"meta": {"has_next": True, "after": "c2"}, "results": [{"id": "a"}, {"id": "b"}]},
        "c2": {"meta": {"has_next": False, "after": None}, "results": [{"id": "c"}]},
    }

    def answer(request: Request) -> Response:
        page = pages[dict(_query(request)).get("after")]
        return Response(status_code=200, content=json.dumps(page).encode())

    core = recording_core(answer)
    page = package["resources.pets"].PetsResource(core).list(limit=2, species=["cat", "dog"])
    assert page["results"] == [{"id": "a"}, {"id": "b"}] and len(core.sent) == 1
    assert [pet.id for pet in page] == ["a", "b", "c"]
    assert [_query(request) for request in core.sent] == [
        [("limit", "2"), ("species[]", "cat"), ("species[]", "dog")],
        [("limit", "2"), ("species[]", "cat"), ("species[]", "dog"), ("after", "c2")],
    ]


def test_offset_pages_clamp_bad_values_to_the_spec_default(package: dict[str, ModuleType]) -> None:
    def answer(request: Request) -> Response:
        offset = int(dict(_query(request))["offset"])
        names = [{"name": f"toy{offset + i}"} for i in range(min(10, 12 - offset))]
        meta = {"count": 12, "limit": 10, "offset": offset}
        return Response(status_code=200, content=json.dumps({"meta": meta, "results": names}).encode())

    core = recording_core(answer)
    toys = package["resources.toys"].ToysResource(core)
    assert len(list(toys.list("p1", 5000, -3))) == 12  # positional limit and offset, both clamped
    assert [_query(request) for request in core.sent] == [
        [("limit", "10"), ("offset", "0")],
        [("limit", "10"), ("offset", "10")],
    ]


def test_status_results_and_the_empty_shortcut(package: dict[str, ModuleType]) -> None:
    core = recording_core(lambda request: Response(status_code=204))
    assert package["resources.pets"].PetsResource(core).delete("p1") == {"success": True, "status_code": 204}
    toys = package["resources.toys"].ToysResource(core)
    shortcut = toys.add("p1", [])
    assert isinstance(shortcut, StatusResult) and shortcut == {"success": True}
    assert [request.method for request in core.sent] == ["DELETE"]  # the empty list sent nothing
