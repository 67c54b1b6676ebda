"""The command line (--out / --check), atomic writes, growth without hand edits, and broken specs."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from codegen_loading import imported_package

import codegen.output
from codegen.__main__ import EXIT_INTERNAL_ERROR, EXIT_SPEC_ERROR, EXIT_STALE, generate, main
from codegen.errors import SpecError
from suprsend_typed._errors import ValidationError
from suprsend_typed._models import structure, unstructure

ROOT = Path(__file__).resolve().parents[2]
FIXTURE = ROOT / "tests" / "codegen" / "fixture.yaml"


def _fixture() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load(FIXTURE.read_text("utf-8"))
    return loaded


def _write_spec(tmp_path: Path, document: dict[str, Any]) -> Path:
    spec = tmp_path / "spec.yaml"
    spec.write_text(yaml.safe_dump(document, sort_keys=False), "utf-8")
    return spec


def test_out_then_check_is_clean_and_a_stale_package_fails_with_a_diff(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "pkg"
    assert main(["--spec", str(FIXTURE), "--out", str(out)]) == 0
    assert sorted(p.relative_to(out).as_posix() for p in out.rglob("*.py")) == [
        "__init__.py",
        "async_namespaces.py",
        "async_resources/__init__.py",
        "endpoint_helpers.py",
        "endpoints.py",
        "limits.py",
        "models.py",
        "namespaces.py",
        "operations.py",
        "resources/__init__.py",
    ]
    assert main(["--spec", str(FIXTURE), "--check", str(out)]) == 0
    (out / "limits.py").write_text("MAX_PETS_PER_CALL = 11\n", "utf-8")
    (out / "stray.py").write_text("", "utf-8")
    assert main(["--spec", str(FIXTURE), "--check", str(out)]) == EXIT_STALE
    printed = capsys.readouterr()
    assert (
        "+MAX_PETS_PER_CALL: Final = 10" in printed.out
        and "not generated (delete it): stray.py" in printed.out
    )
    assert "make generate" in printed.err


def test_module_entry_point_runs_as_in_the_makefile() -> None:
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "codegen",
            "--spec",
            "spec/suprsend.yaml",
            "--check",
            "src/suprsend_typed/_generated",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_adding_a_field_to_the_spec_adds_it_to_the_model(tmp_path: Path) -> None:
    document = _fixture()
    document["components"]["schemas"]["Pet"]["properties"]["$favouriteFood"] = {
        "type": "string",
        "maxLength": 5,
    }
    out = tmp_path / "pkg"
    assert main(["--spec", str(_write_spec(tmp_path, document)), "--out", str(out)]) == 0
    with imported_package(out) as package:
        pet_class = package["models"].Pet
        pet = structure({"name": "Rex", "species": "cat", "$favouriteFood": "fish"}, pet_class)
        assert pet.favourite_food == "fish" and pet.extra == {}
        assert unstructure(pet)["$favouriteFood"] == "fish"
        with pytest.raises(ValueError, match="longer than 5"):
            pet_class(name="Rex", species="cat", favourite_food="salmon")


def test_a_broken_spec_leaves_the_existing_package_untouched(tmp_path: Path, capsys: Any) -> None:
    out = tmp_path / "pkg"
    assert main(["--spec", str(FIXTURE), "--out", str(out)]) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    document = _fixture()
    document["components"]["schemas"]["Pet"]["properties"]["name"] = {"type": "strng"}
    assert main(["--spec", str(_write_spec(tmp_path, document)), "--out", str(out)]) == EXIT_SPEC_ERROR
    assert "#/components/schemas/Pet/properties/name/type: unknown type 'strng'" in capsys.readouterr().err
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_a_failed_write_leaves_the_old_package_and_no_temp_folders(tmp_path: Path, monkeypatch: Any) -> None:
    out = tmp_path / "pkg"
    assert main(["--spec", str(FIXTURE), "--out", str(out)]) == 0
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def fail_half_way(files: dict[str, str], folder: Path) -> None:
        (folder / "__init__.py").write_text("partial", "utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(codegen.output, "_write_files", fail_half_way)
    with pytest.raises(OSError, match="disk full"):
        codegen.output.write_package(generate(FIXTURE), out)
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg"]


def _set(document: dict[str, Any], path: list[Any], value: Any) -> None:
    node: Any = document
    for key in path[:-1]:
        node = node[key]
    if isinstance(node, list) and path[-1] == len(node):
        node.append(value)
    else:
        node[path[-1]] = value


@pytest.mark.parametrize(
    ("path", "value", "pointer", "message"),
    [
        (
            ["components", "schemas", "Pet", "properties", "owner"],
            {"$ref": "#/components/schemas/Nobody"},
            "#/components/schemas/Pet/properties/owner/$ref",
            "dangling $ref",
        ),
        (
            ["components", "schemas", "Owner", "properties", "email"],
            {"type": "text"},
            "#/components/schemas/Owner/properties/email/type",
            "unknown type 'text'",
        ),
        (
            ["components", "schemas", "Pet", "required"],
            ["name", "colour"],
            "#/components/schemas/Pet/required/1",
            "not defined",
        ),
        (
            ["components", "schemas", "Pet", "properties", "owner"],
            {"allOf": [{"type": "string"}]},
            "#/components/schemas/Pet/properties/owner/allOf",
            "unsupported keyword",
        ),
        (
            ["paths", "/v1/pet/", "post", "operationId"],
            "get_pet",
            "#/paths/~1v1~1pet~1/post/operationId",
            "duplicate operationId 'get_pet'",
        ),
        (
            ["components", "schemas", "Owner", "properties", "e-mail"],
            {"type": "string"},
            "#/components/schemas/Owner/properties/e-mail",
            "Python name 'e_mail' is already used",
        ),
        (
            ["paths", "/v1/pet/{pet_id}/", "get", "parameters"],
            [],
            "#/paths/~1v1~1pet~1{pet_id}~1/get",
            "{pet_id} is not declared",
        ),
        (
            ["x-suprsend-limits", "max_pets_per_call"],
            "ten",
            "#/x-suprsend-limits/max_pets_per_call",
            "integer",
        ),
        (["openapi"], "3.0.3", "#/openapi", "OpenAPI 3.1"),
        (
            ["paths", "/v1/pet/", "post", "requestbody"],
            {"content": {}},
            "#/paths/~1v1~1pet~1/post/requestbody",
            "unsupported operation key 'requestbody'",
        ),
        (
            ["paths", "/v1/pet/{pet_id}/", "delete", "responses", "2XX"],
            {"description": "Any success."},
            "#/paths/~1v1~1pet~1{pet_id}~1/delete/responses/2XX",
            "2XX range is not supported",
        ),
        (
            ["paths", "/v1/pet/{pet_id}/", "delete", "responses", "20x"],
            {"description": "Typo."},
            "#/paths/~1v1~1pet~1{pet_id}~1/delete/responses/20x",
            "not a status code",
        ),
        (
            ["paths", "/v1/pet/{pet_id}/", "delete", "parameters", 1],
            {"name": "X-Trace", "in": "header", "schema": {"type": "string"}},
            "#/paths/~1v1~1pet~1{pet_id}~1/delete/parameters/1/in",
            "parameters in 'header' are not supported",
        ),
        (
            ["paths", "/v1/pet/{pet_id}/", "delete", "parameters", 1],
            {"name": "session", "in": "cookie", "schema": {"type": "string"}},
            "#/paths/~1v1~1pet~1{pet_id}~1/delete/parameters/1/in",
            "parameters in 'cookie' are not supported",
        ),
        (
            ["paths", "/v1/pet/{pet_id}/", "delete", "parameters", 1],
            {"name": "filter", "in": "query", "style": "deepObject", "schema": {"type": "string"}},
            "#/paths/~1v1~1pet~1{pet_id}~1/delete/parameters/1/style",
            "only style: form",
        ),
        (
            ["paths", "/v1/pet/{pet_id}/", "delete", "parameters", 1],
            {"name": "ids", "in": "query", "explode": False, "schema": {"type": "array"}},
            "#/paths/~1v1~1pet~1{pet_id}~1/delete/parameters/1/explode",
            "only explode: true",
        ),
        (
            ["paths", "/v1/pet/{pet_id}/", "delete", "parameters", 1],
            {"name": "where", "in": "query", "schema": {"type": "object"}},
            "#/paths/~1v1~1pet~1{pet_id}~1/delete/parameters/1/schema",
            "a scalar or an array of scalars",
        ),
        (
            ["paths", "/v1/pet/{pet_id}/", "delete", "parameters", 1],
            {"name": "q", "in": "query", "content": {"application/json": {}}, "schema": {"type": "string"}},
            "#/paths/~1v1~1pet~1{pet_id}~1/delete/parameters/1/content",
            "unsupported parameter key 'content'",
        ),
        (
            ["paths", "/v1/pet/{pet_id}/", "delete", "parameters", 0, "schema"],
            {"type": "integer"},
            "#/paths/~1v1~1pet~1{pet_id}~1/delete/parameters/0/schema",
            "a path parameter must be a string",
        ),
        (
            ["paths", "/v1/pet/{pet_id}/{pet_id}/"],
            {
                "get": {
                    "operationId": "get_twice",
                    "parameters": [
                        {"name": "pet_id", "in": "path", "required": True, "schema": {"type": "string"}}
                    ],
                    "responses": {"204": {"description": "No content."}},
                }
            },
            "#/paths/~1v1~1pet~1{pet_id}~1{pet_id}~1/get",
            "appears more than once in the path",
        ),
        (
            ["components", "schemas", "Owner", "properties", 7],
            {"type": "string"},
            "#/components/schemas/Owner/properties/7",
            "a property name must be a string, got 7",
        ),
        (
            ["components", "schemas", "Owner", "properties", "kind"],
            {"type": "string", "x-python-name": "str"},
            "#/components/schemas/Owner/properties/kind/x-python-name",
            "'str' is a name the generated code uses",
        ),
        (
            ["components", "schemas", "Owner", "properties", "email", "x-secret"],
            "yes",
            "#/components/schemas/Owner/properties/email/x-secret",
            "x-secret must be true or false",
        ),
    ],
)
def test_broken_specs_name_the_json_pointer(
    tmp_path: Path, path: list[Any], value: Any, pointer: str, message: str
) -> None:
    document = _fixture()
    if path[-1] == "e-mail":
        _set(document, [*path[:-1], "e_mail"], {"type": "string"})
    _set(document, path, value)
    with pytest.raises(SpecError) as caught:
        generate(_write_spec(tmp_path, document))
    assert caught.value.pointer == pointer
    assert message in caught.value.message


def test_duplicate_schema_names_are_refused_with_their_pointer(tmp_path: Path) -> None:
    text = FIXTURE.read_text("utf-8").replace(
        "    Owner:\n", "    Species:\n      type: string\n    Owner:\n", 1
    )
    spec = tmp_path / "spec.yaml"
    spec.write_text(text, "utf-8")
    with pytest.raises(SpecError) as caught:
        generate(spec)
    assert caught.value.pointer == "#/components/schemas/Species"
    assert "duplicate key" in caught.value.message


def test_a_dangling_ref_outside_the_schemas_is_found_too(tmp_path: Path) -> None:
    document = _fixture()
    document["paths"]["/v1/pet/"]["post"]["responses"]["400"] = {"$ref": "#/components/responses/Nope"}
    with pytest.raises(SpecError) as caught:
        generate(_write_spec(tmp_path, document))
    assert caught.value.pointer == "#/paths/~1v1~1pet~1/post/responses/400/$ref"


def test_spec_folder_copy_generates_the_same_code_as_the_original(tmp_path: Path) -> None:
    # Only the header's spec name depends on where the spec lives.
    copy = tmp_path / "fixture.yaml"
    shutil.copy(FIXTURE, copy)
    original, copied = generate(FIXTURE), generate(copy)
    for name in original:
        assert original[name].split("\n", 1)[1] == copied[name].split("\n", 1)[1]


def test_property_names_that_shadow_builtins_or_imports_are_renamed(tmp_path: Path) -> None:
    document = _fixture()
    owner = document["components"]["schemas"]["Owner"]["properties"]
    for name, schema in (("attrs", "string"), ("str", "string"), ("list", "array"), ("int", "integer")):
        owner[name] = {"type": schema}
    out = tmp_path / "pkg"
    assert main(["--spec", str(_write_spec(tmp_path, document)), "--out", str(out)]) == 0
    with imported_package(out) as package:
        owner_class = package["models"].Owner
        wire = {"attrs": "a", "str": "s", "list": [1], "int": 2, "email": "e"}
        owner_model = structure(wire, owner_class)
        assert (owner_model.attrs_, owner_model.str_, owner_model.list_, owner_model.int_) == (
            "a",
            "s",
            [1],
            2,
        )
        assert unstructure(owner_model) == {"email": "e", **{k: v for k, v in wire.items() if k != "email"}}


def test_an_internal_failure_exits_3_with_a_message_not_a_traceback(
    tmp_path: Path, monkeypatch: Any, capsys: Any
) -> None:
    def broken(_: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr("codegen.__main__.build_api", broken)
    out = tmp_path / "pkg"
    assert main(["--spec", str(FIXTURE), "--check", str(out)]) == EXIT_INTERNAL_ERROR
    assert main(["--spec", str(FIXTURE), "--out", str(out)]) == EXIT_INTERNAL_ERROR
    assert "internal error" in capsys.readouterr().err and not out.exists()


def test_a_missing_spec_file_is_a_spec_error(tmp_path: Path, capsys: Any) -> None:
    assert main(["--spec", str(tmp_path / "nope.yaml"), "--out", str(tmp_path / "pkg")]) == EXIT_SPEC_ERROR
    assert "cannot read the spec" in capsys.readouterr().err


@pytest.mark.parametrize("spec", [FIXTURE, ROOT / "spec" / "suprsend.yaml"], ids=["fixture", "suprsend"])
def test_output_is_the_same_bytes_whatever_the_hash_seed(tmp_path: Path, spec: Path) -> None:
    outputs = []
    for seed in ("1", "4242"):
        out = tmp_path / f"seed-{seed}"
        subprocess.run(
            [sys.executable, "-m", "codegen", "--spec", str(spec), "--out", str(out)],
            cwd=ROOT,
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
        )
        outputs.append(
            {path.relative_to(out): path.read_bytes() for path in sorted(out.rglob("*")) if path.is_file()}
        )
    assert outputs[0] == outputs[1] and len(outputs[0]) >= len(["__init__", "endpoints", "limits", "models"])


def test_path_parameter_constraints_and_typed_queries_work_in_the_generated_code() -> None:
    with imported_package(ROOT / "tests" / "codegen_golden" / "fixture_pkg") as package:
        endpoints = package["endpoints"]
        base = "https://api.example/"
        with pytest.raises(ValidationError) as caught:
            endpoints.build_get_pet(base_url=base, pet_id="p" * 37)
        assert caught.value.path == "pet_id" and "longer than 36" in caught.value.reason
        query = endpoints.GetPetQuery(verbose=True, fields=["name", "toys"], page_size=5)
        request = endpoints.build_get_pet(base_url=base, pet_id="p1", query=query)
        assert request.url == base + "v1/pet/p1/?verbose=true&fields%5B%5D=name&fields%5B%5D=toys&page_size=5"
        assert endpoints.GET_PET_PAGE_SIZE_MAXIMUM == 50
        with pytest.raises(ValidationError, match=r"fields\[\]"):
            endpoints.GetPetQuery(fields=["colour"])


def test_a_rewrite_naming_no_parameter_of_its_method_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    import codegen.render_surface
    from codegen.customisations import CUSTOMISATIONS, Customisation, Rewrite

    wrong = Customisation(rewrite=Rewrite(function="subscriber_list_create", arguments=("payload", "lst_id")))
    monkeypatch.setattr(
        codegen.render_surface, "CUSTOMISATIONS", {**CUSTOMISATIONS, "create_subscriber_list": wrong}
    )
    with pytest.raises(SpecError) as caught:
        generate(ROOT / "spec" / "suprsend.yaml")
    assert caught.value.pointer.endswith("/post")
    assert "rewrite subscriber_list_create: no parameter 'lst_id'" in caught.value.message


@pytest.mark.parametrize(
    ("route", "message"),
    [
        (
            {"argument": "tenant_id", "operation": "no_such_operation", "after": "payload"},
            "route: no operation 'no_such_operation' in this namespace",
        ),
        (
            {"argument": "tenant_id", "operation": "get_user_for_tenant", "after": "payload"},
            "route get_user_for_tenant: not this operation with one more path parameter 'tenant_id'",
        ),
        (
            {"argument": "tenant", "operation": "edit_user_for_tenant", "after": "payload"},
            "route edit_user_for_tenant: not this operation with one more path parameter 'tenant'",
        ),
        (
            {"argument": "tenant_id", "operation": "edit_user_for_tenant", "after": "body"},
            "route edit_user_for_tenant: 'body' is no positional argument",
        ),
    ],
)
def test_a_route_to_an_operation_that_does_not_fit_the_method_is_refused(
    monkeypatch: pytest.MonkeyPatch, route: dict[str, str], message: str
) -> None:
    """A Route sends the method's own arguments to a sibling operation, so the sibling must be the same
    operation (body, query, answer, retry) with exactly the one more path parameter the row names."""
    import attrs

    import codegen.render_surface
    from codegen.customisations import CUSTOMISATIONS, Route

    wrong = attrs.evolve(CUSTOMISATIONS["edit_user"], route=Route(**route))
    monkeypatch.setattr(codegen.render_surface, "CUSTOMISATIONS", {**CUSTOMISATIONS, "edit_user": wrong})
    with pytest.raises(SpecError) as caught:
        generate(ROOT / "spec" / "suprsend.yaml")
    assert caught.value.pointer == "#/paths/~1v1~1user~1{distinct_id}~1/patch"
    assert message in caught.value.message


def test_a_builder_method_named_as_another_method_of_its_namespace_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import attrs

    import codegen.render_surface
    from codegen.customisations import CUSTOMISATIONS

    row = CUSTOMISATIONS["send_identity_events"]
    clash = attrs.evolve(row, methods=(attrs.evolve(row.methods[0], name="merge"),))
    monkeypatch.setattr(
        codegen.render_surface, "CUSTOMISATIONS", {**CUSTOMISATIONS, "send_identity_events": clash}
    )
    with pytest.raises(SpecError) as caught:
        generate(ROOT / "spec" / "suprsend.yaml")
    assert "users.merge is already operation send_identity_events" in caught.value.message
