"""``StatusResult``: the official SDK's answer to DELETE-style calls, ``{"success": True, "status_code": n}``.

The official SDK does not read the body of these answers; neither do we. It is also the answer of calls
that the official SDK short-cuts without a request (an empty ``distinct_ids`` list gives
``{"success": True}``, with no ``status_code`` key).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import attrs

from ._errors import status_error
from ._http import Response


@attrs.frozen(kw_only=True, slots=True)
class StatusResult(Mapping[str, object]):
    """Read as the official dict (``r["success"]``, ``dict(r)``, ``r == {...}``) or typed
    (``r.status_code``)."""

    success: bool
    # None when nothing was sent; then the key is absent, as in the official answer.
    status_code: int | None = None

    def _as_dict(self) -> dict[str, object]:
        answer: dict[str, object] = {"success": self.success}
        if self.status_code is not None:
            answer["status_code"] = self.status_code
        return answer

    def __getitem__(self, key: str) -> object:
        return self._as_dict()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._as_dict())

    def __len__(self) -> int:
        return len(self._as_dict())

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return self._as_dict() == dict(other)
        return NotImplemented

    def __hash__(self) -> int:
        return hash((self.success, self.status_code))

    def to_dict(self) -> dict[str, object]:
        return self._as_dict()


def parse_status(response: Response) -> StatusResult:
    """A 2xx answer as ``StatusResult`` (the body is not read); an error status raises its APIStatusError."""
    if not response.is_success:
        raise status_error(response)
    return StatusResult(success=True, status_code=response.status_code)
