"""``SeedResult``: the seed surface's answer, typed and immutable, yet read exactly like the official dict.

The official SDK returns plain dicts (fact sheet §2.1): pattern T1 ``success, status, status_code, message``
and pattern T2, which adds ``raw_response``. ``SeedResult`` is a read-only ``Mapping`` over exactly those
keys, so ``r["success"]``, ``dict(r)``, ``r == {...}`` and ``print(r)`` behave as in the official README.
Both ways of reading are typed: ``r.status_code`` and ``r["status_code"]`` are ``int`` to mypy.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from typing import Any, Literal, overload

import attrs

from ._errors import APIConnectionError, SuprsendError, error_message, status_error
from ._http import Response, mask_credentials, mask_json
from ._types import UNSET, Unset

STATUS_SUCCESS = "success"
STATUS_FAIL = "fail"
# The status the official SDK reports when no response arrived at all.
TRANSPORT_FAILURE_STATUS_CODE = 500
_BASE_KEYS = ("success", "status", "status_code", "message")
_RAW_RESPONSE_KEY = "raw_response"


def _own_copy(value: Any) -> Any:
    """A private deep copy, so nothing the result was built from can change it later."""
    return value if value is UNSET else copy.deepcopy(value)


@attrs.frozen(kw_only=True, slots=True, eq=False, repr=False)
class SeedResult(Mapping[str, Any]):
    """Outcome of one seed call. ``raw_response`` is ``UNSET`` (and not a key) for pattern-T1 calls.

    Built by the ``from_*`` constructors, which mask registered credentials (a server may echo the
    ``Authorization`` header) in ``message`` and in every string of ``raw_response``.

    The parsed body is held privately and handed out as a fresh deep copy, so changing what a reader got
    never changes the result.
    """

    success: bool
    status: str
    status_code: int
    message: str | None
    _raw_response: Any | Unset = attrs.field(default=UNSET, alias="raw_response", converter=_own_copy)
    # What raise_for_status() raises: the typed error of a failure, not one of the official keys.
    _error: SuprsendError | None = attrs.field(default=None, alias="error")

    def raise_for_status(self) -> SeedResult:
        """Raise the typed error of a failed call (``AuthenticationError`` for a 401, ``APIConnectionError``
        when no answer came, ...); return this result when the call succeeded.

        Seed calls report failures as ``success=False`` results, as the official SDK does; this turns one
        into an exception, e.g. to stop at once on wrong credentials.
        """
        if self.success:
            return self
        if self._error is not None:
            raise self._error
        raise SuprsendError(self.message or self.status, status_code=self.status_code)

    @property
    def raw_response(self) -> Any | Unset:
        return _own_copy(self._raw_response)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict of the official keys (``raw_response`` deep-copied), ready for ``json.dumps``."""
        return dict(self.items())

    @classmethod
    def from_text_response(cls, response: Response) -> SeedResult:
        """Pattern T1: success iff 2xx; the message is the body text."""
        success = response.is_success
        return cls(
            success=success,
            status=STATUS_SUCCESS if success else STATUS_FAIL,
            status_code=response.status_code,
            message=mask_credentials(response.text),
            error=None if success else status_error(response),
        )

    @classmethod
    def from_json_response(cls, response: Response) -> SeedResult:
        """Pattern T2: the parsed body as ``raw_response``; ``message_id`` on success, the error otherwise.

        A body that is not JSON (an HTML 502 page) gives ``raw_response=None`` instead of an exception.
        """
        body = response.json_or_none()
        if response.is_success:
            message_id = body.get("message_id") if isinstance(body, dict) else None
            message = mask_credentials(message_id if isinstance(message_id, str) else response.text)
        else:
            message = error_message(response)
        return cls(
            success=response.is_success,
            status=STATUS_SUCCESS if response.is_success else STATUS_FAIL,
            status_code=response.status_code,
            message=message,
            raw_response=mask_json(body),
            error=None if response.is_success else status_error(response),
        )

    @classmethod
    def from_transport_error(cls, error: APIConnectionError, *, with_raw_response: bool) -> SeedResult:
        """No response: status 500 and the error's text, as the official SDK reports a network exception.

        The text is the bare message: the status code is already in ``status_code``.
        """
        return cls(
            success=False,
            status=STATUS_FAIL,
            status_code=TRANSPORT_FAILURE_STATUS_CODE,
            message=mask_credentials(error.message),
            raw_response=None if with_raw_response else UNSET,
            error=error,
        )

    def _keys(self) -> tuple[str, ...]:
        return _BASE_KEYS if self._raw_response is UNSET else (*_BASE_KEYS, _RAW_RESPONSE_KEY)

    # Each official key has its own type, so ``code: str = result["status_code"]`` is a mypy error; any
    # other key (a misspelt one included) is ``object``, which must be narrowed before use.
    @overload
    def __getitem__(self, key: Literal["success"]) -> bool: ...

    @overload
    def __getitem__(self, key: Literal["status"]) -> str: ...

    @overload
    def __getitem__(self, key: Literal["status_code"]) -> int: ...

    @overload
    def __getitem__(self, key: Literal["message"]) -> str | None: ...

    @overload
    def __getitem__(self, key: Literal["raw_response"]) -> Any: ...

    @overload
    def __getitem__(self, key: str) -> object: ...

    def __getitem__(self, key: str) -> object:
        if key not in self._keys():
            raise KeyError(key)
        return getattr(self, key)

    def __iter__(self) -> Iterator[str]:
        return iter(self._keys())

    def __len__(self) -> int:
        return len(self._keys())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Mapping):
            return NotImplemented
        return dict(self.items()) == dict(other.items())

    __hash__ = None  # type: ignore[assignment]  # equal to dicts, so unhashable like them

    def __repr__(self) -> str:
        return repr(dict(self.items()))

    __str__ = __repr__
