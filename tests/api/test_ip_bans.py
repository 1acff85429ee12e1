"""IP bans (newer Owncast, reference newer §5) on a real server: the admin routes, and the ban enforced on
`/ws`, the user-token routes and — our extension — `/api/chat/register`, for IPv4 and IPv6 client
addresses as the defects issue defines them (behind a trusted proxy: the `X-Forwarded-For` client)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ownstream.net.client_address import parse_networks
from tests.api.test_moderation import make_moderator
from tests.chat.client import ChatSocket, register
from tests.harness import RunningServer, admin_auth, make_settings, running_server

BANS = "/api/admin/chat/users/ipbans"


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    # The test client is the trusted proxy, so X-Forwarded-For names the client (IPv4 or IPv6).
    settings = replace(make_settings(tmp_path / "data"), trusted_proxies=parse_networks("127.0.0.1"))
    async with running_server(tmp_path / "data", settings) as running:
        yield running


async def admin_post(
    http: aiohttp.ClientSession, server: RunningServer, path: str, body: Any
) -> tuple[int, Any]:
    async with http.post(server.base_url + path, json=body, headers=admin_auth()) as response:
        return response.status, await response.json()


async def listed(http: aiohttp.ClientSession, server: RunningServer) -> list[dict[str, Any]]:
    async with http.get(server.base_url + BANS, headers=admin_auth()) as response:
        assert response.status == 200
        bans: list[dict[str, Any]] = await response.json()
        return bans


async def test_ban_list_and_unban_with_owncasts_messages(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http:
        assert await listed(http, server) == []
        assert await admin_post(http, server, BANS + "/create", {"value": "203.0.113.7"}) == (
            200,
            {"success": True, "message": "IP address banned"},
        )
        assert await admin_post(http, server, BANS + "/create", {"value": "2001:DB8:0:0::7"}) == (
            200,
            {"success": True, "message": "IP address banned"},
        )
        [first, second] = await listed(http, server)
        assert set(first) == {"createdAt", "ipAddress", "notes"}
        assert (first["ipAddress"], first["notes"]) == ("203.0.113.7", "manually added")
        assert second["ipAddress"] == "2001:db8::7", "canonical form"
        for again in ("203.0.113.7", "2001:db8::7", "::ffff:203.0.113.7"):
            assert await admin_post(http, server, BANS + "/create", {"value": again}) == (
                400,
                {"success": False, "message": "error saving IP address ban"},
            )
        status, body = await admin_post(http, server, BANS + "/create", {"value": "not-an-address"})
        assert status == 400 and body["message"] == "error saving IP address ban: not an IP address"
        status, body = await admin_post(http, server, BANS + "/create", {"value": 7})
        assert status == 400 and body["success"] is False
        async with http.post(server.base_url + BANS + "/create", data=b"{", headers=admin_auth()) as response:
            assert response.status == 400 and (await response.json())["success"] is False
        assert len(await listed(http, server)) == 2, "nothing refused was stored"

        assert await admin_post(http, server, BANS + "/remove", {"value": "2001:db8::7"}) == (
            200,
            {"success": True, "message": "IP address unbanned"},
        )
        assert await admin_post(http, server, BANS + "/remove", {"value": "198.51.100.1"}) == (
            200,
            {"success": True, "message": "IP address unbanned"},
        ), "Owncast: success when it was not banned"
        assert [ban["ipAddress"] for ban in await listed(http, server)] == ["203.0.113.7"]
        async with http.get(server.base_url + BANS + "/create", headers=admin_auth()) as response:
            # Changes want POST: 0.2's router answers 405 empty (0.0.12-0.1 said so in a simple 400).
            assert (response.status, await response.read()) == (405, b"")
        async with http.get(server.base_url + BANS) as response:
            assert response.status == 401, "admin only"


async def test_a_banned_address_is_kept_out_of_every_chat_entry_point_v4_and_v6(
    server: RunningServer,
) -> None:
    for address in ("203.0.113.7", "2001:db8::7"):
        async with (
            aiohttp.ClientSession() as admin,
            aiohttp.ClientSession(headers={"X-Forwarded-For": address}) as banned,
            aiohttp.ClientSession(headers={"X-Forwarded-For": "198.51.100.20"}) as other,
        ):
            viewer = await register(banned, server.base_url, "viewer")
            moderator = await make_moderator(banned, server)
            await admin_post(admin, server, BANS + "/create", {"value": address})

            with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
                await banned.ws_connect(server.base_url + "/ws?accessToken=" + viewer.token)
            assert refused.value.status == 403
            async with banned.get(server.base_url + "/api/chat", params={"accessToken": viewer.token}) as r:
                assert (r.status, await r.text()) == (401, "unauthorized\n")
            async with banned.post(server.base_url + "/api/chat/register", json={"displayName": "x"}) as r:
                assert r.status == 403
                assert await r.json() == {"success": False, "message": "this address is banned from chat"}
            # Moderator routes do not check bans (as in Owncast).
            async with banned.get(
                server.base_url + "/api/moderation/chat/user/" + viewer.id,
                params={"accessToken": moderator.token},
            ) as r:
                assert r.status == 200

            # The same token from another address still works: the ban is the address's.
            async with other.get(server.base_url + "/api/chat", params={"accessToken": viewer.token}) as r:
                assert r.status == 200
            socket = await ChatSocket.open(other, server.base_url, viewer.token)
            await socket.next()
            await socket.close()

            await admin_post(admin, server, BANS + "/remove", {"value": address})
            async with banned.get(server.base_url + "/api/chat", params={"accessToken": viewer.token}) as r:
                assert r.status == 200
            socket = await ChatSocket.open(banned, server.base_url, viewer.token)
            await socket.next()
            await socket.close()


async def test_disabling_a_user_bans_the_addresses_of_their_sockets_but_never_loopback(
    server: RunningServer,
) -> None:
    async with (
        aiohttp.ClientSession() as local,
        aiohttp.ClientSession(headers={"X-Forwarded-For": "2001:db8::42"}) as remote,
    ):
        troll = await register(remote, server.base_url, "troll")
        far = await ChatSocket.open(remote, server.base_url, troll.token)
        near = await ChatSocket.open(local, server.base_url, troll.token)
        await far.next()
        await near.next()
        status, body = await admin_post(
            local, server, "/api/admin/chat/users/setenabled", {"userId": troll.id, "enabled": False}
        )
        assert status == 200, body
        bans = await listed(local, server)
        assert [(ban["ipAddress"], ban["notes"]) for ban in bans] == [("2001:db8::42", "Banning of troll")]
        await far.close()
        await near.close()
