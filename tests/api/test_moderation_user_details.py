"""`GET /api/moderation/chat/user/{userId}` (newer Owncast, reference newer §6): what the viewer page's
moderator "More info" panel shows — the user, their open sockets, their messages."""

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.api.test_moderation import make_moderator
from tests.chat.client import ChatSocket, register
from tests.harness import RunningServer, running_server

DETAILS = "/api/moderation/chat/user/"


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    async with running_server(tmp_path / "data") as running:
        yield running


async def test_a_moderator_sees_a_users_details(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http:
        moderator = await make_moderator(http, server)
        ann = await register(http, server.base_url, "ann")
        socket = await ChatSocket.open(http, server.base_url, ann.token)
        await socket.next()
        await socket.chat("first")
        first = (await socket.expect("CHAT"))["id"]
        await socket.send({"type": "NAME_CHANGE", "newName": "ann2"})
        await socket.expect("NAME_CHANGE")
        await socket.chat("second")
        await socket.expect("CHAT")
        async with http.get(
            server.base_url + DETAILS + ann.id, params={"accessToken": moderator.token}
        ) as response:
            assert response.status == 200
            assert "no-store" in response.headers["Cache-Control"]
            details = await response.json()
        await socket.close()

    assert details["user"]["id"] == ann.id and details["user"]["displayName"] == "ann2"
    assert details["user"]["previousNames"] == ["ann", "ann2"]
    assert "createdAt" in details["user"]
    [client] = details["connectedClients"]
    assert set(client) == {"connectedAt", "userAgent", "id", "messageCount"}
    assert client["messageCount"] == 2 and client["userAgent"].startswith("Python")
    assert [m["body"] for m in details["messages"]] == ["first", "second"]
    assert details["messages"][0]["id"] == first and details["messages"][0]["type"] == "CHAT"


async def test_unknown_users_and_non_moderators(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http:
        moderator = await make_moderator(http, server)
        bob = await register(http, server.base_url, "bob")
        async with http.get(
            server.base_url + DETAILS + "no-such-user", params={"accessToken": moderator.token}
        ) as response:
            assert response.status == 404
            assert await response.read() == b""
        for token in (bob.token, "not-a-token", None):
            params = {"accessToken": token} if token else {}
            async with http.get(server.base_url + DETAILS + moderator.id, params=params) as response:
                assert response.status == 401
                assert (await response.text()).strip() == "unauthorized"
