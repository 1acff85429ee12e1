"""Admin access-token endpoints (reference §2.3): shapes, and 400s that change nothing.

Beyond Owncast: a token needs a name, the created token's `id` is filled in (0.0.11 sent ""), and an
unknown token on delete is a 400 rather than a 500.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import aiohttp
import pytest

from tests.harness import RunningServer, admin_auth

ADMIN = admin_auth()


async def tokens(http: aiohttp.ClientSession, server: RunningServer) -> list[dict[str, Any]]:
    async with http.get(server.base_url + "/api/admin/accesstokens", headers=ADMIN) as response:
        assert response.status == 200
        return list(await response.json())


async def call(
    http: aiohttp.ClientSession, server: RunningServer, path: str, body: Any, method: str = "POST"
) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else None
    payload = None if isinstance(body, bytes) else body
    async with http.request(
        method, server.base_url + path, json=payload, data=data, headers=ADMIN
    ) as response:
        return response.status, await response.json()


async def test_create_list_delete(server: RunningServer, http: aiohttp.ClientSession) -> None:
    assert await tokens(http, server) == []
    status, created = await call(
        http, server, "/api/admin/accesstokens/create", {"name": "my bot", "scopes": ["CAN_SEND_MESSAGES"]}
    )
    assert status == 200
    assert set(created) == {"id", "accessToken", "displayName", "displayColor", "createdAt", "scopes"}
    assert created["id"]
    assert len(created["accessToken"]) == 44 and created["accessToken"].endswith("=")
    assert created["displayName"] == "my bot"
    assert 0 <= created["displayColor"] <= 360
    assert created["scopes"] == ["CAN_SEND_MESSAGES"]
    assert datetime.fromisoformat(created["createdAt"]).tzinfo is not None
    assert await tokens(http, server) == [created]

    status, other = await call(
        http,
        server,
        "/api/admin/accesstokens/create",
        {"name": "admin bot", "scopes": ["HAS_ADMIN_ACCESS", "CAN_SEND_SYSTEM_MESSAGES"]},
        method="PUT",
    )
    assert status == 200
    assert other["scopes"] == ["HAS_ADMIN_ACCESS", "CAN_SEND_SYSTEM_MESSAGES"]

    status, body = await call(
        http, server, "/api/admin/accesstokens/delete", {"token": created["accessToken"]}
    )
    assert (status, body) == (200, {"success": True, "message": "deleted token"})
    assert [t["accessToken"] for t in await tokens(http, server)] == [other["accessToken"]]

    status, body = await call(
        http, server, "/api/admin/accesstokens/delete", {"token": created["accessToken"]}
    )
    assert status == 400 and set(body) == {"error"}


@pytest.mark.parametrize(
    "body",
    [
        {"name": "bot", "scopes": ["CAN_SEND_MESSAGES", "MODERATOR"]},
        {"name": "bot", "scopes": []},
        {"name": "bot"},
        {"name": "bot", "scopes": "HAS_ADMIN_ACCESS"},
        {"name": "bot", "scopes": [1]},
    ],
)
async def test_invalid_scopes(server: RunningServer, http: aiohttp.ClientSession, body: Any) -> None:
    status, answer = await call(http, server, "/api/admin/accesstokens/create", body)
    assert (status, answer) == (400, {"error": "one or more invalid scopes provided"})
    assert await tokens(http, server) == []


@pytest.mark.parametrize(
    "body",
    [
        {"name": "", "scopes": ["CAN_SEND_MESSAGES"]},
        {"name": "   ", "scopes": ["CAN_SEND_MESSAGES"]},
        {"name": 7, "scopes": ["CAN_SEND_MESSAGES"]},
        {"scopes": ["CAN_SEND_MESSAGES"]},
        b"{",
        b"[]",
        b'{"name": "bot\\ud800", "scopes": ["CAN_SEND_MESSAGES"]}',
    ],
)
async def test_other_rejected_creates(server: RunningServer, http: aiohttp.ClientSession, body: Any) -> None:
    status, answer = await call(http, server, "/api/admin/accesstokens/create", body)
    assert status == 400 and set(answer) == {"error"}
    assert await tokens(http, server) == []


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"token": ""}, "must provide a token"),
        ({}, "must provide a token"),
        ({"token": 5}, "must provide a token"),
        ({"token": "no-such-token"}, None),
        (b'{"token": "\\ud800"}', None),
        (b"nope", None),
    ],
)
async def test_rejected_deletes(
    server: RunningServer, http: aiohttp.ClientSession, body: Any, message: str | None
) -> None:
    _, created = await call(
        http, server, "/api/admin/accesstokens/create", {"name": "bot", "scopes": ["CAN_SEND_MESSAGES"]}
    )
    status, answer = await call(http, server, "/api/admin/accesstokens/delete", body)
    assert status == 400 and set(answer) == {"error"}
    if message is not None:
        assert answer["error"] == message
    assert await tokens(http, server) == [created]


async def test_delete_is_post_only(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with http.get(server.base_url + "/api/admin/accesstokens/delete", headers=ADMIN) as response:
        assert response.status == 400
        assert await response.json() == {"success": False, "message": "GET not supported"}


async def test_endpoints_need_admin(server: RunningServer, http: aiohttp.ClientSession) -> None:
    for path in ("", "/create", "/delete"):
        async with http.post(server.base_url + "/api/admin/accesstokens" + path, json={}) as response:
            assert response.status == 401
