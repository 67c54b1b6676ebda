"""pytest fixtures for testing code that uses suprsend-typed, with no account and no network.

The plugin is registered through the ``pytest11`` entry point, so installing suprsend-typed is enough.

``suprsend_sandbox``
    A local SuprSend-compatible hub on 127.0.0.1 and a client bound to it::

        def test_welcome(suprsend_sandbox):
            client = suprsend_sandbox.client
            request = WorkflowTriggerRequest({"workflow": "welcome", "recipients": ["u1"]})
            result = client.workflows.trigger(request)
            assert result["success"]
            assert suprsend_sandbox.hub.counts()["accepted"] == 1
            [record] = suprsend_sandbox.hub.records("workflow_trigger")
            assert record["body"]["workflow"] == "welcome"

    The hub verifies signatures, validates bodies and dedupes exactly as described in
    ``suprsend_typed.sandbox``; ``suprsend_sandbox.hub.faults`` injects failures. One hub serves the whole
    session and is reset before every test.

    For the test's duration the ``SUPRSEND_*`` variables the sandbox prints (``Sandbox.environment()``:
    ``SUPRSEND_BASE_URL``, ``SUPRSEND_WORKSPACE_KEY``, ``SUPRSEND_WORKSPACE_SECRET``, ``SUPRSEND_API_KEY``,
    ``SUPRSEND_WORKSPACE_UID``) name the sandbox (and are restored afterwards), so application code that
    builds its own ``Suprsend()`` from the environment, or runs ``suprsend-typed``, reaches the sandbox, never
    production.

    The state a test starts from comes from the ``suprsend_sandbox_seed`` fixture (no state by default);
    override it with a seed document (``suprsend_typed.sandbox.seed``), or call
    ``suprsend_sandbox.hub.seed({...})`` inside a test::

        @pytest.fixture
        def suprsend_sandbox_seed():
            return {"users": [{"distinct_id": "u1", "$email": ["ann@example.com"], "name": "Ann"}]}

``suprsend_replay``
    A ``ReplayTransport`` over the cassette ``tests/cassettes/<test file's path>/<test>.json`` (the path is
    the test file's under the rootdir, without ``.py``; the folder is the ini option
    ``suprsend_cassette_dir``). The mode comes from ``--suprsend-record-mode`` (``none`` by default,
    so CI never touches the network; ``once``, ``new_episodes`` and ``all`` record)::

        def test_trigger(suprsend_replay):
            client = suprsend_replay.client("ws-key", "ws-secret")  # any Suprsend option may follow
            result = client.workflows.trigger(WorkflowTriggerRequest({"workflow": "welcome", ...}))
            ...

    The fixture's value is the transport itself, so ``Suprsend(..., transport=suprsend_replay,
    id_factory=suprsend_replay.id_factory)`` is the same client. Take the ids from the cassette either way:
    ``id_factory`` gives the automatic ``$idempotency_key`` and ``$insert_id`` values the same in the run
    that records and the runs that replay (its seed is stored in the cassette); a client with its own random
    ids makes each workflow trigger differ from its recording. Matching ignores volatile values
    (``$insert_id``, ``$time``, ``Date``, ``Authorization``, user agents). Pass a fixed ``clock`` only when
    replaying, since a live hub refuses a stale ``Date``.

    Record with ``pytest --suprsend-record-mode=once``. Secrets are scrubbed before anything is written:
    ``Authorization`` values always, and every string listed by the ``suprsend_replay_config`` fixture's
    ``secrets`` (override that fixture to pass ``secrets``, ``match_on``, ``ignore_headers`` ...).
    A request that matches nothing fails the test, naming the closest recorded request and what differs.
    A test with no cassette yet fails with one line giving the command that records it; a recording run
    whose hub does not answer says how to record against the local sandbox instead.

``suprsend_async_sandbox`` and ``suprsend_async_replay``
    The same for ``AsyncSuprsend``. They are plain (sync) fixtures, so they work under pytest-asyncio,
    anyio or any other runner; the async client is opened and closed inside the test's own event loop::

        @pytest.mark.asyncio  # or @pytest.mark.anyio
        async def test_welcome(suprsend_async_sandbox):
            async with suprsend_async_sandbox.client() as client:
                result = await client.workflows.trigger(WorkflowTriggerRequest({...}))
            assert suprsend_async_sandbox.hub.counts()["accepted"] == 1

        async def test_trigger(suprsend_async_replay):
            async with suprsend_async_replay.client("ws-key", "ws-secret") as client:
                ...

    ``suprsend_async_sandbox.client(**options)`` is a method where ``suprsend_sandbox.client`` is a client:
    an async client is closed by awaiting ``aclose()``, which this plain fixture cannot do at teardown, so
    each test opens its own, inside its own loop. ``suprsend_async_sandbox`` is the ``suprsend_sandbox`` of
    the test (same hub, seed and environment);
    ``suprsend_async_replay`` is an ``AsyncReplayTransport`` over the same cassette path, mode and config.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import attrs
import pytest

from .replay.modes import RECORD_MODES

if TYPE_CHECKING:
    from ._async_client import AsyncSuprsend
    from ._client import Suprsend
    from .replay import AsyncReplayTransport, ReplayTransport
    from .sandbox import Sandbox

_DEFAULT_CASSETTE_DIR = "tests/cassettes"
# The port the recording hint suggests for a sandbox hub; any free port works.
_SANDBOX_RECORDING_PORT = 8025
_TRANSPORT = pytest.StashKey["ReplayTransport | AsyncReplayTransport"]()
_REPORTED = pytest.StashKey[bool]()


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("suprsend", "suprsend-typed record/replay")
    group.addoption(
        "--suprsend-record-mode",
        choices=RECORD_MODES,
        default="none",
        help="record mode of the suprsend_replay fixture (default: none, replay only)",
    )
    parser.addini(
        "suprsend_cassette_dir",
        default=_DEFAULT_CASSETTE_DIR,
        help="folder, relative to the rootdir, that holds suprsend_replay cassettes",
    )


@attrs.frozen(kw_only=True)
class SandboxFixture:
    """What ``suprsend_sandbox`` gives a test: the running hub and a client signed for it."""

    hub: Sandbox
    client: Suprsend

    @property
    def url(self) -> str:
        url: str = self.hub.url
        return url


@pytest.fixture(scope="session")
def _suprsend_sandbox_hub() -> Iterator[Sandbox]:
    from .sandbox import Sandbox

    with Sandbox() as hub:
        yield hub


@pytest.fixture
def suprsend_sandbox_seed() -> Mapping[str, Any] | None:
    """The state ``suprsend_sandbox`` starts each test from; override it to return a seed document."""
    return None


@pytest.fixture
def suprsend_sandbox(
    _suprsend_sandbox_hub: Sandbox, suprsend_sandbox_seed: Mapping[str, Any] | None
) -> Iterator[SandboxFixture]:
    """A running sandbox hub (reset and seeded for this test), a client bound to it, and the ``SUPRSEND_*``
    variables naming it for the test's duration."""
    from ._config import ENV_API_KEY, ENV_BASE_URL, ENV_WORKSPACE_KEY, ENV_WORKSPACE_SECRET, ENV_WORKSPACE_UID

    hub = _suprsend_sandbox_hub
    hub.reset()
    if suprsend_sandbox_seed is not None:
        hub.seed(suprsend_sandbox_seed)
    client = hub.client()
    variables = hub.environment()
    with pytest.MonkeyPatch.context() as environment:
        for name in (ENV_BASE_URL, ENV_WORKSPACE_KEY, ENV_WORKSPACE_SECRET, ENV_API_KEY, ENV_WORKSPACE_UID):
            if name in variables:
                environment.setenv(name, variables[name])
            else:
                environment.delenv(name, raising=False)
        try:
            yield SandboxFixture(hub=hub, client=client)
        finally:
            client.close()


