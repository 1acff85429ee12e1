"""Who the chat WebSocket admits, and when an admitted socket becomes visible (real server, real sockets).

- A socket is on the admin client list as soon as its handshake completes: the user is looked up before
  the 101, and the socket joins the hub before anything else is awaited.
- Only chat users and integration tokens holding CAN_SEND_MESSAGES may chat here (0.0.11 admitted a token
  of any scope); any other token is told ERROR_NEEDS_REGISTRATION, like an unknown one. Deleting a token
  closes its open sockets.
"""

from __future__ import annotations

import aiohttp
import pytest

from ownstream.api.state import Services
from tests.chat.client import ChatSocket, register
from tests.harness import RunningServer, admin_auth

ADMIN = admin_auth()
ROUNDS = 50


def svc(server: RunningServer) -> Services:
    assert server.server.services is not None
    return server.server.services


async def listed_user_ids(http: aiohttp.ClientSession, server: RunningServer) -> list[str]:
    async with http.get(server.base_url + "/api/admin/chat/clients", headers=ADMIN) as response:
        assert response.status == 200
        return [client["user"]["id"] for client in await response.json()]


async def new_token(http: aiohttp.ClientSession, server: RunningServer, *scopes: str) -> str:
    async with http.post(
        server.base_url + "/api/admin/accesstokens/create",
        json={"name": "bot " + " ".join(scopes).lower(), "scopes": list(scopes)},
        headers=ADMIN,
    ) as response:
        assert response.status == 200
        return str((await response.json())["accessToken"])


async def test_a_socket_is_listed_once_its_handshake_completes(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    users = [await register(http, server.base_url, f"quick{round_}") for round_ in range(ROUNDS)]
    missing = []
    for user in users:
        ws = await http.ws_connect(server.base_url + "/ws?accessToken=" + user.token)
        if user.id not in await listed_user_ids(http, server):
            missing.append(user.id)
        await ws.close()
    assert missing == [], f"{len(missing)} of {ROUNDS} sockets were not listed right after the handshake"


@pytest.mark.parametrize(
    "scopes",
    [("HAS_ADMIN_ACCESS",), ("CAN_SEND_SYSTEM_MESSAGES",), ("HAS_ADMIN_ACCESS", "CAN_SEND_SYSTEM_MESSAGES")],
)
async def test_a_token_without_send_scope_may_not_chat(
    server: RunningServer, http: aiohttp.ClientSession, scopes: tuple[str, ...]
) -> None:
    token = await new_token(http, server, *scopes)
    socket = await ChatSocket.open(http, server.base_url, token)
    assert await socket.next() == {"type": "ERROR_NEEDS_REGISTRATION"}
    await socket.closed()
    assert await listed_user_ids(http, server) == []
    assert await svc(server).chat.history() == []


async def test_a_token_with_send_scope_chats(server: RunningServer, http: aiohttp.ClientSession) -> None:
    viewer = await register(http, server.base_url, "viewer")
    audience = await ChatSocket.open(http, server.base_url, viewer.token)
    await audience.expect("CONNECTED_USER_INFO")
    token = await new_token(http, server, "CAN_SEND_MESSAGES")
    bot = await ChatSocket.open(http, server.base_url, token)
    info = await bot.expect("CONNECTED_USER_INFO")
    assert info["user"]["displayName"] == "bot can_send_messages"
    await bot.chat("beep")
    heard = await audience.expect("CHAT")
    assert heard["body"] == "beep" and heard["user"]["id"] == info["user"]["id"]
    assert [item["body"] for item in await svc(server).chat.history()] == ["beep"]
    await bot.close()
    await audience.close()


async def test_deleting_a_token_closes_its_socket(server: RunningServer, http: aiohttp.ClientSession) -> None:
    viewer = await register(http, server.base_url, "viewer")
    audience = await ChatSocket.open(http, server.base_url, viewer.token)
    await audience.expect("CONNECTED_USER_INFO")
    token = await new_token(http, server, "CAN_SEND_MESSAGES")
    bot = await ChatSocket.open(http, server.base_url, token)
    await bot.expect("CONNECTED_USER_INFO")
    await bot.chat("before")
    assert (await audience.expect("CHAT"))["body"] == "before"

    async with http.post(
        server.base_url + "/api/admin/accesstokens/delete", json={"token": token}, headers=ADMIN
    ) as response:
        assert response.status == 200
    await bot.chat("after")  # may still reach the server before the close: it is not accepted
    await bot.closed()
    await audience.expect_silence()
    # (history leaves out a deleted token's messages, as a banned user's; the admin list keeps them)
    assert [item["body"] for item in await svc(server).chat.admin_messages()] == ["before"]
    assert await listed_user_ids(http, server) == [viewer.id]
    await audience.close()


async def test_a_deleted_token_may_not_chat(server: RunningServer, http: aiohttp.ClientSession) -> None:
    token = await new_token(http, server, "CAN_SEND_MESSAGES")
    async with http.post(
        server.base_url + "/api/admin/accesstokens/delete", json={"token": token}, headers=ADMIN
    ) as response:
        assert response.status == 200
    socket = await ChatSocket.open(http, server.base_url, token)
    assert await socket.next() == {"type": "ERROR_NEEDS_REGISTRATION"}
    await socket.closed()


async def test_a_disabled_user_is_still_told_so(server: RunningServer, http: aiohttp.ClientSession) -> None:
    troll = await register(http, server.base_url, "troll")
    async with http.post(
        server.base_url + "/api/admin/chat/users/setenabled",
        json={"userId": troll.id, "enabled": False},
        headers=ADMIN,
    ) as response:
        assert response.status == 200
    socket = await ChatSocket.open(http, server.base_url, troll.token)
    assert await socket.next() == {"type": "ERROR_USER_DISABLED"}
    await socket.closed()
    assert await listed_user_ids(http, server) == []
