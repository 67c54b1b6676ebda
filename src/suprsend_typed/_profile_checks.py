"""Format checks for profile channel values and language codes (rules the official SDK enforced to 0.12).

Each check returns ``None`` for an acceptable value, else a reason that names the value. The server stays
the judge: the profile builder reports a reason (or raises one in strict mode) but never rewrites a value.
"""

from __future__ import annotations

import re
from typing import TypeGuard

EMAIL_SHAPE = re.compile(r"\S+@\S+\.\S+")
EMAIL_MIN_LENGTH = 6
EMAIL_MAX_LENGTH = 127
# A leading "+", then the country code and number; only the start of the value is judged.
PHONE_START = re.compile(r"\+[0-9\s]+")
PHONE_MIN_LENGTH = 8

ANDROIDPUSH_PROVIDERS = frozenset({"fcm", "xiaomi", "oppo"})
IOSPUSH_PROVIDERS = frozenset({"apns"})
WEBPUSH_PROVIDERS = frozenset({"vapid"})

# ISO 639-1 two-letter language codes.
ISO_639_1_CODES = frozenset(
    """
    aa ab ae af ak am an ar as av ay az ba be bg bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee
    el en eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io
    is it iu ja jv ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn
    mr ms mt my na nb nd ne ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se
    sg si sk sl sm sn so sq sr ss st su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo
    wa wo xh yi yo za zh zu
    """.split()
)


def _is_text(value: object) -> TypeGuard[str]:
    return isinstance(value, str) and bool(value.strip())


def _not_text(value: object) -> str:
    return f"invalid value {value!r}: a non-empty string is required"


def email_problem(value: object) -> str | None:
    """An email needs the shape ``local@domain.tld`` and a plausible length."""
    if not _is_text(value):
        return _not_text(value)
    if not EMAIL_SHAPE.fullmatch(value):
        return f"invalid email {value!r}: expected the shape user@example.com"
    if not EMAIL_MIN_LENGTH <= len(value) <= EMAIL_MAX_LENGTH:
        return f"invalid email {value!r}: length must be {EMAIL_MIN_LENGTH} to {EMAIL_MAX_LENGTH} characters"
    return None


def phone_problem(value: object) -> str | None:
    """SMS and WhatsApp numbers start with ``+`` and the country code, e.g. ``+41446681800``."""
    if not _is_text(value):
        return _not_text(value)
    if not PHONE_START.match(value) or len(value) < PHONE_MIN_LENGTH:
        return (
            f"invalid phone number {value!r}: it must start with + and the country code "
            f"and have at least {PHONE_MIN_LENGTH} characters, e.g. +41446681800"
        )
    return None


def token_problem(value: object) -> str | None:
    """A push token is a non-empty string."""
    return None if _is_text(value) else _not_text(value)


def object_problem(value: object) -> str | None:
    """Web push subscriptions, Slack and MS Teams identities are non-empty objects."""
    if not isinstance(value, dict) or not value:
        return f"invalid value {value!r}: a non-empty dict is required"
    return None


def provider_problem(provider: object, allowed: frozenset[str]) -> str | None:
    """``None`` leaves the provider to the hub; anything else must be a known provider, in any case."""
    if provider is None or (isinstance(provider, str) and provider.lower() in allowed):
        return None
    return f"invalid provider {provider!r}: expected one of {', '.join(sorted(allowed))}"


def language_problem(code: object) -> str | None:
    """A preferred language is a two-letter ISO 639-1 code such as ``en``."""
    if isinstance(code, str) and code in ISO_639_1_CODES:
        return None
    return f"invalid language code {code!r}: expected a two-letter ISO 639-1 code such as 'en'"
