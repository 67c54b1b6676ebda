"""A set of line numbers as a bitmap: one bit per line, so a journal of 100 million lines loads in 12.5 MB."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

_BITS = 8
_FULL_BYTE = 0xFF


class LineSet:
    """Line numbers (>= 1) added as inclusive ranges; membership is one index and one shift."""

    __slots__ = ("_bits",)

    def __init__(self) -> None:
        self._bits = bytearray()

    def __len__(self) -> int:
        return int.from_bytes(self._bits, "little").bit_count()

    @property
    def end(self) -> int:
        """A line number past every line in the set."""
        return len(self._bits) * _BITS

    def __contains__(self, line: int) -> bool:
        index = line >> 3
        return index < len(self._bits) and bool(self._bits[index] >> (line & 7) & 1)

    def add_range(self, first: int, last: int) -> None:
        """Add ``first..last`` inclusive."""
        needed = (last >> 3) + 1
        if needed > len(self._bits):
            self._bits.extend(bytes(needed - len(self._bits)))
        bits = self._bits
        line = first
        while line <= last and line & 7:
            bits[line >> 3] |= 1 << (line & 7)
            line += 1
        whole = (last + 1 - line) // _BITS
        if whole > 0:
            start = line >> 3
            bits[start : start + whole] = bytes((_FULL_BYTE,)) * whole
            line += whole * _BITS
        while line <= last:
            bits[line >> 3] |= 1 << (line & 7)
            line += 1


def ranges(lines: Iterable[int]) -> Iterator[tuple[int, int]]:
    """Sorted line numbers as maximal runs ``(first, last)`` of consecutive numbers."""
    first = last = None
    for line in lines:
        if last is not None and line == last + 1:
            last = line
            continue
        if first is not None and last is not None:
            yield first, last
        first = last = line
    if first is not None and last is not None:
        yield first, last
