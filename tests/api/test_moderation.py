"""Moderator endpoints with a moderator's `?accessToken=` (reference §2.2, §3.9)."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.chat.client import ChatSocket, Registered, register
from tests.harness import RunningServer, admin_auth, make_settings, running_server

HIDE = "/api/chat/updatemessagevisibility"
SET_ENABLED = "/api/chat/users/setenabled"


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = make_settings(tmp_path / "data", banned_close_delay=0.2)
    async with running_server(tmp_path / "data", settings) as running:
        yield running


async def make_moderator(http: aiohttp.ClientSession, server: RunningServer) -> Registered:
    moderator = await register(http, server.base_url, "mod")
    async with http.post(
        server.base_url + "/api/admin/chat/users/setmoderator",
        json={"userId": moderator.id, "isModerator": True},
        headers=admin_auth(),
    ) as response:
        assert response.status == 200
    return moderator


async def post(
    http: aiohttp.ClientSession, server: RunningServer, path: str, token: str, body: Any
) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else None
    json_body = None if isinstance(body, bytes) else body
    async with http.post(
        server.base_url + path, params={"accessToken": token}, data=data, json=json_body
    ) as response:
        text = await response.text()
        return response.status, (await response.json()) if text.startswith("{") else text


async def chatted(http: aiohttp.ClientSession, server: RunningServer, name: str, *bodies: str) -> list[str]:
    """`name` registers, says `bodies`, and leaves; the message ids."""
    user = await register(http, server.base_url, name)
    socket = await ChatSocket.open(http, server.base_url, user.token)
    await socket.next()
    ids = []
    for body in bodies:
        await socket.chat(body)
        ids.append((await socket.expect("CHAT"))["id"])
    await socket.close()
    return ids


async def visible_bodies(http: aiohttp.ClientSession, server: RunningServer, token: str) -> list[str]:
    async with http.get(server.base_url + "/api/chat", params={"accessToken": token}) as response:
        return [item["body"] for item in await response.json()]


async def test_only_moderators_may_moderate(server: RunningServer, http: aiohttp.ClientSession) -> None:
    viewer = await register(http, server.base_url)
    for path in (HIDE, SET_ENABLED):
        for token in ("", "unknown", viewer.token):
            status, body = await post(http, server, path, token, {"idArray": ["x"], "userId": "x"})
            assert (status, body) == (401, "unauthorized\n")


async def test_missing_visible_means_hide(server: RunningServer, http: aiohttp.ClientSession) -> None:
    moderator = await make_moderator(http, server)
    ids = await chatted(http, server, "alice", "one", "two")
    assert await post(http, server, HIDE, moderator.token, {"idArray": ids[:1]}) == (
        200,
        {"success": True, "message": "changed"},
    )
    assert await visible_bodies(http, server, moderator.token) == ["two"]
    status, _ = await post(http, server, HIDE, moderator.token, {"idArray": ids[:1], "visible": True})
    assert status == 200
    assert await visible_bodies(http, server, moderator.token) == ["one", "two"]


async def test_missing_enabled_means_disable(server: RunningServer, http: aiohttp.ClientSession) -> None:
    moderator = await make_moderator(http, server)
    await chatted(http, server, "troll", "bad")
    troll_id = (await server_users(http, server))["troll"]
    status, body = await post(http, server, SET_ENABLED, moderator.token, {"userId": troll_id})
    assert (status, body) == (200, {"success": True, "message": f"{troll_id} enabled: false"})
    assert await visible_bodies(http, server, moderator.token) == []
    status, body = await post(
        http, server, SET_ENABLED, moderator.token, {"userId": troll_id, "enabled": True}
    )
    assert body == {"success": True, "message": f"{troll_id} enabled: true"}
    assert await visible_bodies(http, server, moderator.token) == []  # messages stay hidden, as in Owncast


async def server_users(http: aiohttp.ClientSession, server: RunningServer) -> dict[str, str]:
    async with http.get(server.base_url + "/api/admin/chat/messages", headers=admin_auth()) as response:
        return {item["user"]["displayName"]: item["user"]["id"] for item in await response.json()}


@pytest.mark.parametrize(
    ("path", "body"),
    [
        (HIDE, {"idArray": []}),
        (HIDE, {"idArray": ["MESSAGE", "nope"]}),
        (HIDE, {"idArray": "abc"}),
        (HIDE, {"idArray": [1, 2]}),
        (HIDE, {"idArray": ["MESSAGE"], "visible": "yes"}),
        (HIDE, {"visible": False}),
        (HIDE, b"{broken"),
        (HIDE, b"[]"),
        (SET_ENABLED, {"userId": "nobody", "enabled": False}),
        (SET_ENABLED, {"userId": 5}),
        (SET_ENABLED, {"userId": "USER", "enabled": "false"}),
        (SET_ENABLED, {"enabled": False}),
        (SET_ENABLED, b"null"),
    ],
)
async def test_bad_requests_change_nothing(
    server: RunningServer, http: aiohttp.ClientSession, path: str, body: Any
) -> None:
    moderator = await make_moderator(http, server)
    ids = await chatted(http, server, "alice", "kept")
    alice_id = (await server_users(http, server))["alice"]
    if isinstance(body, dict):  # fill in the real ids; "nope" stays unknown (all or nothing)
        if "idArray" in body and isinstance(body["idArray"], list):
            body["idArray"] = [ids[0] if item == "MESSAGE" else item for item in body["idArray"]]
        if body.get("userId") == "USER":
            body["userId"] = alice_id
    status, answer = await post(http, server, path, moderator.token, body)
    assert status == 400
    assert answer["success"] is False and answer["message"]
    assert await visible_bodies(http, server, moderator.token) == ["kept"]
    async with http.get(server.base_url + "/api/admin/chat/users/disabled", headers=admin_auth()) as response:
        assert await response.json() == []


async def test_moderator_endpoints_want_post(server: RunningServer, http: aiohttp.ClientSession) -> None:
    moderator = await make_moderator(http, server)
    for path in (HIDE, SET_ENABLED):
        async with http.get(server.base_url + path, params={"accessToken": moderator.token}) as response:
            assert response.status == 400
            assert await response.json() == {"success": False, "message": "GET not supported"}
