"""Read the spec: YAML without duplicate keys, plus its sha256 and the name the file headers show."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import attrs
import yaml

from .errors import SpecError, child


@attrs.frozen(kw_only=True)
class LoadedSpec:
    document: dict[str, Any]
    sha256: str
    display_name: str


def load_spec(path: Path) -> LoadedSpec:
    """Parse ``path``; a duplicate mapping key is an error (PyYAML would keep the last one silently)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise SpecError("#", f"cannot read the spec: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8")
        root = yaml.compose(text, Loader=yaml.SafeLoader)
        _refuse_duplicate_keys(root, "#")
        document = yaml.safe_load(text)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise SpecError("#", f"not a readable YAML document: {exc}") from None
    if not isinstance(document, dict):
        raise SpecError("#", "the spec must be a mapping")
    return LoadedSpec(
        document=document,
        sha256=hashlib.sha256(raw).hexdigest(),
        display_name=_display_name(path),
    )


def _refuse_duplicate_keys(node: yaml.Node | None, pointer: str) -> None:
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key_node, value_node in node.value:
            key = str(key_node.value)
            if key in seen:
                raise SpecError(child(pointer, key), f"duplicate key {key!r}")
            seen.add(key)
            _refuse_duplicate_keys(value_node, child(pointer, key))
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _refuse_duplicate_keys(item, child(pointer, index))


def _display_name(path: Path) -> str:
    """The spec's path from the project root (the folder holding pyproject.toml), else its file name.

    Independent of the working directory, so the generated headers are the same wherever it runs.
    """
    resolved = path.resolve()
    for folder in resolved.parents:
        if (folder / "pyproject.toml").is_file():
            return resolved.relative_to(folder).as_posix()
    return resolved.name
