"""Unknown ``$`` keys in recipients and profile edits: reserved by SuprSend, so a misspelling is lost.

The hub keeps a recipient's or profile's unknown keys as ordinary properties, so ``"$emial": [...]`` is
accepted and the email is simply never sent. Keys starting with ``$`` are SuprSend's own, which makes an
unknown one almost surely a typo: it is reported with the closest known key, as a ``SuprsendWarning`` (or in
a profile builder's ``warnings``) by default and as a ``ValidationError`` with ``Suprsend(strict=True)``.
The known keys are the ``$`` properties the spec gives a recipient, and the push settings of a profile edit.
"""

from __future__ import annotations

import functools
import os
import sys
import warnings
from collections.abc import Mapping

from ._errors import ValidationError
from ._generated import models
from ._key_hints import did_you_mean

DOLLAR = "$"
# Besides the recipient properties, a profile edit of a push channel names its provider and bundle id.
_PROFILE_PUSH_SETTINGS = frozenset({"$id_provider", "$bundle_id"})


@functools.cache
def known_dollar_keys() -> frozenset[str]:
    """The ``$`` keys a recipient may hold, from the generated models (loaded here, at first use)."""
    recipient_models = (models.UserSetting, models.LegacyUserSetting)
    keys = {field.key for model in recipient_models for field in model._shape.fields}
    return frozenset(key for key in keys if key.startswith(DOLLAR)) | _PROFILE_PUSH_SETTINGS


# The bodies whose recipients are checked, and where the recipients are: a list or a single one.
_RECIPIENT_LISTS = ("recipients", "users")
_SINGLE_RECIPIENTS = ("actor",)


class SuprsendWarning(UserWarning):
    """Something the hub accepts but that almost surely does not do what was meant (an unknown ``$`` key)."""


def dollar_key_problem(key: str, *, kept: bool = False) -> str | None:
    """Why ``key`` would be lost (an unknown ``$`` key), with the closest known key; ``None`` if fine.

    ``kept`` adds that the value is still sent (as a plain property), for warnings.
    """
    known = known_dollar_keys()
    if not key.startswith(DOLLAR) or key in known:
        return None
    consequence = " and is sent as a plain property" if kept else ""
    hint = did_you_mean(key, known)
    return f"{key!r} is not a SuprSend property (keys starting with $ are reserved){consequence}{hint}"


def check_recipient_keys(body: Mapping[str, object], *, strict: bool) -> None:
    """Warn about (or, when ``strict``, refuse) unknown ``$`` keys of the recipients of a workflow body."""
    problems: list[tuple[str, str]] = []  # (path, key)
    known = known_dollar_keys()
    for field in _RECIPIENT_LISTS:
        recipients = body.get(field)
        if isinstance(recipients, list):
            for index, recipient in enumerate(recipients):
                if isinstance(recipient, dict):
                    _collect(recipient, f"{field}[{index}]", known, problems)
    for field in _SINGLE_RECIPIENTS:
        recipient = body.get(field)
        if isinstance(recipient, dict):
            _collect(recipient, field, known, problems)
    if not problems:
        return
    if strict:
        errors = [(path, str(dollar_key_problem(key))) for path, key in problems]
        raise ValidationError(errors[0][1], path=errors[0][0], errors=errors)
    for path, key in problems:
        message = f"{path}: {dollar_key_problem(key, kept=True)}"
        warnings.warn(message, SuprsendWarning, stacklevel=_user_stacklevel())


def _collect(
    recipient: Mapping[object, object], path: str, known: frozenset[str], problems: list[tuple[str, str]]
) -> None:
    # Runs for every inline recipient sent, so the common key (no "$", or a known one) costs two tests.
    for key in recipient:
        if isinstance(key, str) and key[:1] == DOLLAR and key not in known:
            problems.append((f"{path}.{key}", key))


def _user_stacklevel() -> int:
    """The ``stacklevel`` that points a warning at the first caller outside this package."""
    package = os.path.dirname(__file__)
    frame = sys._getframe(1)
    level = 1
    while frame is not None and frame.f_code.co_filename.startswith(package):
        frame = frame.f_back  # type: ignore[assignment]
        level += 1
    return level
