"""Every user object a bot can see parses the way owlbot parses it: `scopes` is always a list.

Owncast 0.0.11 sent `"scopes": null` for users without scopes; owlbot crashed on it (HTTP 500 on every
CHAT, USER_JOINED and NAME_CHANGE webhook of a non-moderator). Checked here on a real server: chat
events on a real socket, webhooks to a real receiver, history, the admin lists and integration messages.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import aiohttp

from ownstream.domain.chat_events import UserJoined, UserJoinedWebhookData
from ownstream.domain.owncast_json import to_json
from ownstream.domain.users import User
from tests.chat.client import ChatSocket, register
from tests.chat.owlbot_parsing import owlbot_is_moderator, owlbot_scopes
from tests.harness import RunningServer, admin_auth
from tests.webhooks.receiver import receiving

ADMIN = admin_auth()


async def admin_call(
    http: aiohttp.ClientSession, server: RunningServer, path: str, body: Any | None = None
) -> Any:
    method = "GET" if body is None else "POST"
    async with http.request(method, server.base_url + path, json=body, headers=ADMIN) as response:
        assert response.status == 200, await response.text()
        return await response.json()


async def test_chat_events_and_webhooks_parse_like_owlbot(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    async with receiving() as receiver:
        subscription = {"url": receiver.url(), "events": ["CHAT", "NAME_CHANGE"]}
        await admin_call(http, server, "/api/admin/webhooks/create", subscription)
        viewer = await register(http, server.base_url, "viewer")
        socket = await ChatSocket.open(http, server.base_url, viewer.token)
        info = await socket.expect("CONNECTED_USER_INFO")
        assert owlbot_scopes(info["user"]) == frozenset()

        await socket.chat("hello")
        chat = await socket.expect("CHAT")
        assert not owlbot_is_moderator(chat["user"])
        [hook] = await receiver.wait_for(1, "CHAT")
        assert hook["eventData"]["user"]["id"] == viewer.id
        assert owlbot_scopes(hook["eventData"]["user"]) == frozenset()

        await socket.send({"type": "NAME_CHANGE", "newName": "renamed"})
        renamed = await socket.expect("NAME_CHANGE")
        assert owlbot_scopes(renamed["user"]) == frozenset()
        [hook] = await receiver.wait_for(1, "NAME_CHANGE")
        assert owlbot_scopes(hook["eventData"]["user"]) == frozenset()

        async with http.get(server.base_url + "/api/chat?accessToken=" + viewer.token) as response:
            history = await response.json()
        assert [owlbot_scopes(item["user"]) for item in history] == [frozenset()]

        [client] = await admin_call(http, server, "/api/admin/chat/clients")
        assert owlbot_scopes(client["user"]) == frozenset()

        await admin_call(
            http, server, "/api/admin/chat/users/setmoderator", {"userId": viewer.id, "isModerator": True}
        )
        promoted = await socket.expect("CONNECTED_USER_INFO")
        assert owlbot_is_moderator(promoted["user"])
        [moderator] = await admin_call(http, server, "/api/admin/chat/users/moderators")
        assert owlbot_is_moderator(moderator)

        troll = await register(http, server.base_url, "troll")
        await admin_call(
            http, server, "/api/admin/chat/users/setenabled", {"userId": troll.id, "enabled": False}
        )
        [disabled] = await admin_call(http, server, "/api/admin/chat/users/disabled")
        assert owlbot_scopes(disabled) == frozenset()

        created = await admin_call(
            http, server, "/api/admin/accesstokens/create", {"name": "bot", "scopes": ["CAN_SEND_MESSAGES"]}
        )
        async with http.post(
            server.base_url + "/api/integrations/chat/send",
            json={"body": "beep"},
            headers={"Authorization": "Bearer " + created["accessToken"]},
        ) as response:
            assert response.status == 200
        from_bot = await socket.expect("CHAT")
        assert from_bot["user"]["displayName"] == "bot"
        assert owlbot_scopes(from_bot["user"]) == frozenset()
        await socket.close()


def test_user_joined_webhook_parses_like_owlbot() -> None:
    """USER_JOINED fires only while live (covered end to end in tests/api/test_webhooks_delivery.py)."""
    at = datetime(2022, 3, 6, 20, 1, 2, tzinfo=UTC)
    user = User(
        id="u1",
        display_name="viewer",
        display_color=7,
        created_at=at,
        disabled_at=None,
        previous_names=("viewer",),
        name_changed_at=None,
        scopes=(),
        type="STANDARD",
        last_used=None,
        access_token=None,
    )
    data = to_json(UserJoinedWebhookData("e1", at, user, 3))
    assert owlbot_scopes(data["user"]) == frozenset()
    assert owlbot_scopes(to_json(UserJoined("e1", at, user))["user"]) == frozenset()
