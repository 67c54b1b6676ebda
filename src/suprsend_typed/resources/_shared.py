"""How a Pattern-A answer is read, shared by the resources."""

from __future__ import annotations

from typing import Any

from .._errors import APIError, status_error
from .._http import Response


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
