"""PlainHeadResponse reads an answer as ``http.client.HTTPResponse`` does: the same header message, the
same body framing (chunked, length, close), the same errors, for plain heads and for every other kind."""

from __future__ import annotations

import http.client
import io
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from suprsend_typed._plain_head_response import (
    MAX_HEAD_LINE_BYTES,
    MAX_HEAD_LINES,
    PlainHeadResponse,
    head_lines,
    head_message,
)


class _Socket:
    """What ``HTTPResponse`` needs of a socket: ``makefile`` over the whole answer."""

    def __init__(self, data: bytes) -> None:
        self._data = data

    def makefile(self, mode: str) -> io.BytesIO:
        return io.BytesIO(self._data)


def _message_facts(message: http.client.HTTPMessage) -> tuple[object, ...]:
    return (
        message.items(),
        [type(defect) for defect in message.defects],
        message.get_payload(),
        message.is_multipart(),
    )


def _ours(head: bytes) -> http.client.HTTPMessage:
    return head_message(head_lines(io.BytesIO(head)))


def _standard(head: bytes) -> http.client.HTTPMessage:
    return http.client.parse_headers(io.BytesIO(head))


_PLAIN_NAME = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters=":"),
    min_size=1,
    max_size=12,
)
# Values of every kind the parser might treat apart: blanks around, characters str.splitlines breaks at,
# Latin-1 bytes, colons.
_VALUE = st.text(
    alphabet=st.sampled_from([*"aZ09 :;\t-_/=,.", "\x0b", "\x0c", "\x1c", "\x85", "\xe9", "\r"]), max_size=16
)
_LINE = st.one_of(
    st.builds(lambda name, value: f"{name}: {value}\r\n", _PLAIN_NAME, _VALUE),
    st.builds(lambda name, value: f"{name}:{value}\n", _PLAIN_NAME, _VALUE),
    st.builds(lambda value: f" {value}\r\n", _VALUE),  # a folded continuation line
    st.builds(lambda value: f"no colon {value}\r\n", _VALUE),
    st.builds(lambda value: f"Two Words: {value}\r\n", _VALUE),
    st.builds(lambda value: f"From {value}\r\n", _VALUE),
    st.just(":starts with a colon\r\n"),
)


@given(lines=st.lists(_LINE, max_size=8), end=st.sampled_from(["\r\n", "\n", ""]))
def test_a_head_reads_as_the_standard_library_reads_it(lines: list[str], end: str) -> None:
    head = "".join([*lines, end]).encode("iso-8859-1")
    assert _message_facts(_ours(head)) == _message_facts(_standard(head))


def test_a_plain_head_keeps_names_as_written_values_without_leading_blanks_and_repeats() -> None:
    head = b"Content-Type: application/json\r\nX-Thing:\t a \r\nx-thing: b\r\nEmpty:\r\n\r\n"
    message = _ours(head)
    assert message.items() == [
        ("Content-Type", "application/json"),
        ("X-Thing", "a "),
        ("x-thing", "b"),
        ("Empty", ""),
    ]
    assert message.get_all("x-thing") == ["a ", "b"]
    assert _message_facts(message) == _message_facts(_standard(head))


@pytest.mark.parametrize(
    "content_type",
    ["multipart/mixed; boundary=abc", "multipart/mixed", "message/rfc822", "message/delivery-status"],
)
def test_a_content_type_whose_body_the_parser_reads_gives_the_parsers_message(content_type: str) -> None:
    head = f"Content-Type: {content_type}\r\nContent-Length: 0\r\n\r\n".encode()

    def facts(message: http.client.HTTPMessage) -> tuple[object, ...]:
        items, defects, payload, multipart = _message_facts(message)
        if isinstance(payload, list):  # sub-messages: compared by what they hold
            payload = [_message_facts(part) for part in payload]
        return items, defects, payload, multipart

    assert facts(_ours(head)) == facts(_standard(head))


