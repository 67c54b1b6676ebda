"""The base of the exception hierarchy, below ``_http``: a bad ``Timeout`` raises ``SuprsendConfigError``,
and ``_errors`` (which reads responses) re-exports both classes, so neither module imports the other."""

from __future__ import annotations

# The official SDK's exceptions report 500 unless a response gave another status; so do ours.
DEFAULT_ERROR_STATUS = 500


class SuprsendError(Exception):
    """Base of every error this SDK raises. ``str()`` is ``[code: N] message`` as in the official SDK."""

    status_code: int = DEFAULT_ERROR_STATUS

    def __init__(self, message: str = "", *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        if status_code is not None:
            self.status_code = status_code

    def __str__(self) -> str:
        return f"[code: {self.status_code}] {self.message}"


class SuprsendConfigError(SuprsendError):
    """Missing or invalid credentials, base URL or client option.

    Nothing was sent, so ``str()`` is the message alone: no ``[code: 500]`` pointing at a server problem.
    """

    def __str__(self) -> str:
        return self.message
