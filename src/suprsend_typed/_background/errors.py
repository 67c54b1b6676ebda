"""The errors of a background sender: a full queue, a stopped or closed sender, a shared outbox, a fork.

They are raised by the sender itself, never read from an answer of the hub, so ``str()`` is the message
alone, with no ``[code: N]`` (as for ``SuprsendConfigError``); ``status_code`` keeps the SDK's default
for errors without an answer. A ``SenderStoppedError`` names the hub's error that stopped it (its
``__cause__``), with that error's code.
"""

from __future__ import annotations

from .._errors import SuprsendError


class BackgroundSenderError(SuprsendError):
    """Base of the background sender's errors: nothing was sent by the call that raised it."""

    def __str__(self) -> str:
        return self.message


class QueueFullError(BackgroundSenderError):
    """The sender's queue stayed full for the whole ``block_timeout``: the hub cannot keep up (or is not
    answering). The record was not queued; the call may be repeated."""


class SenderStoppedError(BackgroundSenderError):
    """The sender stopped on an error it cannot get past on its own (a 401 or 403, a closed client, an
    unexpected failure of its thread); ``__cause__`` is that error. Every call after it raises this.

    Nothing queued is lost in durable mode: the records stay in the outbox, and a new sender (with the
    right credentials) sends them under the same keys.
    """


class SenderClosedError(BackgroundSenderError, RuntimeError):
    """A call that queues or flushes on a sender after ``close()``; ``stats()`` and ``dead_letters()``
    still answer."""


class OutboxLockedError(BackgroundSenderError):
    """Another sender (in this or another process) has the outbox file open: one outbox has one sender, so
    that a record is sent by one sender only. Give each process its own file (see the README)."""


class ForkedSenderError(BackgroundSenderError, RuntimeError):
    """A sender used in a process forked after it was made: its queue and thread belong to the parent.
    Make a new sender in the child (``client.background(...)``)."""
