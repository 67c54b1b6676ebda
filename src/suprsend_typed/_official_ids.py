"""The official SDK's checks of id arguments, with its messages, run before a generated method.

The official ``objects`` and ``subscriber_lists`` calls strip their ids and refuse a missing one before
anything is sent, each namespace with its own wording and in its own order (``get_category_preference``
checks the category first). ``with_checked_ids`` wraps a generated method so that it does the same and
keeps the generated signature, docstring and typing.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from ._errors import ValidationError

P = ParamSpec("P")
R = TypeVar("R")
T = TypeVar("T")

IdCheck = Callable[[object], str]
"""Takes an id argument; returns it stripped, or raises the official ``ValidationError``."""


def missing_id(name: str) -> IdCheck:
    """The objects' check: anything but non-blank text is ``missing <name>``."""

    def check(value: object) -> str:
        if not isinstance(value, str) or not value.strip():
            raise ValidationError(f"missing {name}", path=name)
        return value.strip()

    return check


def string_id(name: str) -> IdCheck:
    """The subscriber lists' check: ``<name> must be a string``, then ``missing <name>`` when blank."""

    def check(value: object) -> str:
        if not isinstance(value, str):
            raise ValidationError(f"{name} must be a string", path=name)
        if not value.strip():
            raise ValidationError(f"missing {name}", path=name)
        return value.strip()

    return check


def with_checked_ids(
    method: Callable[Concatenate[R, P], T], *checks: tuple[int, IdCheck]
) -> Callable[Concatenate[R, P], T]:
    """``method`` with its arguments at the given positional indexes checked and stripped first, in the
    order given, whether passed by position or by keyword. An argument not passed is left for ``method``
    to report."""
    call: Callable[..., T] = method
    # The positional parameter names after ``self``.
    code = getattr(method, "__code__")  # noqa: B009 - a Callable's type does not declare __code__
    names = code.co_varnames[1 : code.co_argcount]
    named = [(index, names[index], check) for index, check in checks]

    @functools.wraps(method)
    def checked(self: R, /, *args: P.args, **kwargs: P.kwargs) -> T:
        values = list(args)
        for index, name, check in named:
            if index < len(values):
                values[index] = check(values[index])
            elif name in kwargs:
                kwargs[name] = check(kwargs[name])
        return call(self, *values, **kwargs)

    return checked
