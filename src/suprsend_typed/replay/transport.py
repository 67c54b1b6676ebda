"""ReplayTransport: a transport that answers from a cassette and records through an inner transport."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .._errors import APIConnectionError
from .._http import Request, Response, Timeout
from .._transport import Transport, close_transport
from .cassette import Interaction, RecordedRequest, RecordedResponse, read_cassette, save_cassette
from .errors import UnmatchedRequestError
from .ids import CassetteIds, new_seed
from .matching import DEFAULT_MATCH_ON, VOLATILE_BODY_KEYS, VOLATILE_HEADERS, Matcher, Matching
from .modes import RECORD_MODES, RecordMode
from .scrub import DEFAULT_FILTER_HEADERS, Scrubber

if TYPE_CHECKING:
    from .._client import Suprsend

FRESH_ID_KEY = "$idempotency_key"
FRESH_ID_HINT = (
    "a client makes a fresh $idempotency_key per trigger unless it takes its ids from the cassette: "
    "pass id_factory=<transport>.id_factory, or build it with <transport>.client(...)"
)

BeforeRecord = Callable[[Interaction], "Interaction | None"]
"""Called with each (already scrubbed) interaction before it is stored; return None to drop it."""


InnerT = TypeVar("InnerT")


class CassettePlayer(Generic[InnerT]):
    """The cassette side of a replay transport, shared by the sync and the async one: matching, playing,
    scrubbing and recording interactions. Only sending a request to the ``inner`` transport differs."""

    def __init__(
        self,
        cassette: str | Path,
        mode: RecordMode = "once",
        inner: InnerT | None = None,
        *,
        match_on: Sequence[str | Matcher] = DEFAULT_MATCH_ON,
        ignore_body_keys: Iterable[str] = VOLATILE_BODY_KEYS,
        ignore_headers: Iterable[str] = VOLATILE_HEADERS,
        secrets: Iterable[str] = (),
        filter_headers: Iterable[str] = DEFAULT_FILTER_HEADERS,
        before_record: BeforeRecord | None = None,
        allow_playback_repeats: bool = False,
    ) -> None:
        if mode not in RECORD_MODES:
            raise ValueError(f"mode must be one of {RECORD_MODES}, got {mode!r}")
        self.path = Path(cassette)
        self.mode: RecordMode = mode
        self._inner = inner
        self._matching = Matching(match_on, ignore_body_keys=ignore_body_keys, ignore_headers=ignore_headers)
        self._scrubber = Scrubber(secrets=secrets, filter_headers=filter_headers)
        self._before_record = before_record
        self._allow_playback_repeats = allow_playback_repeats
        self._lock = threading.Lock()
        existed = self.path.exists()
        contents = read_cassette(self.path) if existed and mode != "all" else None
        self._interactions: list[Interaction] = list(contents.interactions) if contents else []
        self._id_seed = (contents.id_seed if contents else None) or new_seed()
        self.id_factory = CassetteIds(self._id_seed)
        """Stable uuid-shaped ids for ``Suprsend(..., id_factory=...)``: the same in recording and replay."""
        self._played = [False] * len(self._interactions)
        self._recording = mode in ("new_episodes", "all") or (mode == "once" and not existed)
        self._replaying = mode != "all"
        self.unmatched: list[UnmatchedRequestError] = []
        """Every request that matched nothing while recording was off (also raised at the time)."""
        self.recording_failures: list[tuple[str, APIConnectionError]] = []
        """``(url, error)`` of every request that could not be recorded: the hub did not answer."""

    @property
    def interactions(self) -> tuple[Interaction, ...]:
        with self._lock:
            return tuple(self._interactions)

    @property
    def play_count(self) -> int:
        with self._lock:
            return sum(self._played)

    def _play(self, request: Request) -> tuple[RecordedRequest, Response | None]:
        """The request as recorded, and its recorded answer when one matches (``None``: record it now);
        ``UnmatchedRequestError`` when nothing matches and recording is off."""
        live = RecordedRequest.from_request(request)
        with self._lock:
            self._learn(live)
            scrubbed = self._scrubber.request(live)
            if self._replaying:
                index = self._find(scrubbed)
                if index is not None:
                    self._played[index] = True
                    return live, self._interactions[index].response.to_response()
            if not self._recording:
                error = self._unmatched(scrubbed)
                self.unmatched.append(error)
                raise error
        return live, None

    def _not_recorded(self, request: Request, error: APIConnectionError) -> None:
        with self._lock:
            self.recording_failures.append((request.url, error))

    def _record(self, interaction: Interaction) -> None:
        with self._lock:
            self._learn(interaction.request)
            kept: Interaction | None = self._scrubber.interaction(interaction)
            if self._before_record is not None and kept is not None:
                kept = self._before_record(kept)
                kept = None if kept is None else self._scrubber.interaction(kept)
            if kept is None:
                return
            self._interactions.append(kept)
            # Recorded in this run means already played: a second equal request must not replay it.
            self._played.append(True)
            save_cassette(self.path, self._interactions, id_seed=self._id_seed)

    def _learn(self, request: RecordedRequest) -> None:
        """Learn the request's credentials; one seen only now may sit in interactions stored already."""
        if self._scrubber.learn(request) and self._recording and self._interactions:
            self._interactions = [self._scrubber.interaction(i) for i in self._interactions]
            save_cassette(self.path, self._interactions, id_seed=self._id_seed)

    def _find(self, request: RecordedRequest) -> int | None:
        repeat: int | None = None
        for index, interaction in enumerate(self._interactions):
            if self._matching.differences(interaction.request, request):
                continue
            if not self._played[index]:
                return index
            if repeat is None and self._allow_playback_repeats:
                repeat = index
        return repeat

    def _unmatched(self, request: RecordedRequest) -> UnmatchedRequestError:
        where = f"{request.method} {request.url}"
        head = f"no recorded interaction in {self.path} (mode {self.mode!r}) matches {where}"
        if not self._interactions:
            return UnmatchedRequestError(
                f"{head}; the cassette is empty", method=request.method, url=request.url
            )
        ranked = sorted(
            (
                (self._matching.distance(item.request, request), self._played[index], index)
                for index, item in enumerate(self._interactions)
            )
        )
        _, played, closest = ranked[0]
        recorded = self._interactions[closest].request
        differences = self._matching.differences(recorded, request)
        detail = "; ".join(differences) if differences else "it matches but was already played"
        if played and differences:
            detail += " (and it was already played)"
        if any(FRESH_ID_KEY in difference for difference in differences):
            detail += f" ({FRESH_ID_HINT})"
        message = f"{head}; closest is interaction #{closest} {recorded.method} {recorded.url}: {detail}"
        return UnmatchedRequestError(message, method=request.method, url=request.url)


