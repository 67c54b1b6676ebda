"""Replay errors. Not ``APIError``s on purpose: a test must fail loudly, not get a "failed" result."""

from __future__ import annotations

from .._errors import SuprsendError


class CassetteError(SuprsendError):
    """A cassette cannot be read, or the replay transport cannot answer a request."""


class UnmatchedRequestError(CassetteError):
    """No recorded interaction matches a request; the message names the closest one and what differs."""

    def __init__(self, message: str, *, method: str, url: str) -> None:
        super().__init__(message)
        self.method = method
        self.url = url
