"""Admin chat endpoints and chat settings (reference §2.3)."""

from typing import Any

import aiohttp
import pytest

from ownstream.api.state import Services
from ownstream.config.model import DEFAULT_FORBIDDEN_USERNAMES
from tests.chat.client import ChatSocket, register
from tests.harness import RunningServer, admin_auth


def svc(server: RunningServer) -> Services:
    assert server.server.services is not None
    return server.server.services


async def admin(
    http: aiohttp.ClientSession, server: RunningServer, path: str, body: Any = None, method: str = "POST"
) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else None
    json_body = None if isinstance(body, bytes) else body
    async with http.request(
        method, server.base_url + path, data=data, json=json_body, headers=admin_auth()
    ) as response:
        return response.status, await response.json()


async def say(
    http: aiohttp.ClientSession, server: RunningServer, name: str, *bodies: str
) -> tuple[str, list[str]]:
    user = await register(http, server.base_url, name)
    socket = await ChatSocket.open(http, server.base_url, user.token)
    await socket.next()
    ids = []
    for body in bodies:
        await socket.chat(body)
        ids.append((await socket.expect("CHAT"))["id"])
    await socket.close()
    return user.id, ids


@pytest.mark.parametrize(
    "path",
    [
        "/api/admin/chat/clients",
        "/api/admin/chat/messages",
        "/api/admin/chat/users/disabled",
        "/api/admin/users/disabled",
        "/api/admin/chat/users/moderators",
        "/api/admin/chat/updatemessagevisibility",
        "/api/admin/chat/users/setenabled",
        "/api/admin/chat/users/setmoderator",
        "/api/admin/config/chat/suggestedusernames",
        "/api/admin/config/chat/forbiddenusernames",
        "/api/admin/config/chat/disable",
        "/api/admin/config/welcomemessage",
    ],
)
async def test_admin_auth_is_required(server: RunningServer, http: aiohttp.ClientSession, path: str) -> None:
    async with http.post(server.base_url + path, json={"value": True}) as response:
        assert response.status == 401


async def test_messages_newest_first_with_hidden_ones(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    alice_id, ids = await say(http, server, "alice", "first", "second")
    await svc(server).chat.send_system_message("a system message")  # not a user message: left out
    status, body = await admin(http, server, "/api/admin/chat/updatemessagevisibility", {"idArray": ids[:1]})
    assert (status, body) == (200, {"success": True, "message": "changed"})
    status, messages = await admin(http, server, "/api/admin/chat/messages", method="GET")
    assert status == 200
    assert [item["body"] for item in messages] == ["second", "first"]
    assert "hiddenAt" in messages[1] and "hiddenAt" not in messages[0]
    assert messages[0]["user"]["id"] == alice_id and messages[0]["type"] == "CHAT"
    status, _ = await admin(
        http, server, "/api/admin/chat/updatemessagevisibility", {"idArray": ids[:1], "visible": True}
    )
    _, messages = await admin(http, server, "/api/admin/chat/messages", method="GET")
    assert all("hiddenAt" not in item for item in messages)


async def test_disable_lists_and_enable(server: RunningServer, http: aiohttp.ClientSession) -> None:
    troll_id, _ = await say(http, server, "troll", "bad")
    status, body = await admin(
        http, server, "/api/admin/chat/users/setenabled", {"userId": troll_id, "enabled": False}
    )
    assert (status, body) == (200, {"success": True, "message": f"{troll_id} enabled: false"})
    for path in ("/api/admin/chat/users/disabled", "/api/admin/users/disabled"):
        status, users = await admin(http, server, path, method="GET")
        assert [user["id"] for user in users] == [troll_id] and "disabledAt" in users[0]
    _, messages = await admin(http, server, "/api/admin/chat/messages", method="GET")
    assert "disabledAt" in messages[0]["user"] and "hiddenAt" in messages[0]
    status, body = await admin(
        http, server, "/api/admin/chat/users/setenabled", {"userId": troll_id, "enabled": True}
    )
    assert body == {"success": True, "message": f"{troll_id} enabled: true"}
    _, users = await admin(http, server, "/api/admin/chat/users/disabled", method="GET")
    assert users == []


async def test_moderators(server: RunningServer, http: aiohttp.ClientSession) -> None:
    user = await register(http, server.base_url, "helper")
    socket = await ChatSocket.open(http, server.base_url, user.token)
    assert (await socket.next())["user"]["scopes"] == []
    status, body = await admin(
        http, server, "/api/admin/chat/users/setmoderator", {"userId": user.id, "isModerator": True}
    )
    assert (status, body) == (200, {"success": True, "message": f"{user.id} is moderator: true"})
    info = await socket.next()
    assert info["type"] == "CONNECTED_USER_INFO" and info["user"]["scopes"] == ["MODERATOR"]
    _, moderators = await admin(http, server, "/api/admin/chat/users/moderators", method="GET")
    assert [item["id"] for item in moderators] == [user.id]
    status, body = await admin(http, server, "/api/admin/chat/users/setmoderator", {"userId": user.id})
    assert body == {"success": True, "message": f"{user.id} is moderator: false"}
    assert (await socket.next())["user"]["scopes"] == []
    _, moderators = await admin(http, server, "/api/admin/chat/users/moderators", method="GET")
    assert moderators == []
    await socket.close()


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/admin/chat/users/setmoderator", {"userId": "nobody", "isModerator": True}),
        ("/api/admin/chat/users/setmoderator", {"userId": "x", "isModerator": 1}),
        ("/api/admin/chat/users/setenabled", {"userId": "nobody", "enabled": False}),
        ("/api/admin/chat/updatemessagevisibility", {"idArray": [], "visible": False}),
        ("/api/admin/chat/updatemessagevisibility", {"idArray": ["nope"], "visible": False}),
        ("/api/admin/chat/updatemessagevisibility", b"not json"),
    ],
)
async def test_bad_actions_answer_400(
    server: RunningServer, http: aiohttp.ClientSession, path: str, body: Any
) -> None:
    status, answer = await admin(http, server, path, body)
    assert status == 400 and answer["success"] is False and answer["message"]
    assert await svc(server).chat.moderators() == []


