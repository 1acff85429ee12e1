"""Newer Owncast's admin user management (api/routes/admin_users.py, reference newer §14.2): the list
with search, status, sort and paging; deleting a user with their token and messages."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.harness import RunningServer, admin_auth, running_server


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    async with running_server(tmp_path / "data") as running:
        yield running


async def register(http: aiohttp.ClientSession, name: str) -> tuple[str, str]:
    async with http.post("/api/chat/register", json={"displayName": name}) as response:
        body = await response.json()
        return str(body["id"]), str(body["accessToken"])


async def users(http: aiohttp.ClientSession, **query: str) -> dict[str, Any]:
    async with http.get("/api/admin/users", params=query, headers=admin_auth()) as response:
        assert response.status == 200, await response.text()
        return dict(await response.json())


async def test_search_status_sort_and_paging(server: RunningServer) -> None:
    async with aiohttp.ClientSession(server.base_url) as http:
        ids = {}
        for name in ("alice", "Alicia", "bob", "carol"):
            ids[name] = (await register(http, name))[0]
            await asyncio.sleep(0.01)  # distinct creation times
        async with http.post(
            "/api/admin/accesstokens/create",
            headers=admin_auth(),
            json={"name": "my bot", "scopes": ["CAN_SEND_MESSAGES"]},
        ) as response:
            assert response.status == 200
        async with http.post(
            "/api/admin/chat/users/setenabled",
            headers=admin_auth(),
            json={"userId": ids["bob"], "enabled": False},
        ) as response:
            assert response.status == 200

        everyone = await users(http)
        assert everyone["total"] == 5
        assert [u["displayName"] for u in everyone["results"]] == [
            "my bot",
            "carol",
            "bob",
            "Alicia",
            "alice",
        ]
        first = everyone["results"][-1]
        assert first["nameChangedAt"] == "0001-01-01T00:00:00Z" and "scopes" not in first
        assert first["isBot"] is False and first["authenticated"] is False
        assert everyone["results"][0]["isBot"] is True

        assert [u["displayName"] for u in (await users(http, search="ALI"))["results"]] == ["Alicia", "alice"]
        assert [u["displayName"] for u in (await users(http, search="a_i"))["results"]] == ["Alicia", "alice"]
        active = await users(http, status="active")
        assert active["total"] == 4 and "bob" not in [u["displayName"] for u in active["results"]]
        assert [u["displayName"] for u in (await users(http, status="bots"))["results"]] == ["my bot"]
        assert await users(http, status="banned") == {"total": 0, "results": []}
        page = await users(http, sort="asc", offset="1", limit="2")
        assert page["total"] == 5 and [u["displayName"] for u in page["results"]] == ["Alicia", "bob"]
        assert len((await users(http, offset="-3", limit="0"))["results"]) == 5

        async with http.get("/api/admin/users", params={"limit": "ten"}, headers=admin_auth()) as response:
            assert response.status == 400 and response.content_type == "text/plain"
        async with http.get("/api/admin/users") as response:
            assert response.status == 401


async def test_deleting_a_user_removes_their_token_messages_and_sockets(server: RunningServer) -> None:
    async with aiohttp.ClientSession(server.base_url) as http:
        user_id, token = await register(http, "leaving")
        _, other_token = await register(http, "staying")
        async with http.ws_connect(f"/ws?accessToken={token}") as socket:
            await socket.send_str(json.dumps({"type": "CHAT", "body": "goodbye"}))
            async with http.ws_connect(f"/ws?accessToken={other_token}") as other:
                await other.send_str(json.dumps({"type": "CHAT", "body": "still here"}))
                for _ in range(50):
                    async with http.get("/api/chat", params={"accessToken": other_token}) as response:
                        if len([m for m in await response.json() if m["type"] == "CHAT"]) == 2:
                            break
                    await asyncio.sleep(0.1)
                async with http.post(
                    "/api/admin/users/delete", headers=admin_auth(), json={"userId": user_id}
                ) as response:
                    assert await response.json() == {"success": True, "message": "user deleted"}
                closed = await socket.receive(timeout=5)
                while closed.type == aiohttp.WSMsgType.TEXT:
                    closed = await socket.receive(timeout=5)
                assert closed.type in (
                    aiohttp.WSMsgType.CLOSE,
                    aiohttp.WSMsgType.CLOSED,
                    aiohttp.WSMsgType.CLOSING,
                )
                async with http.get("/api/chat", params={"accessToken": other_token}) as response:
                    bodies = [m["body"] for m in await response.json() if m["type"] == "CHAT"]
                assert bodies == ["still here"]
        async with http.get("/api/chat", params={"accessToken": token}) as response:
            assert response.status == 401
        assert [u["displayName"] for u in (await users(http))["results"]] == ["staying"]


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({}, "must provide userId"),
        ({"userId": ""}, "must provide userId"),
        ({"userId": 5}, "must provide userId"),
        ({"userId": "nobody"}, "user nobody not found"),
    ],
)
async def test_delete_refuses_in_owncasts_words(server: RunningServer, body: Any, message: str) -> None:
    async with (
        aiohttp.ClientSession(server.base_url) as http,
        http.post("/api/admin/users/delete", headers=admin_auth(), json=body) as response,
    ):
        assert response.status == 400
        assert await response.json() == {"success": False, "message": message}
