"""The one error the generator reports: what is wrong with the spec, and where (a JSON pointer)."""

from __future__ import annotations


class SpecError(Exception):
    """A spec the generator cannot turn into code; ``pointer`` locates the problem (``#/components/...``)."""

    def __init__(self, pointer: str, message: str) -> None:
        super().__init__(f"{pointer}: {message}")
        self.pointer = pointer
        self.message = message


def child(pointer: str, *keys: str | int) -> str:
    """The pointer of a child node, with ``~`` and ``/`` escaped as RFC 6901 requires."""
    for key in keys:
        pointer += "/" + str(key).replace("~", "~0").replace("/", "~1")
    return pointer