async def test_actions_want_post(server: RunningServer, http: aiohttp.ClientSession) -> None:
    for path in (
        "/api/admin/chat/updatemessagevisibility",
        "/api/admin/chat/users/setenabled",
        "/api/admin/chat/users/setmoderator",
        "/api/admin/config/chat/disable",
        "/api/admin/config/welcomemessage",
    ):
        status, body = await admin(http, server, path, method="GET")
        assert (status, body) == (400, {"success": False, "message": "GET not supported"}), path


async def test_chat_settings(server: RunningServer, http: aiohttp.ClientSession) -> None:
    config = svc(server).config
    assert await admin(http, server, "/api/admin/config/welcomemessage", {"value": "  hi there \n"}) == (
        200,
        {"success": True, "message": "changed"},
    )
    assert config.current.welcome_message == "hi there"
    assert await admin(http, server, "/api/admin/config/chat/disable", {"value": True}) == (
        200,
        {"success": True, "message": "chat disabled status updated"},
    )
    assert config.current.chat_disabled is True
    assert await admin(http, server, "/api/admin/config/chat/forbiddenusernames", {"value": ["bad"]}) == (
        200,
        {"success": True, "message": "forbidden username list updated"},
    )
    assert config.current.forbidden_usernames == ("bad",)
    await admin(http, server, "/api/admin/config/chat/forbiddenusernames", {"value": []})
    assert tuple(config.current.forbidden_usernames) == DEFAULT_FORBIDDEN_USERNAMES
    # The two list setters have no method check in Owncast.
    status, _ = await admin(
        http, server, "/api/admin/config/chat/suggestedusernames", {"value": ["a"]}, "PUT"
    )
    assert status == 200 and config.current.suggested_usernames == ("a",)


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/admin/config/welcomemessage", {"value": 5}),
        ("/api/admin/config/welcomemessage", {"value": None}),
        ("/api/admin/config/welcomemessage", {}),
        ("/api/admin/config/chat/disable", {"value": "true"}),
        ("/api/admin/config/chat/disable", {"value": 1}),
        ("/api/admin/config/chat/forbiddenusernames", {"value": "admin"}),
        ("/api/admin/config/chat/forbiddenusernames", {"value": ["ok", 3]}),
        ("/api/admin/config/chat/suggestedusernames", {"value": {"a": 1}}),
        ("/api/admin/config/chat/suggestedusernames", b"{oops"),
        ("/api/admin/config/chat/suggestedusernames", b"[1]"),
        # Lone surrogates can't be sent back as UTF-8: stored, they broke serverconfig for good.
        ("/api/admin/config/welcomemessage", b'{"value": "hi \\ud800"}'),
        ("/api/admin/config/chat/forbiddenusernames", b'{"value": ["\\udfff"]}'),
        ("/api/admin/config/chat/suggestedusernames", b'{"value": ["a", "\\ud800b"]}'),
    ],
)
async def test_wrong_types_store_nothing(
    server: RunningServer, http: aiohttp.ClientSession, path: str, body: Any
) -> None:
    before = svc(server).config.current
    status, answer = await admin(http, server, path, body)
    assert status == 400 and answer["success"] is False
    assert svc(server).config.current == before
