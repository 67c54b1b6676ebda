"""Small rules the resources share: when a retry is safe, and how a Pattern-A answer is read."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._errors import APIError, status_error
from .._http import Response

# Body keys that let the hub drop a duplicate, which is what makes a retry safe.
DEDUPE_KEYS = ("$idempotency_key", "$insert_id")


def has_dedupe_key(body: Mapping[str, object]) -> bool:
    """Whether the hub can de-duplicate this body, so that sending it twice delivers once."""
    return any(body.get(key) for key in DEDUPE_KEYS)


def json_or_raise(response: Response) -> Any:
    """Pattern A of the official SDK: the typed error on an error status, else the parsed JSON body."""
    if not response.is_success:
        raise status_error(response)
    try:
        return response.json()
    except ValueError:
        raise APIError(
            f"expected a JSON body, got {response.headers.get('Content-Type', 'no content type')}",
            status_code=response.status_code,
        ) from None
