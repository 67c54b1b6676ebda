"""An ``http.client.HTTPResponse`` that reads a plain answer head without the e-mail parser.

``http.client`` hands every answer's header lines to ``email.parser``, which builds a feed parser, splits
and re-joins the text and runs a policy per header: about a tenth of the client's CPU for a bulk chunk's
round trip on loopback. When every header line is a plain ``Name: value`` line (the hub's answers always
are), this class stores the same (name, value) pairs the parser would; any other head (folded lines, a
line without a colon, a stray carriage return) goes through ``email.parser`` exactly as
``http.client.parse_headers`` sends it, so the message is the same either way. ``http.client`` offers no
hook for the head alone, so ``begin`` is written out here, with the standard library's rules for the
status line, interim 100 answers, chunked bodies, the body's length and whether the connection closes.

The class also bounds every ``recv`` of its answer (the head, chunk-size lines and the body) by the
attempt's deadline, which the transport sets in ``ATTEMPT_DEADLINE``: reads inside urllib3 and
``http.client`` would otherwise wait the read timeout per ``recv``, however long the answer takes in all.
"""

from __future__ import annotations

import contextvars
import email.parser
import http.client
import io
import re
import socket
from http import HTTPStatus
from typing import Any

from ._response_limits import Deadline

# The standard library's limits for an answer head (``http.client._MAXLINE`` and ``_MAXHEADERS``).
MAX_HEAD_LINE_BYTES = 65536
MAX_HEAD_LINES = 100
_BLANK_LINES = (b"\r\n", b"\n")
_END_OF_HEAD = (*_BLANK_LINES, b"")
# A line ``email.parser`` reads as one header and nothing else: a name of printable characters other than
# the colon, the colon, the value after any blanks, one line end. It stores the name as written and the
# value without its leading blanks and line end, as this pattern's two groups hold them. The value holds
# none of the characters ``str.splitlines`` (which the parser splits its input with) ends a line at.
_PLAIN_HEADER_LINE = re.compile(r"([!-9;-~]+):[ \t]*([^\r\n\x0b\x0c\x1c\x1d\x1e\x85]*)\r?\n")
# Content types whose body email.parser parses (sub-messages, multipart boundaries and their defects).
_PARSED_BODY_MAINTYPES = ("multipart", "message")
# Answers whose body is empty whatever the head says.
_NO_BODY_STATUSES = (HTTPStatus.NO_CONTENT, HTTPStatus.NOT_MODIFIED)


# The deadline of the attempt this thread is sending (set by the transport around a request): every read of
# its answer, the head and chunk-size lines read inside urllib3 included, waits at most the time left.
ATTEMPT_DEADLINE: contextvars.ContextVar[Deadline | None] = contextvars.ContextVar(
    "suprsend_attempt_deadline", default=None
)


class _DeadlineReader(io.RawIOBase):
    """A socket's reader whose every ``recv`` waits at most the deadline's time left (and the read timeout):
    a line read byte by byte, each byte in time, still ends at the deadline."""

    def __init__(self, raw: Any, sock: socket.socket, deadline: Deadline) -> None:
        super().__init__()
        self._raw = raw
        self._sock = sock
        self._deadline = deadline
        self._read_timeout = self._wait = sock.gettimeout()

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        left = self._deadline.remaining()
        if left is not None:
            if left <= 0:
                raise TimeoutError("timed out: the attempt's deadline passed")
            # The read timeout, or the time left when it is shorter (one clock read per recv).
            read_timeout = self._read_timeout
            wait = read_timeout if read_timeout is not None and read_timeout <= left else left
            if wait != self._wait:
                self._sock.settimeout(wait)
                self._wait = wait
        result: int | None = self._raw.readinto(buffer)
        return result

    def fileno(self) -> int:
        result: int = self._raw.fileno()
        return result

    def close(self) -> None:
        if not self.closed:
            self._raw.close()
        super().close()


