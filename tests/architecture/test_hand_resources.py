"""The hand resource classes (``resources/``, ``async_resources/``) only add to the generated ones: builder
factories and bulk calls. An official call form is a spec fact or a row of ``codegen/customisations.py``,
so no hand class overrides a generated method (issue 19: ``resources/`` overrides nothing)."""

from __future__ import annotations

import importlib
import inspect

import pytest

from codegen.customisations import HAND_RESOURCES

PACKAGES = {"sync": "suprsend_typed.resources", "async": "suprsend_typed.async_resources"}
GENERATED = {
    "sync": "suprsend_typed._generated.resources",
    "async": "suprsend_typed._generated.async_resources",
}


def _hand_classes() -> list[tuple[str, type[object], type[object]]]:
    found = []
    for flavor, namespaces in HAND_RESOURCES.items():
        for namespace in sorted(namespaces):
            module = importlib.import_module(f"{PACKAGES[flavor]}.{namespace}")
            generated = f"{GENERATED[flavor]}.{namespace}"
            for _, cls in inspect.getmembers(module, inspect.isclass):
                bases = [base for base in cls.__mro__[1:] if base.__module__ == generated]
                if cls.__module__ == module.__name__ and bases:
                    found.append((f"{flavor}:{namespace}.{cls.__name__}", cls, bases[0]))
    return found


HAND_CLASSES = _hand_classes()


def test_every_hand_namespace_subclasses_its_generated_class() -> None:
    assert len(HAND_CLASSES) == sum(len(namespaces) for namespaces in HAND_RESOURCES.values())


@pytest.mark.parametrize(
    ("name", "cls", "generated"), HAND_CLASSES, ids=[name for name, _, _ in HAND_CLASSES]
)
def test_no_hand_class_overrides_a_generated_method(
    name: str, cls: type[object], generated: type[object]
) -> None:
    own = {attribute for attribute in vars(cls) if not attribute.startswith("__")}
    overridden = sorted(own & {attribute for attribute in vars(generated) if not attribute.startswith("__")})
    assert overridden == [], f"{name} overrides generated {overridden}"
