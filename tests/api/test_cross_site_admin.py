"""Cross-site admin access (issue 7, item 6): a page on another site, in a browser holding the admin's
Basic credentials, must neither read the admin API nor change settings, not even with a no-cors
`text/plain` POST. Same-origin pages, the server URL's origin, allow-listed origins and requests without
Origin/Referer (curl, bots) work as before; Bearer tokens and public routes are not Origin-checked."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ownstream.net.client_address import parse_networks
from tests.harness import RunningServer, admin_auth, make_settings, running_server

ADMIN = admin_auth()
EVIL = "https://evil.example"


def config_of(server: RunningServer) -> Any:
    assert server.server.services is not None
    return server.server.services.config.current


async def get_serverconfig(
    http: aiohttp.ClientSession, server: RunningServer, headers: dict[str, str]
) -> tuple[int, str, Mapping[str, str]]:
    async with http.get(
        server.base_url + "/api/admin/serverconfig", headers={**ADMIN, **headers}
    ) as response:
        return response.status, await response.text(), response.headers


async def set_name(
    http: aiohttp.ClientSession, server: RunningServer, headers: dict[str, str], *, plain: bool = False
) -> int:
    url = server.base_url + "/api/admin/config/name"
    body = b'{"value": "changed by a page"}'
    content_type = "text/plain;charset=UTF-8" if plain else "application/json"
    async with http.post(
        url, data=body, headers={**ADMIN, "Content-Type": content_type, **headers}
    ) as response:
        return response.status


@pytest.mark.parametrize(
    "headers",
    [
        {"Origin": EVIL},
        {"Origin": "null"},  # sandboxed frames, file:// pages
        {"Referer": EVIL + "/steal.html?x=1"},
        {"Origin": "http://127.0.0.1.evil.example"},
    ],
    ids=["origin", "null-origin", "referer-only", "look-alike"],
)
async def test_foreign_pages_are_refused(
    server: RunningServer, http: aiohttp.ClientSession, headers: dict[str, str]
) -> None:
    status, text, response_headers = await get_serverconfig(http, server, headers)
    assert status == 403
    assert "abc123" not in text and "streamKey" not in text
    assert "Access-Control-Allow-Origin" not in response_headers
    assert "Access-Control-Allow-Credentials" not in response_headers
    assert await set_name(http, server, headers) == 403
    assert await set_name(http, server, headers, plain=True) == 403
    assert config_of(server).server_name == "Ownstream", "a refused request changed a setting"


async def test_refusal_says_why_in_the_endpoint_shape(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    url = server.base_url + "/api/admin/config/name"
    async with http.post(url, json={"value": "x"}, headers={**ADMIN, "Origin": EVIL}) as response:
        assert response.status == 403
        body = await response.json()
    assert body["success"] is False
    assert EVIL in body["message"] and "adminorigins" in body["message"]


async def test_trusted_pages_and_tools_work(server: RunningServer, http: aiohttp.ClientSession) -> None:
    own = server.base_url
    for headers in ({"Origin": own}, {"Referer": own + "/admin/config"}, {}):
        status, text, response_headers = await get_serverconfig(http, server, headers)
        assert status == 200 and '"streamKey"' in text, headers
        if "Origin" in headers:
            assert response_headers["Access-Control-Allow-Origin"] == own
            assert response_headers["Access-Control-Allow-Credentials"] == "true"
    # A script without Origin (curl -d) still gets its form-encoded JSON parsed.
    assert await set_name(http, server, {}, plain=True) == 200
    assert config_of(server).server_name == "changed by a page"


async def test_the_server_url_and_the_allow_list_are_trusted(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    dashboard = "https://dash.example:8443"
    assert await set_name(http, server, {"Origin": dashboard}) == 403
    url = server.base_url + "/api/admin/config/adminorigins"
    async with http.post(url, json={"value": [dashboard + "/", " "]}, headers=ADMIN) as response:
        assert response.status == 200
        assert await response.json() == {"success": True, "message": "admin origins saved"}
    assert config_of(server).admin_origins == (dashboard,)
    assert await set_name(http, server, {"Origin": dashboard}) == 200

    assert await set_name(http, server, {"Origin": "https://live.example"}) == 403
    async with http.post(
        server.base_url + "/api/admin/config/serverurl",
        json={"value": "https://LIVE.example:443/"},
        headers=ADMIN,
    ) as response:
        assert response.status == 200
    assert await set_name(http, server, {"Origin": "https://live.example"}) == 200
    assert await set_name(http, server, {"Referer": "https://live.example/admin/"}) == 200
    assert await set_name(http, server, {"Origin": "http://live.example"}) == 403, "the scheme is part of it"


@pytest.mark.parametrize(
    "value",
    [
        "https://a.example",
        ["https://a.example/path"],
        ["ftp://a.example"],
        ["a.example"],
        ["https://a.example?x=1"],
        ["https://user@a.example"],
        [7],
    ],
)
async def test_the_allow_list_takes_origins_only(
    server: RunningServer, http: aiohttp.ClientSession, value: Any
) -> None:
    url = server.base_url + "/api/admin/config/adminorigins"
    async with http.post(url, json={"value": value}, headers=ADMIN) as response:
        assert response.status == 400
        assert (await response.json())["success"] is False
    assert config_of(server).admin_origins == ()


async def test_preflight_grants_no_credentials_to_foreign_origins(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    ask = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "authorization"}
    url = server.base_url + "/api/admin/config/name"
    async with http.options(url, headers={"Origin": EVIL, **ask}) as response:
        assert response.status == 204
        assert "Access-Control-Allow-Origin" not in response.headers
        assert "Access-Control-Allow-Credentials" not in response.headers
    async with http.options(url, headers={"Origin": server.base_url, **ask}) as response:
        assert response.status == 204
        assert response.headers["Access-Control-Allow-Origin"] == server.base_url
        assert response.headers["Access-Control-Allow-Credentials"] == "true"


async def test_tokens_and_public_routes_are_not_origin_checked(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    async with http.post(
        server.base_url + "/api/admin/accesstokens/create",
        json={"name": "bot", "scopes": ["HAS_ADMIN_ACCESS"]},
        headers=ADMIN,
    ) as response:
        token = (await response.json())["accessToken"]
    bearer = {"Authorization": f"Bearer {token}", "Origin": EVIL}
    async with http.get(server.base_url + "/api/integrations/clients", headers=bearer) as response:
        assert response.status == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"
    async with http.post(
        server.base_url + "/api/chat/register", json={}, headers={"Origin": EVIL}
    ) as response:
        assert response.status == 200
        user_token = (await response.json())["accessToken"]
    async with http.get(
        server.base_url + "/api/chat", params={"accessToken": user_token}, headers={"Origin": EVIL}
    ) as response:
        assert response.status == 200
    async with http.get(server.base_url + "/api/status", headers={"Origin": EVIL}) as response:
        assert response.status == 200
        assert response.headers["Access-Control-Allow-Origin"] == "*"


async def test_forwarded_proto_counts_only_from_a_trusted_proxy(tmp_path: Path) -> None:
    """Behind a TLS proxy the page's origin is https while the proxy talks http to us."""
    async with aiohttp.ClientSession() as http:
        for trusted, expected in ((False, 403), (True, 200)):
            data_dir = tmp_path / f"trusted-{trusted}"
            settings = make_settings(data_dir)
            if trusted:
                settings = replace(settings, trusted_proxies=parse_networks("127.0.0.1"))
            async with running_server(data_dir, settings) as server:
                page = "https://" + server.base_url.removeprefix("http://")
                headers = {"Origin": page, "X-Forwarded-Proto": "https"}
                assert await set_name(http, server, headers) == expected, trusted
