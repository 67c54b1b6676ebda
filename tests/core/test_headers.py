"""User-agent headers name this SDK in the official format, and a JSON content type is always present."""

from __future__ import annotations

import json
import platform
from urllib.parse import unquote

import pytest
import suprsend

from suprsend_typed import AppInfo, Suprsend
from suprsend_typed._errors import SuprsendConfigError
from suprsend_typed._headers import JSON_CONTENT_TYPE, HeadersMiddleware, UserAgents, sdk_version
from suprsend_typed._http import Headers, Request, Response


def test_user_agent_format_without_app_info() -> None:
    agents = UserAgents.build()
    os_name = platform.uname().system.lower()
    assert (
        agents.user_agent == f"suprsend-typed/{sdk_version()} (python/{platform.python_version()}; {os_name})"
    )


def test_app_info_suffix_and_json_key_order() -> None:
    agents = UserAgents.build({"name": "shop", "version": "1.2"})
    assert agents.user_agent.endswith(" (shop/1.2)")
    described = json.loads(agents.client_user_agent)
    assert list(described) == [
        "sdk",
        "sdk_version",
        "lang",
        "lang_version",
        "platform",
        "os",
        "os_version",
        "app_info",
    ]
    assert described["sdk"] == "suprsend-typed"
    assert described["platform"] == "server"
    assert described["app_info"] == {"name": "shop", "version": "1.2"}
    assert ", " in agents.client_user_agent  # Python's default separators, as the official SDK sends


def test_app_info_without_version_or_name() -> None:
    assert UserAgents.build({"name": "shop"}).user_agent.endswith(" (shop)")
    assert UserAgents.build({"version": "1"}).user_agent == UserAgents.build().user_agent
    assert json.loads(UserAgents.build().client_user_agent)["app_info"] is None


@pytest.mark.parametrize(
    "app_info",
    [
        {"name": "bad\r\nX-Injected: 1"},
        {"name": "shop", "version": "1\nX-Injected: 1"},
        {"name": "tab\tname"},
        {"name": "c1\x85control"},
        {"name": 3},
        "shop",
    ],
)
def test_bad_app_info_is_a_config_error(app_info: object) -> None:
    with pytest.raises(SuprsendConfigError):
        UserAgents.build(app_info)  # type: ignore[arg-type]


def test_version_is_taken_as_text_and_the_json_header_keeps_the_given_value() -> None:
    agents = UserAgents.build({"name": "shop", "version": 1.2})
    assert agents.user_agent.endswith(" (shop/1.2)")
    assert '"app_info": {"name": "shop", "version": 1.2}}' in agents.client_user_agent


def test_non_ascii_name_is_percent_encoded_in_the_user_agent_and_exact_in_the_json_header() -> None:
    app_info = {"name": "Boutique Zoë (EU) 100%", "version": "2.0"}
    agents = UserAgents.build(app_info)
    assert agents.user_agent.endswith(" (Boutique Zo%C3%AB %28EU%29 100%25/2.0)")
    assert agents.user_agent.isascii()
    assert unquote(agents.user_agent.rsplit(" (", 1)[1].rstrip(")")) == "Boutique Zoë (EU) 100%/2.0"
    assert (
        '"app_info": {"name": "Boutique Zo\\u00eb (EU) 100%", "version": "2.0"}' in agents.client_user_agent
    )
    assert json.loads(agents.client_user_agent)["app_info"] == app_info
    official = suprsend.Suprsend("workspace-key-of-20-chars", "secret", app_info=app_info).client_user_agent
    official_sdk = '"sdk": "suprsend-py-sdk", "sdk_version": "0.20.0"'
    assert official_sdk in official
    ours_sdk = f'"sdk": "suprsend-typed", "sdk_version": "{sdk_version()}"'
    assert agents.client_user_agent == official.replace(official_sdk, ours_sdk)


def test_app_info_is_built_by_the_official_call_form() -> None:
    official = suprsend.Suprsend("k", "s", app_info=suprsend.AppInfo(name="shop", version="1.0"))
    ours = Suprsend("k", "s", app_info=AppInfo(name="shop", version="1.0"))
    assert AppInfo(name="shop") == {"name": "shop"}
    assert ours.user_agent.endswith(" (shop/1.0)") and official.user_agent.endswith(" (shop/1.0)")
    ours.close()


def test_middleware_adds_headers_and_keeps_an_explicit_content_type() -> None:
    middleware = HeadersMiddleware(agents=UserAgents.build())
    seen: list[Request] = []

    def record(sent: Request) -> Response:
        seen.append(sent)
        return Response(status_code=200)

    middleware(Request(method="GET", url="https://h/v1/message/"), record)
    middleware(
        Request(method="POST", url="https://h/x/", headers=Headers({"content-type": "text/plain"})), record
    )
    assert seen[0].headers["Content-Type"] == JSON_CONTENT_TYPE
    assert seen[0].headers["User-Agent"].startswith("suprsend-typed/")
    assert json.loads(seen[0].headers["X-Suprsend-Client-User-Agent"])["sdk"] == "suprsend-typed"
    assert seen[1].headers["Content-Type"] == "text/plain"