@pytest.mark.parametrize(
    "head",
    [
        b"X: " + b"a" * MAX_HEAD_LINE_BYTES + b"\r\n\r\n",
        b"".join(b"X-%d: v\r\n" % n for n in range(MAX_HEAD_LINES)) + b"\r\n",
        b"".join(b"X-%d: v\r\n" % n for n in range(MAX_HEAD_LINES - 1)) + b"\r\n",
    ],
    ids=["line too long", "too many lines", "just under the line count"],
)
def test_the_head_limits_are_the_standard_librarys(head: bytes) -> None:
    try:
        expected: Any = _message_facts(_standard(head))
    except http.client.HTTPException as exc:
        expected = (type(exc), str(exc))
    try:
        got: Any = _message_facts(_ours(head))
    except http.client.HTTPException as exc:
        got = (type(exc), str(exc))
    assert got == expected


_ANSWERS = {
    "length": b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello",
    "chunked": b"HTTP/1.1 207 Multi-Status\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
    "chunked in capitals": b"HTTP/1.1 200 OK\r\nTransfer-Encoding: CHUNKED\r\n\r\n2\r\nhi\r\n0\r\n\r\n",
    "close": b"HTTP/1.1 500 Oops\r\nConnection: close\r\nContent-Length: 2\r\n\r\nno",
    "no length": b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nuntil the end",
    "bad length": b"HTTP/1.1 200 OK\r\nContent-Length: five\r\n\r\nhello",
    "negative length": b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\nhello",
    "http 1.0": b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nok",
    "http 1.0 keep-alive": b"HTTP/1.0 200 OK\r\nKeep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok",
    "continue first": (
        b"HTTP/1.1 100 Continue\r\nX-Interim: 1\r\n\r\nHTTP/1.1 202 Accepted\r\nContent-Length: 2\r\n\r\n{}"
    ),
    "no content": b"HTTP/1.1 204 No Content\r\nContent-Length: 9\r\n\r\n",
    "not modified": b"HTTP/1.1 304 Not Modified\r\n\r\n",
    "folded header": b"HTTP/1.1 200 OK\r\nX-Long: a\r\n b\r\nContent-Length: 2\r\n\r\nok",
    "reason with blanks": b"HTTP/1.1 429  Too Many Requests \r\nRetry-After: 3\r\nContent-Length: 0\r\n\r\n",
}


@pytest.mark.parametrize("method", ["POST", "HEAD"])
@pytest.mark.parametrize("answer", sorted(_ANSWERS))
def test_an_answer_is_framed_as_the_standard_library_frames_it(answer: str, method: str) -> None:
    data = _ANSWERS[answer]
    standard = http.client.HTTPResponse(_Socket(data), method=method)  # type: ignore[arg-type]
    ours = PlainHeadResponse(_Socket(data), method=method)  # type: ignore[arg-type]
    standard.begin()
    ours.begin()
    for name in ("status", "reason", "version", "chunked", "chunk_left", "will_close", "length"):
        assert getattr(ours, name) == getattr(standard, name), name
    assert _message_facts(ours.msg) == _message_facts(standard.msg)
    assert ours.headers is ours.msg
    assert ours.read() == standard.read()
    ours.begin()  # a second begin reads nothing more
    assert ours.status == standard.status


@pytest.mark.parametrize("status_line", [b"HTTP/2.0 200 OK\r\n", b"ICY 200 OK\r\n", b"\r\n"])
def test_a_bad_status_line_raises_as_the_standard_library_does(status_line: bytes) -> None:
    data = status_line + b"Content-Length: 0\r\n\r\n"
    with pytest.raises(http.client.HTTPException) as standard:
        http.client.HTTPResponse(_Socket(data)).begin()  # type: ignore[arg-type]
    with pytest.raises(http.client.HTTPException) as ours:
        PlainHeadResponse(_Socket(data)).begin()  # type: ignore[arg-type]
    assert (type(ours.value), str(ours.value)) == (type(standard.value), str(standard.value))
