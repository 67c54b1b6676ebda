"""Record and replay HTTP exchanges with the SuprSend hub, as a transport (see ``ReplayTransport``)."""

from .async_transport import AsyncReplayTransport
from .cassette import (
    CassetteContents,
    Interaction,
    RecordedBody,
    RecordedRequest,
    RecordedResponse,
    load_cassette,
    read_cassette,
    save_cassette,
)
from .errors import CassetteError, UnmatchedRequestError
from .ids import CassetteIds
from .matching import DEFAULT_MATCH_ON, VOLATILE_BODY_KEYS, VOLATILE_HEADERS, Matcher
from .modes import RECORD_MODES, RecordMode
from .scrub import REDACTED, Scrubber
from .transport import BeforeRecord, ReplayTransport

__all__ = [
    "AsyncReplayTransport",
    "DEFAULT_MATCH_ON",
    "RECORD_MODES",
    "REDACTED",
    "VOLATILE_BODY_KEYS",
    "VOLATILE_HEADERS",
    "BeforeRecord",
    "CassetteContents",
    "CassetteError",
    "CassetteIds",
    "Interaction",
    "Matcher",
    "RecordMode",
    "RecordedBody",
    "RecordedRequest",
    "RecordedResponse",
    "ReplayTransport",
    "Scrubber",
    "UnmatchedRequestError",
    "load_cassette",
    "read_cassette",
    "save_cassette",
]
