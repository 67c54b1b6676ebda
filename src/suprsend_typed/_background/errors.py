"""The errors of a background sender: a full queue, a stopped or closed sender, a shared outbox, a fork."""

from __future__ import annotations

from .._errors import SuprsendError


class QueueFullError(SuprsendError):
    """The sender's queue stayed full for the whole ``block_timeout``: the hub cannot keep up (or is not
    answering). The record was not queued; the call may be repeated."""

    status_code = 503


class SenderStoppedError(SuprsendError):
    """The sender stopped on an error it cannot get past on its own (a 401 or 403, a closed client, an
    unexpected failure of its thread); ``__cause__`` is that error. Every call after it raises this.

    Nothing queued is lost in durable mode: the records stay in the outbox, and a new sender (with the
    right credentials) sends them under the same keys.
    """


class SenderClosedError(SuprsendError, RuntimeError):
    """A call on a sender after ``close()``."""

    status_code = 400


class OutboxLockedError(SuprsendError):
    """Another sender (in this or another process) has the outbox file open: one outbox has one sender, so
    that a record is sent by one sender only. Give each process its own file (see the README)."""

    status_code = 409


class ForkedSenderError(SuprsendError, RuntimeError):
    """A sender used in a process forked after it was made: its queue and thread belong to the parent.
    Make a new sender in the child (``client.background(...)``)."""

    status_code = 400
