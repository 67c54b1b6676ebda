"""Seed state: what a sandbox holds before the first request, from a JSON or YAML document.

The document is an object with any of these lists (every item an object with its id key)::

    {
      "users": [{"distinct_id": "u1", "$email": ["ann@example.com"], "name": "Ann", "$timezone": "UTC"}],
      "tenants": [{"tenant_id": "acme", "tenant_name": "Acme"}],
      "preference_categories": [{"category": "newsletter", "name": "Newsletter",
                                 "default_preference": "opt_in"}],
      "templates": [{"slug": "welcome", "name": "Welcome", "channels": ["email"]}]
    }

A user is the body of a user upsert plus its ``distinct_id``: channel keys (``$email`` ...) become channel
entries and every other key a property, as ``profiles.upsert`` applies them. Tenants, preference categories
and templates are kept as given, by id, in the store's ``entities`` table.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from .profiles import upsert
from .store import Store
from .times import iso_time
from .validation import parse_json

SEED_ID_KEYS: Final = {
    "users": "distinct_id",
    "tenants": "tenant_id",
    "preference_categories": "category",
    "templates": "slug",
}
"""The namespaces a seed may fill, and the key that identifies each item."""
YAML_SUFFIXES: Final = frozenset({".yaml", ".yml"})


class SeedError(ValueError):
    """A seed document or file that cannot be used; the message names the file, item or key."""


@attrs.frozen(kw_only=True, slots=True)
class Seed:
    """A checked seed: for each namespace, ``(id, item without its id key)`` pairs in document order."""

    namespaces: tuple[tuple[str, tuple[tuple[str, dict[str, Any]], ...]], ...]

    def items(self, namespace: str) -> tuple[tuple[str, dict[str, Any]], ...]:
        return dict(self.namespaces).get(namespace, ())

    def counts(self) -> dict[str, int]:
        return {namespace: len(items) for namespace, items in self.namespaces}


def parse_seed(document: Mapping[str, Any]) -> Seed:
    """Check ``document``'s shape (see the module docstring); raises ``SeedError`` naming the problem."""
    if not isinstance(document, Mapping):
        raise SeedError(
            f"a seed is an object with lists {sorted(SEED_ID_KEYS)}, got {type(document).__name__}"
        )
    unknown = sorted(set(document) - set(SEED_ID_KEYS))
    if unknown:
        raise SeedError(f"unknown seed keys {unknown}; a seed may hold {sorted(SEED_ID_KEYS)}")
    namespaces = []
    for namespace, id_key in SEED_ID_KEYS.items():
        if namespace in document:
            namespaces.append((namespace, _items(namespace, id_key, document[namespace])))
    return Seed(namespaces=tuple(namespaces))


def _items(namespace: str, id_key: str, items: Any) -> tuple[tuple[str, dict[str, Any]], ...]:
    if not isinstance(items, list):
        raise SeedError(f"{namespace}: expected a list of objects, got {type(items).__name__}")
    seen: set[str] = set()
    result = []
    for index, item in enumerate(items):
        where = f"{namespace}[{index}]"
        if not isinstance(item, dict):
            raise SeedError(f"{where}: expected an object, got {type(item).__name__}")
        identifier = item.get(id_key)
        if not isinstance(identifier, str) or not identifier.strip():
            raise SeedError(f"{where}.{id_key}: required, a non-empty string")
        if identifier in seen:
            raise SeedError(f"{where}.{id_key}: {identifier!r} appears twice")
        seen.add(identifier)
        result.append((identifier, {key: value for key, value in item.items() if key != id_key}))
    return tuple(result)


def load_seed_file(path: str | Path) -> Seed:
    """A seed from a ``.json`` file, or a ``.yaml``/``.yml`` one when PyYAML is installed."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(f"cannot read seed file {path}: {exc}") from None
    if path.suffix.lower() in YAML_SUFFIXES:
        document = _load_yaml(path, text)
    else:
        try:
            document = parse_json(text.encode("utf-8"))
        except (ValueError, RecursionError) as exc:
            raise SeedError(f"seed file {path} is not valid JSON: {exc}") from None
    try:
        return parse_seed(document)
    except SeedError as exc:
        raise SeedError(f"seed file {path}: {exc}") from None


def _load_yaml(path: Path, text: str) -> Any:
    try:
        yaml: Any = importlib.import_module("yaml")  # a dev dependency, not a runtime one
    except ImportError:
        raise SeedError(
            f"seed file {path} is YAML, but PyYAML is not installed: `pip install pyyaml`, "
            "or give the seed as JSON"
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise SeedError(f"seed file {path} is not valid YAML: {exc}") from None


def apply_seed(store: Store, seed: Seed, *, now: float) -> None:
    """Write ``seed`` into ``store``: users merged into their profiles, other items replacing theirs."""
    stamp = iso_time(now)
    store.save_profiles(
        (distinct_id, upsert(store.profile(distinct_id), payload, now=stamp))
        for distinct_id, payload in seed.items("users")
    )
    for namespace, items in seed.namespaces:
        if namespace != "users":
            store.save_entities(namespace, items)
