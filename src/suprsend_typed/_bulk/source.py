"""The caller's record source: read so that its failure stops reading but loses none of the records read.

A generator that raises halfway must not take the records it already gave with it: they are sent and
counted like any others, and only then does the failure reach the caller, as ``BulkSourceError`` carrying
what happened to them (resending the whole source would duplicate them under fresh ``$insert_id``s).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Generic, TypeVar

from .._errors import SuprsendError
from .response import AnyBulkResponse

T = TypeVar("T")


class BulkSourceError(SuprsendError):
    """The record source raised (the original exception is ``__cause__``) after some records were read.

    ``response`` accounts for exactly the records read before the failure, all of them sent: resume the
    source after them rather than sending everything again.
    """

    def __init__(self, response: AnyBulkResponse, cause: Exception) -> None:
        super().__init__(
            f"the record source raised {type(cause).__name__}: {cause}; "
            f"the {response.total} records read before it were sent: {response}"
        )
        self.response = response


class GuardedSource(Generic[T]):
    """Yields the source's items and ends quietly when the source raises (``error`` keeps the exception)
    or once ``stop()`` was called, without reading another item."""

    __slots__ = ("_source", "error", "_stopped", "on_interrupt")

    def __init__(self, source: Iterable[T]) -> None:
        self._source = source
        self.error: Exception | None = None
        self._stopped = False
        # Ctrl-C while the source computes its next item: told here, and the source then ends quietly, so
        # that the items read before are accounted for (as not sent) rather than lost with the exception.
        self.on_interrupt: Callable[[KeyboardInterrupt], None] | None = None

    def stop(self) -> None:
        self._stopped = True

    def __iter__(self) -> Iterator[T]:
        items = iter(self._source)
        while not self._stopped:
            try:
                item = next(items)
            except StopIteration:
                return
            except Exception as exc:  # re-raised as BulkSourceError once the records read are sent
                self.error = exc
                return
            except KeyboardInterrupt as interrupt:
                if self.on_interrupt is None:
                    raise
                self.on_interrupt(interrupt)
                return
            yield item

    def raise_if_failed(self, response: AnyBulkResponse) -> None:
        """Raise ``BulkSourceError`` with ``response`` when the source failed."""
        if self.error is not None:
            raise BulkSourceError(response, self.error) from self.error