@attrs.frozen(kw_only=True)
class AsyncSandboxFixture:
    """What ``suprsend_async_sandbox`` gives a test: the running hub and async clients signed for it."""

    hub: Sandbox

    @property
    def url(self) -> str:
        url: str = self.hub.url
        return url

    def client(self, **options: Any) -> AsyncSuprsend:
        """A new ``AsyncSuprsend`` bound to the hub; use it as ``async with`` inside the test."""
        from ._async_client import AsyncSuprsend

        credentials = self.hub.credentials
        return AsyncSuprsend(credentials.workspace_key, credentials.workspace_secret, self.url, **options)


@pytest.fixture
def suprsend_async_sandbox(suprsend_sandbox: SandboxFixture) -> AsyncSandboxFixture:
    """The test's sandbox hub (reset, seeded, named by ``SUPRSEND_*``) for async clients."""
    return AsyncSandboxFixture(hub=suprsend_sandbox.hub)


@pytest.fixture
def suprsend_replay_config() -> dict[str, Any]:
    """Keyword arguments for the ``suprsend_replay`` transport; override it to add secrets or matchers."""
    return {}


@pytest.fixture
def suprsend_replay(
    request: pytest.FixtureRequest, suprsend_replay_config: dict[str, Any]
) -> Iterator[ReplayTransport]:
    """A replay transport over this test's cassette; unmatched requests fail the test at teardown."""
    from .replay import ReplayTransport

    mode = request.config.getoption("--suprsend-record-mode")
    transport = ReplayTransport(cassette_path(request), mode=mode, **suprsend_replay_config)
    request.node.stash[_TRANSPORT] = transport
    try:
        yield transport
    finally:
        transport.close()
    _check_replay(request, transport)


