"""Newer Owncast 0.2.5's `chat/requireauthentication` (reference newer §9.3 gate 6) and the reserved names
of integration users (§9.4), on a real server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from ownstream.database.repos.users import UsersRepository
from tests.api.test_moderation import make_moderator
from tests.chat.client import ChatSocket, register
from tests.chat.test_ws import admin_post
from tests.harness import RunningServer, admin_auth, make_settings, running_server


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    async with running_server(tmp_path / "data", make_settings(tmp_path / "data")) as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def users(server: RunningServer) -> UsersRepository:
    engine = server.server._engine
    assert engine is not None
    return UsersRepository(engine)


async def test_only_authenticated_users_and_moderators_take_part(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    assert await admin_post(
        http, server, "/api/admin/config/chat/requireauthentication", {"value": True}
    ) == {
        "success": True,
        "message": "chat authentication requirement changed",
    }
    async with http.get(server.base_url + "/api/config") as response:
        assert (await response.json())["chatRequireAuthentication"] is True
    async with http.get(server.base_url + "/api/admin/serverconfig", headers=admin_auth()) as response:
        assert (await response.json())["chatRequireAuthentication"] is True

    plain = await register(http, server.base_url, "plain")
    proven = await register(http, server.base_url, "proven")
    assert await users(server).authenticate(proven.id, "indieauth", "https://proven.example/") is not None
    moderator = await make_moderator(http, server)
    sockets = {}
    for who in (plain, proven, moderator):
        sockets[who.name] = await ChatSocket.open(http, server.base_url, who.token)
        await sockets[who.name].expect("CONNECTED_USER_INFO")

    await sockets["plain"].chat("let me in")
    notice = await sockets["plain"].expect("CHAT_ACTION")
    assert notice["body"] == "<p>Authentication is required to participate in chat.</p>\n"
    await sockets["plain"].send({"type": "NAME_CHANGE", "newName": "sneaky"})
    await sockets["plain"].expect("CHAT_ACTION")  # any event type
    for name in ("proven", "mod"):
        await sockets[name].chat(f"{name} speaks")
        message = await sockets["plain"].expect("CHAT")
        assert message["body"] == f"{name} speaks"
    await sockets["plain"].expect_silence(0.3)
    for socket in sockets.values():
        await socket.close()


async def test_an_integrations_name_is_reserved(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.post(
        server.base_url + "/api/admin/accesstokens/create",
        json={"name": "Helper Bot", "scopes": ["CAN_SEND_MESSAGES"]},
        headers=admin_auth(),
    ) as response:
        assert response.status == 200
    viewer = await register(http, server.base_url, "Helper Bot")
    assert viewer.name != "Helper Bot"
    socket = await ChatSocket.open(http, server.base_url, viewer.token)
    info = await socket.expect("CONNECTED_USER_INFO")
    assert info["user"]["isBot"] is False and info["user"]["authenticated"] is False
    await socket.send({"type": "NAME_CHANGE", "newName": "helper bot"})
    assert "has been already registered" in (await socket.expect("CHAT_ACTION"))["body"]
    await socket.close()