def head_lines(fp: Any) -> list[bytes]:
    """The lines of an answer head, the blank line (or end of input) that ends it included, under the
    standard library's limits and raising as ``http.client`` does past them."""
    lines: list[bytes] = []
    while True:
        line = fp.readline(MAX_HEAD_LINE_BYTES + 1)
        if len(line) > MAX_HEAD_LINE_BYTES:
            raise http.client.LineTooLong("header line")
        lines.append(line)
        if len(lines) > MAX_HEAD_LINES:
            raise http.client.HTTPException(f"got more than {MAX_HEAD_LINES} headers")
        if line in _END_OF_HEAD:
            return lines


def head_message(lines: list[bytes]) -> http.client.HTTPMessage:
    """The ``HTTPMessage`` ``http.client.parse_headers`` makes of these lines (``head_lines``'s)."""
    if lines[-1] not in _BLANK_LINES:
        return _parsed(lines)
    pairs: list[tuple[str, str]] = []
    for raw in lines[:-1]:
        plain = _PLAIN_HEADER_LINE.fullmatch(raw.decode("iso-8859-1"))
        if plain is None:
            return _parsed(lines)
        pairs.append((plain[1], plain[2]))
    message = http.client.HTTPMessage()
    for name, value in pairs:
        message.set_raw(name, value)
    message.set_payload("")  # the parser's body of a head: the nothing after its blank line
    if message.get_content_maintype() in _PARSED_BODY_MAINTYPES:  # the parser reads their (empty) body
        return _parsed(lines)
    return message


def _parsed(lines: list[bytes]) -> http.client.HTTPMessage:
    """What ``http.client.parse_headers`` makes of the lines: ``email.parser`` over their text."""
    text = b"".join(lines).decode("iso-8859-1")
    message: http.client.HTTPMessage = email.parser.Parser(_class=http.client.HTTPMessage).parsestr(text)
    return message


class PlainHeadResponse(http.client.HTTPResponse):
    """``http.client.HTTPResponse`` with ``begin`` reading the head through ``head_message``; made while
    ``ATTEMPT_DEADLINE`` is set, its reads wait no longer than that deadline."""

    def __init__(self, sock: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        deadline = ATTEMPT_DEADLINE.get()
        if deadline is not None and deadline.total is not None and isinstance(self.fp, io.BufferedReader):
            self.fp = io.BufferedReader(_DeadlineReader(self.fp.detach(), sock, deadline))

    def begin(self) -> None:
        if self.headers is not None:  # the head was read already
            return
        while True:
            version, status, reason = self._read_status()
            if status != HTTPStatus.CONTINUE:
                break
            head_lines(self.fp)  # an interim 100 answer: its head is skipped
        self.code = self.status = status
        self.reason = reason.strip()
        if version in ("HTTP/1.0", "HTTP/0.9"):
            self.version = 10
        elif version.startswith("HTTP/1."):
            self.version = 11  # HTTP/1.x with x >= 1 is read as 1.1
        else:
            raise http.client.UnknownProtocol(version)
        self.headers = self.msg = head_message(head_lines(self.fp))

        encoding = self.headers.get("transfer-encoding")
        self.chunked = bool(encoding) and encoding.lower() == "chunked"
        if self.chunked:
            self.chunk_left = None
        self.will_close = self._check_close()
        # Content-Length counts only without chunked transfer; a value that is no length is ignored.
        self.length = None
        length = self.headers.get("content-length")
        if length and not self.chunked:
            try:
                self.length = int(length)
            except ValueError:
                self.length = None
            else:
                if self.length < 0:
                    self.length = None
        if status in _NO_BODY_STATUSES or 100 <= status < 200 or self._method == "HEAD":
            self.length = 0
        # A connection kept open needs a way to tell where the body ends; without one it closes.
        if not self.will_close and not self.chunked and self.length is None:
            self.will_close = True