@pytest.fixture
def suprsend_async_replay(
    request: pytest.FixtureRequest, suprsend_replay_config: dict[str, Any]
) -> Iterator[AsyncReplayTransport]:
    """An async replay transport over this test's cassette, checked at teardown as ``suprsend_replay``."""
    from .replay import AsyncReplayTransport

    mode = request.config.getoption("--suprsend-record-mode")
    transport = AsyncReplayTransport(cassette_path(request), mode=mode, **suprsend_replay_config)
    request.node.stash[_TRANSPORT] = transport
    yield transport
    _check_replay(request, transport)


def _check_replay(request: pytest.FixtureRequest, transport: ReplayTransport | AsyncReplayTransport) -> None:
    """Fail the test at teardown for a missing cassette or an unmatched request it did not report."""
    if request.node.stash.get(_REPORTED, False):
        return  # the test's own failure already said what went wrong and what to run
    hint = replay_hint(transport, request.node.nodeid, Path(str(request.config.rootpath)))
    if hint is not None:
        pytest.fail(hint, pytrace=False)
    if transport.unmatched:
        pytest.fail("\n".join(str(error) for error in transport.unmatched), pytrace=False)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A test that failed because of its cassette is reported by what to do, not a middleware traceback.

    With no cassette yet, the whole report is one line naming the command that records it; when recording
    could not reach the hub, the hint comes first and the test's own failure (often a bare ``assert``) after.
    """
    outcome: Any = yield
    transport = item.stash.get(_TRANSPORT, None)
    if transport is None or call.when != "call":
        return
    report: pytest.TestReport = outcome.get_result()
    if not report.failed:
        return
    hint = replay_hint(transport, item.nodeid, Path(str(item.config.rootpath)))
    if hint is None:
        # A test that failed on the unmatched request itself already shows its message: no second report.
        if call.excinfo is not None and call.excinfo.value in transport.unmatched:
            item.stash[_REPORTED] = True
        return
    item.stash[_REPORTED] = True
    if transport.unmatched and not transport.path.exists():
        report.longrepr = hint
    else:
        report.longrepr = f"{hint}\n\n{report.longrepr}"


def replay_hint(transport: ReplayTransport | AsyncReplayTransport, nodeid: str, rootdir: Path) -> str | None:
    """One line saying what to run when a test failed for want of a cassette or of a hub to record from."""
    if transport.unmatched and not transport.path.exists():
        return (
            f"suprsend_replay: no cassette {_shown(transport.path, rootdir)} yet; record it once with: "
            f"pytest --suprsend-record-mode=once '{nodeid}'"
        )
    if transport.recording_failures:
        url, error = transport.recording_failures[0]
        port = _SANDBOX_RECORDING_PORT
        return (
            f"suprsend_replay: could not record, {url} did not answer ({error.message}); to record without "
            f"an account, start the sandbox hub with your test client's credentials "
            f"(python -m suprsend_typed.sandbox --port {port} --workspace-key <key> --workspace-secret "
            f"<secret>) and run SUPRSEND_BASE_URL=http://127.0.0.1:{port}/ "
            f"pytest --suprsend-record-mode=once '{nodeid}'"
        )
    return None


def _shown(path: Path, rootdir: Path) -> str:
    try:
        return str(path.relative_to(rootdir))
    except ValueError:
        return str(path)


def cassette_path(request: pytest.FixtureRequest) -> Path:
    """``<rootdir>/<suprsend_cassette_dir>/<test file's path under the rootdir, no .py>/<test>.json``.

    The folders of the test file are kept, so ``tests/a/test_x.py`` and ``tests/b/test_x.py`` never share a
    cassette; unsafe characters of the test's name (parameters) become ``_``.
    """
    rootdir = Path(str(request.config.rootpath))
    folder = rootdir / str(request.config.getini("suprsend_cassette_dir"))
    test_file: Path = request.node.path
    try:
        module = test_file.relative_to(rootdir).with_suffix("")
    except ValueError:  # a test file outside the rootdir: its name alone
        module = Path(test_file.stem)
    test = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.name).strip("_")
    return folder / module / f"{test}.json"
