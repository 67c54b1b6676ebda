"""The command line (--out / --check), atomic writes, growth without hand edits, and broken specs."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from codegen_loading import imported_package

import codegen.output
from codegen.__main__ import EXIT_SPEC_ERROR, EXIT_STALE, generate, main
from codegen.errors import SpecError
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
    assert sorted(p.name for p in out.iterdir()) == ["__init__.py", "endpoints.py", "limits.py", "models.py"]
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
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    document = _fixture()
    document["components"]["schemas"]["Pet"]["properties"]["name"] = {"type": "strng"}
    assert main(["--spec", str(_write_spec(tmp_path, document)), "--out", str(out)]) == EXIT_SPEC_ERROR
    assert "#/components/schemas/Pet/properties/name/type: unknown type 'strng'" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before


def test_a_failed_write_leaves_the_old_package_and_no_temp_folders(tmp_path: Path, monkeypatch: Any) -> None:
    out = tmp_path / "pkg"
    assert main(["--spec", str(FIXTURE), "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}

    def fail_half_way(files: dict[str, str], folder: Path) -> None:
        (folder / "__init__.py").write_text("partial", "utf-8")
        raise OSError("disk full")

    monkeypatch.setattr(codegen.output, "_write_files", fail_half_way)
    with pytest.raises(OSError, match="disk full"):
        codegen.output.write_package(generate(FIXTURE), out)
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["pkg"]


def _set(document: dict[str, Any], path: list[str], value: Any) -> None:
    node = document
    for key in path[:-1]:
        node = node[key]
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
    ],
)
def test_broken_specs_name_the_json_pointer(
    tmp_path: Path, path: list[str], value: Any, pointer: str, message: str
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
