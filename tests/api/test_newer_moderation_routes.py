"""Newer Owncast's moderation and integration routes (reference newer §6, §10) on a real server: the
renamed `messagevisibility` paths, `/api/integrations/status`, the integration's user details, and the
`Bearer` scheme in any case."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.api.test_integrations import new_token
from tests.api.test_moderation import make_moderator
from tests.chat.client import ChatSocket, register
from tests.harness import RunningServer, admin_auth, running_server


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    async with running_server(tmp_path / "data") as running:
        yield running


async def test_the_renamed_visibility_paths_hide_messages(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http:
        moderator = await make_moderator(http, server)
        ann = await register(http, server.base_url, "ann")
        socket = await ChatSocket.open(http, server.base_url, ann.token)
        await socket.next()
        ids = []
        for body in ("one", "two"):
            await socket.chat(body)
            ids.append((await socket.expect("CHAT"))["id"])
        async with http.post(
            server.base_url + "/api/admin/chat/messagevisibility",
            json={"idArray": [ids[0]], "visible": False},
            headers=admin_auth(),
        ) as response:
            assert (response.status, await response.json()) == (200, {"success": True, "message": "changed"})
        assert (await socket.expect("VISIBILITY-UPDATE"))["ids"] == [ids[0]]
        async with http.post(
            server.base_url + "/api/chat/messagevisibility",
            params={"accessToken": moderator.token},
            json={"idArray": [ids[1]], "visible": False},
        ) as response:
            assert (response.status, await response.json()) == (200, {"success": True, "message": "changed"})
        assert (await socket.expect("VISIBILITY-UPDATE"))["ids"] == [ids[1]]
        async with http.post(
            server.base_url + "/api/chat/messagevisibility",
            params={"accessToken": ann.token},
            json={"idArray": [ids[1]], "visible": True},
        ) as response:
            assert response.status == 401, "moderators only"
        async with http.get(server.base_url + "/api/chat", params={"accessToken": ann.token}) as response:
            assert [m["id"] for m in await response.json() if m["type"] == "CHAT"] == []
        await socket.close()


async def test_integration_status_and_user_details_with_bearer_in_any_case(server: RunningServer) -> None:
    async with aiohttp.ClientSession() as http:
        token = await new_token(http, server, "HAS_ADMIN_ACCESS")
        chatter = await new_token(http, server, "CAN_SEND_MESSAGES", name="chatter")
        await http.post(
            server.base_url + "/api/admin/config/hideviewercount", json={"value": True}, headers=admin_auth()
        )
        for scheme in ("Bearer", "bearer", "BEARER"):
            async with http.get(
                server.base_url + "/api/integrations/status", headers={"Authorization": f"{scheme} {token}"}
            ) as response:
                assert response.status == 200, scheme
                status = await response.json()
        assert set(status) == {
            "lastConnectTime", "lastDisconnectTime", "versionNumber", "streamTitle", "viewerCount",
            "overallMaxViewerCount", "sessionMaxViewerCount", "online",
        }  # fmt: skip
        assert status["viewerCount"] == 0 and status["online"] is False, "not hidden from integrations"
        async with http.get(
            server.base_url + "/api/integrations/status", headers={"Authorization": token}
        ) as response:
            assert response.status == 200, "a bare token works as in 0.0.11"
        async with http.get(
            server.base_url + "/api/integrations/status", headers={"Authorization": f"Bearer {chatter}"}
        ) as response:
            assert (response.status, await response.text()) == (401, "unauthorized\n"), "wrong scope"

        ann = await register(http, server.base_url, "ann")
        async with http.get(
            server.base_url + "/api/integrations/moderation/chat/user/" + ann.id,
            headers={"Authorization": f"bearer {token}"},
        ) as response:
            assert response.status == 200
            details = await response.json()
        assert details["user"]["displayName"] == "ann"
        assert details["connectedClients"] == [] and details["messages"] == []
        async with http.get(
            server.base_url + "/api/integrations/moderation/chat/user/nobody",
            headers={"Authorization": f"Bearer {token}"},
        ) as response:
            assert (response.status, await response.read()) == (404, b"")
