"""`/ws` refuses a foreign Origin with 403 before the upgrade, as Owncast 0.0.11 did (issue 7, item 9):
the page's own origin, the server URL's and the admin allow-list pass, and so does no Origin at all."""

from __future__ import annotations

import aiohttp
import pytest

from ownstream.config.service import ConfigService
from tests.chat.client import ChatSocket, register
from tests.harness import RunningServer


def config_service(server: RunningServer) -> ConfigService:
    assert server.server.services is not None
    return server.server.services.config


async def connects(http: aiohttp.ClientSession, server: RunningServer, origin: str | None) -> bool:
    user = await register(http, server.base_url)
    headers = {"Origin": origin} if origin is not None else {}
    try:
        ws = await http.ws_connect(server.base_url + "/ws?accessToken=" + user.token, headers=headers)
    except aiohttp.WSServerHandshakeError as error:
        assert error.status == 403
        return False
    socket = ChatSocket(ws)
    assert (await socket.next())["type"] == "CONNECTED_USER_INFO"
    await socket.close()
    return True


async def test_foreign_origin_is_refused_before_the_upgrade(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    assert not await connects(http, server, "https://elsewhere.example")
    assert not await connects(http, server, "null")
    user = await register(http, server.base_url)
    upgrade = {
        "Origin": "https://elsewhere.example",
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
    }
    async with http.get(
        server.base_url + "/ws", params={"accessToken": user.token}, headers=upgrade
    ) as response:
        assert response.status == 403
        assert await response.text() == "Forbidden\n"
    assert server.server.services is not None and len(server.server.services.chat.hub) == 0


@pytest.mark.parametrize("origin", [None, "own"], ids=["no-origin", "same-origin"])
async def test_own_pages_and_bots_connect(
    server: RunningServer, http: aiohttp.ClientSession, origin: str | None
) -> None:
    assert await connects(http, server, server.base_url if origin == "own" else None)


async def test_server_url_and_allow_list_origins_connect(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    config = config_service(server)
    assert not await connects(http, server, "https://live.example")
    await config.update(server_url="https://live.example")
    assert await connects(http, server, "https://live.example")
    assert not await connects(http, server, "https://embed.example")
    await config.update(admin_origins=("https://embed.example",))
    assert await connects(http, server, "https://embed.example")
