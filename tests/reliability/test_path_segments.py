"""Path parameters can never change which endpoint a request reaches, and the path signed is the path sent.

A dot segment (``tenant_id=".."``) used to be sent as written and resolved on the way: a Bearer client's
tenant profile edit became a global profile edit. Now it is refused before anything is sent.
"""

from __future__ import annotations

from http import HTTPStatus

import pytest

from suprsend_typed._client import Suprsend
from suprsend_typed._errors import ValidationError
from suprsend_typed._generated import endpoints
from suprsend_typed._http import Headers, Request
from suprsend_typed.sandbox import Sandbox

from .scenarios import API_KEY, WORKSPACE_UID


def bearer_client(sandbox: Sandbox) -> Suprsend:
    return Suprsend.with_workspace_api_key(WORKSPACE_UID, API_KEY, base_url=sandbox.url)


@pytest.mark.parametrize("tenant_id", ["..", "."])
def test_a_dot_segment_tenant_never_turns_into_a_global_profile_edit(
    sandbox: Sandbox, tenant_id: str
) -> None:
    client = bearer_client(sandbox)
    user = client.users.get_edit_instance("u-dots", tenant_id=tenant_id)
    user.set("name", "Mallory")
    with pytest.raises(ValidationError) as info:
        client.users.edit(user)
    assert info.value.path == "tenant_id"
    assert "dot segment" in info.value.reason
    assert sandbox.requests() == []


@pytest.mark.parametrize("distinct_id", ["..", ".", "\ud800"])
def test_dot_segments_and_lone_surrogates_in_path_ids_are_typed_errors(distinct_id: str) -> None:
    with pytest.raises(ValidationError) as info:
        endpoints.build_edit_user(base_url="https://hub.example.com/", distinct_id=distinct_id)
    assert info.value.path == "distinct_id"


@pytest.mark.parametrize("distinct_id", ["...", "a/..", "../a", ".x", "%2e%2e"])
def test_values_that_only_look_like_dot_segments_are_encoded_into_one_segment(distinct_id: str) -> None:
    request = endpoints.build_edit_user(base_url="https://hub.example.com/", distinct_id=distinct_id)
    segment = request.path_and_query.removeprefix("/v1/user/").removesuffix("/")
    assert "/" not in segment and segment not in ("", ".", "..")


def test_the_path_signed_with_hmac_is_the_path_the_hub_receives(sandbox: Sandbox) -> None:
    """The hub verifies the signature over the path it received, so a path changed on the way (dot
    segments resolved) would be a 401. Built by hand: no endpoint builder makes such a path any more."""
    client = sandbox.client(max_retries=0)
    request = Request(
        method="PATCH",
        url=sandbox.url + "v1/user/u-1/tenant/../",
        headers=Headers({"Content-Type": "application/json; charset=utf-8"}),
        content=b'{"$set": {"name": "Ada"}}',
    )
    response = client._core.send(request)
    (received,) = sandbox.requests()
    assert received["path"] == "/v1/user/u-1/tenant/../"
    assert response.status_code != HTTPStatus.UNAUTHORIZED, response.text
