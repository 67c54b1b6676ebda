"""``AsyncSuprsend.background()``: the async client's ``BackgroundSender``, sending from its thread through
the sync chain ``_thread_chain`` builds from the client's configuration, and closing that chain's transport
when it closes."""

from __future__ import annotations

import os

from ._background.errors import ForkedSenderError
from ._background.sender import BackgroundSender, SenderOptions
from ._base_client import OpenFlag, RequestCore
from ._http import Timeout
from ._thread_chain import ThreadChainSettings, thread_core
from ._urllib3_transport import Urllib3Transport


class AsyncClientSender(BackgroundSender):
    """A ``BackgroundSender`` that owns its transport: closing the sender (``close()``, ``with``, the
    async client's ``aclose()``, interpreter exit) closes the transport too."""

    def __init__(
        self,
        transport: Urllib3Transport,
        core: RequestCore,
        outbox: str | os.PathLike[str] | None,
        options: SenderOptions,
    ) -> None:
        # Named apart from BackgroundSender's own attributes; the core is kept for inspection only.
        self._thread_transport = transport
        self._thread_core = core
        try:
            super().__init__(core, outbox, options)
        except BaseException:  # a locked outbox: no sender, so nothing uses the transport
            transport.close()
            raise

    def close(self, timeout: float | None = None) -> bool:
        forked = False
        try:
            return super().close(timeout)
        except ForkedSenderError:  # the parent's sender and connections: the parent closes them
            forked = True
            raise
        finally:
            if not forked:
                self._thread_transport.close()


def background_sender(
    settings: ThreadChainSettings,
    *,
    timeout: Timeout,
    max_retries: int,
    open_flags: tuple[OpenFlag, ...],
    outbox: str | os.PathLike[str] | None,
    options: SenderOptions,
) -> AsyncClientSender:
    """A sender over a new sync chain with the client's settings, ``timeout`` and ``max_retries`` (those
    of a ``with_options`` copy when made from one), which stops sending once the client is closed."""
    core, transport = thread_core(settings, timeout=timeout, max_retries=max_retries, open_flags=open_flags)
    return AsyncClientSender(transport, core, outbox, options)
