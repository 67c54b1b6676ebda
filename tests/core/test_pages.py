"""Walking list pages past the first one: cursor and offset styles, loops in the hub's answers, page caps.

The hub is the shared ``FakeTransport`` answering from the query of each request, so every test sees which
pages were asked for, in which order and with which parameters.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from urllib.parse import parse_qsl, urlsplit

import pytest

from suprsend_typed import PaginationLoopError, Suprsend, models
from suprsend_typed._generated.operations import LIST_MESSAGES
from suprsend_typed._http import Request, Response
from suprsend_typed.cli import exit_codes
from suprsend_typed.cli.main import main as cli_main

from .fakes import FakeTransport, reply
from .loopback import LoopbackServer, Reply

WORKSPACE = "WKEY-0123456789abcdef"
SECRET = "WS-SECRET-VALUE"
MAX_REQUESTS = 20


def _client(answer: Callable[[Request], Response]) -> tuple[Suprsend, FakeTransport]:
    transport = FakeTransport(answer=answer)
    return Suprsend(WORKSPACE, SECRET, transport=transport, max_retries=0), transport


def _query(request: Request) -> dict[str, str]:
    return dict(parse_qsl(urlsplit(request.url).query))


def _cursor_hub(pages: dict[str | None, tuple[list[str], str | None]]) -> Callable[[Request], Response]:
    """Messages by the ``after`` cursor asked: each entry is (message ids, next cursor or None)."""

    asked: list[object] = []

    def answer(request: Request) -> Response:
        asked.append(request)
        if len(asked) > MAX_REQUESTS:  # a walk that never ends fails here instead of hanging the run
            raise AssertionError(f"more than {MAX_REQUESTS} pages were asked for")
        ids, next_cursor = pages[_query(request).get("after")]
        meta = {"has_next": next_cursor is not None, "after": next_cursor, "before": "b-" + ids[0]}
        return reply(200, {"meta": meta, "results": [{"message_id": i} for i in ids]})

    return answer


THREE_PAGES = {None: (["m1", "m2"], "c1"), "c1": (["m3", "m4"], "c2"), "c2": (["m5"], None)}


def test_iterating_a_cursor_list_walks_every_page_in_order() -> None:
    client, transport = _client(_cursor_hub(THREE_PAGES))
    ids = [message.message_id for message in client.messages.list(limit=2)]
    assert ids == ["m1", "m2", "m3", "m4", "m5"]
    assert [_query(request).get("after") for request in transport.sent] == [None, "c1", "c2"]


def test_the_next_cursor_page_is_asked_with_after_and_keeps_the_other_parameters() -> None:
    client, transport = _client(_cursor_hub(THREE_PAGES))
    first = client.messages.list(limit=2, before="x0", channel="email")
    second = first.next_page()
    assert second is not None
    asked = _query(transport.sent[1])
    assert asked == {"limit": "2", "after": "c1", "channel": "email"}  # `before` of page 1 is not kept
    assert [m.message_id for m in second.items] == ["m3", "m4"]


def test_each_page_data_is_the_list_operation_response_model_and_reads_as_the_page_does() -> None:
    client, _ = _client(_cursor_hub(THREE_PAGES))
    response_model = getattr(models, LIST_MESSAGES.response_model or "")
    for page in client.messages.list(limit=2).iter_pages():
        assert type(page.data) is response_model
        assert page.data.results is not None and page.items == page.data.results
        assert page.data["meta"] == page["meta"] and page.data.get("results") == page.get("results")
        assert page.data.to_dict() == page.to_dict()


def test_has_next_page_is_true_until_the_last_page() -> None:
    client, _ = _client(_cursor_hub(THREE_PAGES))
    pages = list(client.messages.list(limit=2).iter_pages())
    assert [page.has_next_page() for page in pages] == [True, True, False]
    assert pages[-1].next_page() is None


def _offset_hub(count: int) -> Callable[[Request], Response]:
    """Tenants t0..t<count-1>, served by ``offset`` and ``limit``."""

    def answer(request: Request) -> Response:
        asked = _query(request)
        offset, limit = int(asked.get("offset", "0")), int(asked["limit"])
        results = [{"tenant_id": f"t{n}"} for n in range(offset, min(offset + limit, count))]
        return reply(200, {"meta": {"count": count, "limit": limit, "offset": offset}, "results": results})

    return answer


@pytest.mark.parametrize("count", [4, 5, 6])
def test_offset_pages_stop_exactly_at_the_count(count: int) -> None:
    client, transport = _client(_offset_hub(count))
    ids = [tenant.tenant_id for tenant in client.tenants.list(2)]
    assert ids == [f"t{n}" for n in range(count)]
    expected_offsets = [str(offset) for offset in range(0, count, 2)]
    assert [_query(request).get("offset") for request in transport.sent] == expected_offsets


def test_offset_has_next_page_at_the_boundary() -> None:
    client, _ = _client(_offset_hub(4))
    first = client.tenants.list(2)
    assert first.has_next_page()
    second = first.next_page()
    assert second is not None and not second.has_next_page()


def test_next_page_start_names_the_parameter_and_value_of_the_next_page() -> None:
    tenants, _ = _client(_offset_hub(5))
    by_offset = [page.next_page_start() for page in tenants.tenants.list(2).iter_pages()]
    assert by_offset == [("offset", "2"), ("offset", "4"), None]
    messages, _ = _client(_cursor_hub(THREE_PAGES))
    by_cursor = [page.next_page_start() for page in messages.messages.list(limit=2).iter_pages()]
    assert by_cursor == [("after", "c1"), ("after", "c2"), None]


@pytest.mark.parametrize(
    "pages",
    [
        {None: (["m1"], "c1"), "c1": (["m2"], "c1")},  # the same cursor again
        {None: (["m1"], "c1"), "c1": (["m2"], "c2"), "c2": (["m3"], "c3"), "c3": (["m4"], "c1")},  # a cycle
    ],
    ids=["repeated", "cycle"],
)
def test_a_hub_that_repeats_a_cursor_raises_instead_of_looping(
    pages: dict[str | None, tuple[list[str], str | None]],
) -> None:
    client, transport = _client(_cursor_hub(pages))
    seen: list[object] = []
    with pytest.raises(PaginationLoopError) as raised:
        for message in client.messages.list():
            seen.append(message.message_id)
    assert (raised.value.parameter, raised.value.position) == ("after", "c1")
    assert "after='c1'" in str(raised.value)
    assert seen == [ids[0] for ids, _ in pages.values()]  # every distinct page was read, once
    assert len(transport.sent) == len(pages)


def test_next_page_refuses_a_cursor_pointing_back_at_the_same_page() -> None:
    client, _ = _client(_cursor_hub({None: (["m1"], "c1"), "c1": (["m2"], "c1")}))
    second = client.messages.list().next_page()
    assert second is not None
    with pytest.raises(PaginationLoopError):
        second.next_page()


def test_max_pages_caps_a_walk_of_a_hub_that_never_ends() -> None:
    def answer(request: Request) -> Response:  # a new cursor on every page, forever
        if len(transport.sent) > MAX_REQUESTS:
            raise AssertionError(f"more than {MAX_REQUESTS} pages were asked for")
        after = _query(request).get("after") or "c0"
        following = "c" + str(int(after[1:]) + 1)
        meta = {"has_next": True, "after": following}
        return reply(200, {"meta": meta, "results": [{"message_id": "m" + after[1:]}]})

    client, transport = _client(answer)
    ids = [message.message_id for message in client.messages.list().iter_items(max_pages=3)]
    assert ids == ["m0", "m1", "m2"]
    assert len(transport.sent) == 3  # the page after the cap is never asked for
    assert len(list(client.messages.list().iter_pages(max_pages=1))) == 1


@pytest.mark.parametrize("bad", [0, -1, True, 1.5, "2"])
def test_max_pages_must_be_a_positive_int(bad: object) -> None:
    client, _ = _client(_cursor_hub(THREE_PAGES))
    with pytest.raises(ValueError, match="max_pages"):
        next(client.messages.list().iter_pages(max_pages=bad))  # type: ignore[arg-type]


def _cli_against(server: LoopbackServer, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SUPRSEND_API_KEY", "SUPRSEND_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("SUPRSEND_WORKSPACE_KEY", WORKSPACE)
    monkeypatch.setenv("SUPRSEND_WORKSPACE_SECRET", SECRET)
    monkeypatch.setenv("SUPRSEND_BASE_URL", server.base_url)


def test_the_command_line_all_option_stops_at_a_repeated_cursor(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``messages list --all`` against a hub cycling c1 -> c2 -> c1: the pages seen are printed, then a
    one-line error naming the cursor, and the command fails instead of running forever."""
    for ids, after in ((["m1"], "c1"), (["m2"], "c2"), (["m3"], "c1")):
        page = {"meta": {"has_next": True, "after": after}, "results": [{"message_id": i} for i in ids]}
        server.replies.append(Reply(status=200, body=json.dumps(page).encode()))
    _cli_against(server, monkeypatch)
    code = cli_main(["messages", "list", "--all"])
    out, err = capsys.readouterr()
    assert code == exit_codes.FAILED
    assert [json.loads(line)["message_id"] for line in out.splitlines()] == ["m1", "m2", "m3"]
    assert "after='c1'" in err and len(err.strip().splitlines()) == 1
    assert len(server.received) == 3