class ReplayTransport(CassettePlayer[Transport]):
    """Answers requests from a cassette; in recording modes, sends new ones through ``inner`` and stores them.

    Built as a transport (like betamax's adapter), not a monkeypatch: pass it as ``Suprsend(transport=...)``.
    Modes follow vcrpy (see ``RecordMode``). Each recorded interaction is played once, in order among equal
    requests, so retries and repeated calls replay faithfully. Credentials are scrubbed before anything is
    written (see ``Scrubber``); list the workspace secret and API keys in ``secrets``. The cassette is saved
    after every recorded interaction. ``inner`` (a ``Urllib3Transport`` by default, created on first use) is
    owned by this transport and closed with it.

    Give the client ``id_factory=transport.id_factory`` (or build it with ``transport.client(...)``): its
    automatic ``$idempotency_key``s and ``$insert_id``s are then the same when recording and replaying, so
    a default client's workflow triggers replay.
    """

    def client(
        self, workspace_key: str, workspace_secret: str, base_url: str | None = None, **options: Any
    ) -> Suprsend:
        """A ``Suprsend`` client (HMAC) that sends through this transport and takes its ids from it."""
        from .._client import Suprsend

        return Suprsend(
            workspace_key,
            workspace_secret,
            base_url,
            transport=self,
            id_factory=self.id_factory,
            **options,
        )

    def send(self, request: Request, *, timeout: Timeout) -> Response:
        live, played = self._play(request)
        if played is not None:
            return played
        try:
            response = self._inner_transport().send(request, timeout=timeout)
        except APIConnectionError as exc:
            self._not_recorded(request, exc)
            raise
        self._record(Interaction(request=live, response=RecordedResponse.from_response(response)))
        return response

    def close(self) -> None:
        if self._inner is not None:
            close_transport(self._inner)

    def _inner_transport(self) -> Transport:
        if self._inner is None:
            from .._urllib3_transport import Urllib3Transport

            self._inner = Urllib3Transport()
        return self._inner
