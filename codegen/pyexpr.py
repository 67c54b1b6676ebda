"""Python expressions laid out the way ``ruff format`` lays them out, so generated code needs no formatter.

An expression that fits on its line stays flat; one that does not is exploded one element per line with a
trailing comma, which ruff keeps as it is (the "magic trailing comma").
"""

from __future__ import annotations

import textwrap
from typing import TypeAlias

import attrs

LINE_LENGTH = 110
INDENT = "    "


@attrs.frozen
class Raw:
    text: str


@attrs.frozen
class Call:
    func: str
    args: tuple[Expr, ...] = ()
    kwargs: tuple[tuple[str, Expr], ...] = ()


@attrs.frozen
class Tuple:
    items: tuple[Expr, ...]


@attrs.frozen
class Subscript:
    """``value[item, ...]``, such as ``Literal["a", "b"]``."""

    value: str
    items: tuple[Expr, ...]


Expr: TypeAlias = Raw | Call | Tuple | Subscript


def flat(expr: Expr) -> str:
    if isinstance(expr, Raw):
        return expr.text
    if isinstance(expr, Tuple):
        if len(expr.items) == 1:
            return f"({flat(expr.items[0])},)"
        return "(" + ", ".join(flat(item) for item in expr.items) + ")"
    if isinstance(expr, Subscript):
        return f"{expr.value}[" + ", ".join(flat(item) for item in expr.items) + "]"
    parts = [flat(arg) for arg in expr.args] + [f"{key}={flat(value)}" for key, value in expr.kwargs]
    return f"{expr.func}(" + ", ".join(parts) + ")"


def layout(expr: Expr, indent: str, head: str = "", tail: str = "") -> list[str]:
    """Lines of ``head + expr + tail`` at ``indent``."""
    line = indent + head + flat(expr) + tail
    if len(line) <= LINE_LENGTH or isinstance(expr, Raw):
        return [line]
    inner = indent + INDENT
    close = ")"
    if isinstance(expr, Tuple | Subscript):
        opening = "(" if isinstance(expr, Tuple) else expr.value + "["
        close = ")" if isinstance(expr, Tuple) else "]"
        lines = [indent + head + opening]
        for item in expr.items:
            lines += layout(item, inner, tail=",")
    else:
        lines = [indent + head + expr.func + "("]
        for arg in expr.args:
            lines += layout(arg, inner, tail=",")
        for key, value in expr.kwargs:
            lines += layout(value, inner, head=f"{key}=", tail=",")
    lines.append(indent + close + tail)
    return lines


def string(text: str) -> str:
    """A string literal with the quotes ruff prefers (double, unless that needs more escapes)."""
    literal = repr(text)
    if literal.startswith("'") and '"' not in text:
        literal = '"' + literal[1:-1].replace("\\'", "'") + '"'
    return literal


def comment_lines(text: str, indent: str) -> list[str]:
    width = LINE_LENGTH - len(indent) - 2
    return [f"{indent}# {line}" for line in textwrap.wrap(text, width)] if text else []


def docstring_lines(text: str, indent: str) -> list[str]:
    """A docstring: one line when it fits, else wrapped with the closing quotes on their own line."""
    text = text.replace("\\", "\\\\").replace('"""', '\\"\\"\\"').strip()
    if text.endswith('"'):
        text += " "
    one_line = f'{indent}"""{text}"""'
    if len(one_line) <= LINE_LENGTH:
        return [one_line]
    wrapped = textwrap.wrap(text, LINE_LENGTH - len(indent) - 3)
    if len(wrapped) == 1 and " " in text:
        # ruff format joins a single text line with its closing quotes, which would make it too long again.
        head, _, last = text.rpartition(" ")
        wrapped = [head, last]
    return [f'{indent}"""{wrapped[0]}', *(indent + line for line in wrapped[1:]), f'{indent}"""']
