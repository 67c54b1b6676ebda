"""Cassettes: readable JSON files holding one request/response pair per interaction."""

from __future__ import annotations

import base64
import json
import os
import tempfile
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final, Literal

import attrs

from .._http import Headers, Request, Response
from .._json import dumps
from .errors import CassetteError

CASSETTE_VERSION: Final = 1

BodyFormat = Literal["empty", "json", "text", "base64"]


@attrs.frozen(kw_only=True, slots=True)
class RecordedBody:
    """A body as stored: parsed JSON when its bytes are exactly our wire JSON, else text, else base64."""

    format: BodyFormat
    value: Any = None

    @classmethod
    def from_bytes(cls, content: bytes) -> RecordedBody:
        if not content:
            return cls(format="empty")
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            return cls(format="base64", value=base64.b64encode(content).decode("ascii"))
        try:
            parsed = json.loads(text)
        except ValueError:
            return cls(format="text", value=text)
        # Keep the parsed form only when it gives back the very same bytes, so replay is exact.
        if _redumps(parsed) == text:
            return cls(format="json", value=parsed)
        return cls(format="text", value=text)

    def to_bytes(self) -> bytes:
        if self.format == "empty":
            return b""
        if self.format == "json":
            return dumps(self.value).encode("utf-8")
        if self.format == "base64":
            return base64.b64decode(str(self.value))
        return str(self.value).encode("utf-8")


def _redumps(parsed: Any) -> str | None:
    try:
        return dumps(parsed)
    except ValueError:
        return None


@attrs.frozen(kw_only=True, slots=True)
class RecordedRequest:
    method: str
    url: str
    headers: dict[str, str]
    body: RecordedBody

    @classmethod
    def from_request(cls, request: Request) -> RecordedRequest:
        return cls(
            method=request.method.upper(),
            url=request.url,
            headers=dict(request.headers.items_list()),
            body=RecordedBody.from_bytes(request.content),
        )


@attrs.frozen(kw_only=True, slots=True)
class RecordedResponse:
    status: int
    headers: dict[str, str]
    body: RecordedBody

    @classmethod
    def from_response(cls, response: Response) -> RecordedResponse:
        return cls(
            status=response.status_code,
            headers=dict(response.headers.items_list()),
            body=RecordedBody.from_bytes(response.content),
        )

    def to_response(self) -> Response:
        return Response(status_code=self.status, headers=Headers(self.headers), content=self.body.to_bytes())


@attrs.frozen(kw_only=True, slots=True)
class Interaction:
    request: RecordedRequest
    response: RecordedResponse


@attrs.frozen(kw_only=True, slots=True)
class CassetteContents:
    """A cassette file: its interactions, and the seed of its replayable ids (``None`` in older files)."""

    interactions: tuple[Interaction, ...]
    id_seed: str | None = None


def read_cassette(path: Path) -> CassetteContents:
    """The cassette at ``path``; a malformed file raises ``CassetteError``."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        if document.get("version") != CASSETTE_VERSION:
            raise CassetteError(f"{path}: unsupported cassette version {document.get('version')!r}")
        seed = document.get("id_seed")
        if seed is not None:
            seed = str(uuid.UUID(seed))
        interactions = tuple(_interaction_from_json(item) for item in document["interactions"])
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise CassetteError(f"{path}: not a valid cassette ({type(exc).__name__}: {exc})") from None
    return CassetteContents(interactions=interactions, id_seed=seed)


def load_cassette(path: Path) -> list[Interaction]:
    """The interactions of the cassette at ``path``; a malformed file raises ``CassetteError``."""
    return list(read_cassette(path).interactions)


def save_cassette(path: Path, interactions: list[Interaction], *, id_seed: str | None = None) -> None:
    """Write the cassette atomically (temporary file, then rename), creating its folder."""
    path.parent.mkdir(parents=True, exist_ok=True)
    document: dict[str, Any] = {"version": CASSETTE_VERSION}
    if id_seed is not None:
        document["id_seed"] = id_seed
    document["interactions"] = [_interaction_to_json(i) for i in interactions]
    text = json.dumps(document, ensure_ascii=False, indent=2) + "\n"
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def _body_to_json(body: RecordedBody) -> dict[str, Any]:
    if body.format == "empty":
        return {"body_format": "empty"}
    return {"body_format": body.format, "body": body.value}


def _body_from_json(item: Mapping[str, Any]) -> RecordedBody:
    body_format = item["body_format"]
    if body_format not in ("empty", "json", "text", "base64"):
        raise ValueError(f"unknown body_format {body_format!r}")
    return RecordedBody(format=body_format, value=item.get("body"))


def _interaction_to_json(interaction: Interaction) -> dict[str, Any]:
    request, response = interaction.request, interaction.response
    return {
        "request": {
            "method": request.method,
            "url": request.url,
            "headers": request.headers,
            **_body_to_json(request.body),
        },
        "response": {"status": response.status, "headers": response.headers, **_body_to_json(response.body)},
    }


def _interaction_from_json(item: Mapping[str, Any]) -> Interaction:
    request, response = item["request"], item["response"]
    return Interaction(
        request=RecordedRequest(
            method=str(request["method"]),
            url=str(request["url"]),
            headers={str(k): str(v) for k, v in request["headers"].items()},
            body=_body_from_json(request),
        ),
        response=RecordedResponse(
            status=int(response["status"]),
            headers={str(k): str(v) for k, v in response["headers"].items()},
            body=_body_from_json(response),
        ),
    )
