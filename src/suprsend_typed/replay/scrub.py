"""Removing credentials from interactions before they reach a cassette."""

from __future__ import annotations

import base64
from collections.abc import Iterable
from typing import Any, Final

import attrs

from .cassette import Interaction, RecordedBody, RecordedRequest, RecordedResponse

REDACTED: Final = "<REDACTED>"
"""What replaces a credential-bearing header value or a secret found anywhere else."""

DEFAULT_FILTER_HEADERS: Final = frozenset(
    {"authorization", "proxy-authorization", "cookie", "set-cookie", "x-api-key"}
)


class Scrubber:
    """Replaces filtered header values, and every occurrence of a known secret in URLs, headers and bodies.

    Secrets are the configured ones plus what the requests reveal: Bearer keys and HMAC signatures seen in
    ``Authorization``, so they cannot leak through a body that echoes them either.
    """

    def __init__(
        self, *, secrets: Iterable[str] = (), filter_headers: Iterable[str] = DEFAULT_FILTER_HEADERS
    ):
        self._secrets: set[str] = set()
        self._filter_headers = frozenset(name.lower() for name in filter_headers)
        for secret in secrets:
            self.add_secret(secret)

    def add_secret(self, secret: str) -> bool:
        """Remember ``secret``; True if it was new."""
        if not secret or secret == REDACTED or secret in self._secrets:
            return False
        self._secrets.add(secret)
        return True

    def learn(self, request: RecordedRequest) -> bool:
        """Remember the credential material of ``request``'s Authorization header; True if any was new."""
        learned = False
        for name, value in request.headers.items():
            if name.lower() != "authorization":
                continue
            scheme, _, token = value.partition(" ")
            if scheme.lower() == "bearer" and token:
                learned |= self.add_secret(token.strip())
            else:
                learned |= self.add_secret(value.rpartition(":")[2])
        return learned

    def interaction(self, interaction: Interaction) -> Interaction:
        request, response = interaction.request, interaction.response
        return Interaction(
            request=RecordedRequest(
                method=request.method,
                url=self.text(request.url),
                headers=self.headers(request.headers),
                body=self.body(request.body),
            ),
            response=RecordedResponse(
                status=response.status, headers=self.headers(response.headers), body=self.body(response.body)
            ),
        )

    def request(self, request: RecordedRequest) -> RecordedRequest:
        return attrs.evolve(
            request,
            url=self.text(request.url),
            headers=self.headers(request.headers),
            body=self.body(request.body),
        )

    def headers(self, headers: dict[str, str]) -> dict[str, str]:
        return {
            name: REDACTED if name.lower() in self._filter_headers else self.text(value)
            for name, value in headers.items()
        }

    def body(self, body: RecordedBody) -> RecordedBody:
        if body.format == "json":
            return RecordedBody(format="json", value=self.value(body.value))
        if body.format == "text":
            return RecordedBody(format="text", value=self.text(str(body.value)))
        if body.format == "base64":
            content = body.to_bytes()
            for secret in sorted(self._secrets, key=len, reverse=True):
                content = content.replace(secret.encode("utf-8"), REDACTED.encode("utf-8"))
            return RecordedBody(format="base64", value=base64.b64encode(content).decode("ascii"))
        return body

    def value(self, value: Any) -> Any:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, dict):
            return {self.text(str(key)): self.value(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.value(item) for item in value]
        return value

    def text(self, text: str) -> str:
        # Longest first, so a secret that contains another one is replaced whole.
        for secret in sorted(self._secrets, key=len, reverse=True):
            if secret in text:
                text = text.replace(secret, REDACTED)
        return text