def test_the_command_line_max_pages_stops_a_hub_that_never_ends(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``--all --max-pages 3`` against a hub inventing a new cursor on every page: the three pages' items
    are printed, standard error says where the next page starts, and the cap is a success (exit 0)."""
    for n in range(1, MAX_REQUESTS):
        page = {"meta": {"has_next": True, "after": f"c{n}"}, "results": [{"message_id": f"m{n}"}]}
        server.replies.append(Reply(status=200, body=json.dumps(page).encode()))
    _cli_against(server, monkeypatch)
    code = cli_main(["messages", "list", "--all", "--max-pages", "3"])
    out, err = capsys.readouterr()
    assert code == exit_codes.OK
    assert [json.loads(line)["message_id"] for line in out.splitlines()] == ["m1", "m2", "m3"]
    assert len(server.received) == 3  # the page after the cap is never asked for
    (line,) = err.splitlines()
    assert "stopped after 3 page(s) (--max-pages)" in line and line.endswith("--query after=c3")


def test_the_command_line_max_pages_is_silent_when_the_pages_end_first(
    server: LoopbackServer, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for ids, after in ((["m1"], "c1"), (["m2"], None)):
        page = {
            "meta": {"has_next": after is not None, "after": after},
            "results": [{"message_id": i} for i in ids],
        }
        server.replies.append(Reply(status=200, body=json.dumps(page).encode()))
    _cli_against(server, monkeypatch)
    code = cli_main(["messages", "list", "--all", "--max-pages", "2"])
    out, err = capsys.readouterr()
    assert (code, err) == (exit_codes.OK, "")
    assert [json.loads(line)["message_id"] for line in out.splitlines()] == ["m1", "m2"]


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        (["--all", "--max-pages", "0"], "expected a positive whole number, got '0'"),
        (["--all", "--max-pages", "many"], "expected a positive whole number, got 'many'"),
        (["--max-pages", "2"], "--max-pages caps the pages of --all; add --all"),
    ],
)
def test_a_bad_max_pages_is_a_usage_error_before_anything_is_sent(
    server: LoopbackServer,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    arguments: list[str],
    said: str,
) -> None:
    _cli_against(server, monkeypatch)
    try:
        code = cli_main(["messages", "list", *arguments])
    except SystemExit as exited:  # argparse refuses a bad value itself
        code = exited.code  # type: ignore[assignment]
    assert code == exit_codes.USAGE
    assert said in capsys.readouterr().err
    assert server.received == []
