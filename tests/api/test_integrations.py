"""The integrations API (reference §2.4) on a real server, with real chat sockets.

Auth: each route with the right scope, a wrong scope, a deleted token (0.0.11 let those through),
no token, and OPTIONS. Then what each route does, and its 400s (Owncast answered bad JSON with 500).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ownstream.api.state import Services
from ownstream.events import ChatEventOccurred
from tests.chat.client import ChatSocket, register
from tests.harness import RunningServer, admin_auth, make_settings, running_server

ADMIN = admin_auth()
SEND = "CAN_SEND_MESSAGES"
SYSTEM = "CAN_SEND_SYSTEM_MESSAGES"
ADMIN_ACCESS = "HAS_ADMIN_ACCESS"
ALL_SCOPES = (SEND, SYSTEM, ADMIN_ACCESS)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = make_settings(tmp_path / "data", welcome_delay=60.0)
    async with running_server(tmp_path / "data", settings) as running:
        yield running


def svc(server: RunningServer) -> Services:
    assert server.server.services is not None
    return server.server.services


async def new_token(
    http: aiohttp.ClientSession, server: RunningServer, *scopes: str, name: str = "bot"
) -> str:
    async with http.post(
        server.base_url + "/api/admin/accesstokens/create",
        json={"name": name, "scopes": list(scopes)},
        headers=ADMIN,
    ) as response:
        assert response.status == 200
        return str((await response.json())["accessToken"])


async def delete_token(http: aiohttp.ClientSession, server: RunningServer, token: str) -> None:
    async with http.post(
        server.base_url + "/api/admin/accesstokens/delete", json={"token": token}, headers=ADMIN
    ) as response:
        assert response.status == 200


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        import json

        return json.loads(self.text)


async def call(
    http: aiohttp.ClientSession,
    server: RunningServer,
    path: str,
    token: str | None,
    body: Any = None,
    *,
    method: str = "POST",
    bearer: bool = True,
) -> Answer:
    headers = {}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}" if bearer else token
    data = body if isinstance(body, bytes) else None
    payload = None if isinstance(body, bytes) else body
    async with http.request(
        method, server.base_url + path, json=payload, data=data, headers=headers
    ) as response:
        return Answer(response.status, dict(response.headers), await response.text())


SENT = {"success": True, "message": "sent"}
CHANGED = {"success": True, "message": "changed"}


@dataclass(frozen=True)
class Route:
    path: str
    scope: str
    method: str
    body: Any
    status: int


ROUTES = [
    Route("/api/integrations/chat/system", SYSTEM, "POST", {"body": "hello"}, 200),
    Route("/api/integrations/chat/system/client/7", SYSTEM, "POST", {"body": "hello"}, 200),
    Route("/api/integrations/chat/send", SEND, "POST", {"body": "hello"}, 200),
    Route("/api/integrations/chat/action", SYSTEM, "POST", {"body": "waves"}, 200),
    Route("/api/integrations/chat/user", SEND, "POST", {"body": "hello"}, 400),
    Route("/api/integrations/chat/updatemessagevisibility", ADMIN_ACCESS, "POST", "message", 200),
    Route("/api/integrations/chat/messagevisibility", ADMIN_ACCESS, "POST", "message", 200),
    Route("/api/integrations/streamtitle", ADMIN_ACCESS, "POST", {"value": "A title"}, 200),
    Route("/api/integrations/chat", ADMIN_ACCESS, "GET", None, 200),
    Route("/api/integrations/clients", ADMIN_ACCESS, "GET", None, 200),
]


async def request_body(server: RunningServer, route: Route) -> Any:
    if route.body == "message":
        stored = await svc(server).chat.send_system_message("to hide")
        return {"idArray": [stored["id"]], "visible": False}
    return route.body


@pytest.mark.parametrize("route", ROUTES, ids=lambda route: route.path.removeprefix("/api/integrations/"))
async def test_auth_per_route(server: RunningServer, http: aiohttp.ClientSession, route: Route) -> None:
    right = await new_token(http, server, route.scope)
    wrong = await new_token(http, server, *(scope for scope in ALL_SCOPES if scope != route.scope))
    deleted = await new_token(http, server, *ALL_SCOPES)
    await delete_token(http, server, deleted)

    answer = await call(
        http, server, route.path, right, await request_body(server, route), method=route.method
    )
    assert answer.status == route.status, answer.text
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    assert answer.headers["Content-Type"].startswith("application/json")

    for token in (wrong, deleted, None, "", "not-a-token"):
        refused = await call(
            http, server, route.path, token, await request_body(server, route), method=route.method
        )
        assert refused.status == 401, token
        assert refused.text.strip() == "unauthorized"
        assert "Access-Control-Allow-Origin" not in refused.headers

    preflight = await call(http, server, route.path, None, method="OPTIONS")
    assert preflight.status == 204
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"
    allowed = preflight.headers["Access-Control-Allow-Headers"]
    assert "Authorization" in allowed and "Content-Type" in allowed


async def test_bare_token_and_last_used(server: RunningServer, http: aiohttp.ClientSession) -> None:
    token = await new_token(http, server, ADMIN_ACCESS)

    async def listed() -> dict[str, Any]:
        async with http.get(server.base_url + "/api/admin/accesstokens", headers=ADMIN) as response:
            [entry] = await response.json()
            return dict(entry)

    assert "lastUsedAt" not in await listed()
    answer = await call(http, server, "/api/integrations/clients", token, method="GET", bearer=False)
    assert answer.status == 200
    first_use = (await listed())["lastUsedAt"]
    answer = await call(http, server, "/api/integrations/clients", token, method="GET")
    assert answer.status == 200
    assert (await listed())["lastUsedAt"] >= first_use


async def connected(http: aiohttp.ClientSession, server: RunningServer, name: str) -> ChatSocket:
    user = await register(http, server.base_url, name)
    socket = await ChatSocket.open(http, server.base_url, user.token)
    await socket.expect("CONNECTED_USER_INFO")
    return socket


async def test_system_message_is_broadcast_and_stored(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    token = await new_token(http, server, SYSTEM, ADMIN_ACCESS)
    socket = await connected(http, server, "viewer")
    answer = await call(http, server, "/api/integrations/chat/system", token, {"body": "Hello **all**"})
    assert (answer.status, answer.json()) == (200, SENT)
    event = await socket.expect("SYSTEM")
    assert "<strong>all</strong>" in event["body"]
    assert event["user"] == {"displayName": svc(server).config.current.server_name}
    history = (await call(http, server, "/api/integrations/chat", token, method="GET")).json()
    assert [m["id"] for m in history if m["type"] == "SYSTEM"] == [event["id"]]
    await socket.close()


async def test_system_message_to_one_client(server: RunningServer, http: aiohttp.ClientSession) -> None:
    token = await new_token(http, server, SYSTEM, ADMIN_ACCESS)
    target = await connected(http, server, "target")
    other = await connected(http, server, "other")
    clients = (await call(http, server, "/api/integrations/clients", token, method="GET")).json()
    [target_id] = [c["clientId"] for c in clients if c["user"]["displayName"] == "target"]

    path = f"/api/integrations/chat/system/client/{target_id}"
    answer = await call(http, server, path, token, {"body": "just for you"})
    assert (answer.status, answer.json()) == (200, SENT)
    event = await target.expect("SYSTEM")
    assert "just for you" in event["body"]
    await other.expect_silence(0.3)

    unknown = await call(http, server, "/api/integrations/chat/system/client/999999", token, {"body": "x"})
    assert (unknown.status, unknown.json()) == (200, SENT)
    for bad in ("abc", "1.5", "-1"):
        answer = await call(http, server, f"/api/integrations/chat/system/client/{bad}", token, {"body": "x"})
        assert answer.status == 400 and set(answer.json()) == {"error"}
    history = (await call(http, server, "/api/integrations/chat", token, method="GET")).json()
    assert history == []  # not stored
    await target.close()
    await other.close()


async def test_send_as_the_integration(server: RunningServer, http: aiohttp.ClientSession) -> None:
    token = await new_token(http, server, SEND, name="Helper Bot")
    socket = await connected(http, server, "viewer")
    hooks: list[ChatEventOccurred] = []
    svc(server).bus.subscribe(ChatEventOccurred, hooks.append)

    answer = await call(http, server, "/api/integrations/chat/send", token, {"body": "beep *boop*"})
    assert (answer.status, answer.json()) == (200, SENT)
    event = await socket.expect("CHAT")
    assert event["user"]["displayName"] == "Helper Bot"
    assert "<em>boop</em>" in event["body"]
    assert hooks == []  # integration messages do not go to webhooks (as Owncast)

    for body in ({"body": ""}, {"body": "   "}, {}, {"body": 5}):
        answer = await call(http, server, "/api/integrations/chat/send", token, body)
        assert (answer.status, answer.json()) == (400, {"error": "invalid message"})
    answer = await call(http, server, "/api/integrations/chat/send", token, b"{broken")
    assert answer.status == 400 and set(answer.json()) == {"error"}
    await socket.expect_silence(0.2)
    await socket.close()


async def test_action_with_and_without_author(server: RunningServer, http: aiohttp.ClientSession) -> None:
    token = await new_token(http, server, SYSTEM)
    socket = await connected(http, server, "viewer")
    answer = await call(
        http, server, "/api/integrations/chat/action", token, {"body": "rolled a 15", "author": "Dice"}
    )
    assert (answer.status, answer.json()) == (200, SENT)
    event = await socket.expect("CHAT_ACTION")
    assert event["body"].index("<strong>Dice</strong>") < event["body"].index("rolled a 15")

    answer = await call(http, server, "/api/integrations/chat/action", token, {"body": "it rains"})
    assert answer.status == 200
    event = await socket.expect("CHAT_ACTION")
    assert "it rains" in event["body"] and "<strong>" not in event["body"]

    for body in (b"nope", {"author": "x"}, {"body": 1}, {"body": "x", "author": 3}):
        answer = await call(http, server, "/api/integrations/chat/action", token, body)
        assert answer.status == 400 and set(answer.json()) == {"error"}
    await socket.close()


async def test_chat_user_is_gone(server: RunningServer, http: aiohttp.ClientSession) -> None:
    token = await new_token(http, server, SEND)
    answer = await call(http, server, "/api/integrations/chat/user", token, {"body": "x"})
    assert answer.status == 400
    assert answer.json() == {"error": "no longer supported. see /api/integrations/chat/send"}


@pytest.mark.parametrize("path", ["chat/updatemessagevisibility", "chat/messagevisibility"])
async def test_message_visibility(server: RunningServer, http: aiohttp.ClientSession, path: str) -> None:
    token = await new_token(http, server, ADMIN_ACCESS, SYSTEM)
    socket = await connected(http, server, "viewer")
    url = "/api/integrations/" + path
    first = await svc(server).chat.send_system_message("one")
    second = await svc(server).chat.send_system_message("two")

    answer = await call(http, server, url, token, {"idArray": [first["id"]], "visible": False})
    assert (answer.status, answer.json()) == (200, CHANGED)
    update = await socket.expect("VISIBILITY-UPDATE")
    assert update["ids"] == [first["id"]] and update["visible"] is False
    history = (await call(http, server, "/api/integrations/chat", token, method="GET")).json()
    assert [m["id"] for m in history] == [second["id"]]

    for body in (
        {"idArray": [], "visible": False},
        {"idArray": "x", "visible": False},
        {"idArray": [second["id"]], "visible": "no"},
        {"idArray": ["no-such-id"], "visible": False},
        b"][",
    ):
        answer = await call(http, server, url, token, body)
        assert answer.status == 400
        assert answer.json()["success"] is False and isinstance(answer.json()["message"], str)
    history = (await call(http, server, "/api/integrations/chat", token, method="GET")).json()
    assert [m["id"] for m in history] == [second["id"]]

    answer = await call(http, server, url, token, {"idArray": [first["id"]], "visible": True})
    assert answer.status == 200
    history = (await call(http, server, "/api/integrations/chat", token, method="GET")).json()
    assert [m["id"] for m in history] == [first["id"], second["id"]]
    await socket.close()


async def test_history_is_the_last_50_visible(server: RunningServer, http: aiohttp.ClientSession) -> None:
    token = await new_token(http, server, ADMIN_ACCESS)
    sent = [await svc(server).chat.send_system_message(f"message {n}") for n in range(56)]
    await svc(server).chat.set_message_visibility([sent[-1]["id"]], False)
    answer = await call(http, server, "/api/integrations/chat", token, method="GET")
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    history = answer.json()
    assert [m["id"] for m in history] == [m["id"] for m in sent[5:55]]


async def test_clients_lists_sockets(server: RunningServer, http: aiohttp.ClientSession) -> None:
    token = await new_token(http, server, ADMIN_ACCESS)
    assert (await call(http, server, "/api/integrations/clients", token, method="GET")).json() == []
    socket = await connected(http, server, "watcher")
    clients = (await call(http, server, "/api/integrations/clients", token, method="GET")).json()
    assert [c["user"]["displayName"] for c in clients] == ["watcher"]
    assert {"user", "messageCount", "userAgent", "connectedAt"} <= set(clients[0])
    await socket.close()


async def test_integration_stream_title(server: RunningServer, http: aiohttp.ClientSession) -> None:
    token = await new_token(http, server, ADMIN_ACCESS)
    socket = await connected(http, server, "viewer")
    answer = await call(http, server, "/api/integrations/streamtitle", token, {"value": "Speedrun <b>"})
    assert (answer.status, answer.json()) == (200, CHANGED)
    assert svc(server).config.current.stream_title == "Speedrun <b>"
    notice = await socket.expect("CHAT_ACTION")
    assert "Speedrun &lt;b&gt;" in notice["body"]

    for body in ({"value": 5}, {"value": None}, {}, b"{", {"value": ["x"]}):
        answer = await call(http, server, "/api/integrations/streamtitle", token, body)
        assert answer.status == 400 and answer.json()["success"] is False
    assert svc(server).config.current.stream_title == "Speedrun <b>"
    await socket.expect_silence(0.2)
    await socket.close()


async def test_admin_stream_title_setter(server: RunningServer, http: aiohttp.ClientSession) -> None:
    socket = await connected(http, server, "viewer")
    url = server.base_url + "/api/admin/config/streamtitle"
    async with http.post(url, json={"value": "Late night coding"}, headers=ADMIN) as response:
        assert (response.status, await response.json()) == (200, CHANGED)
    notice = await socket.expect("CHAT_ACTION")
    assert "Late night coding" in notice["body"]
    async with http.get(server.base_url + "/api/status") as response:
        assert (await response.json())["streamTitle"] == "Late night coding"

    for body in ({"value": 42}, {"value": True}, {"value": {"a": 1}}, {}, "x"):
        async with http.post(url, json=body, headers=ADMIN) as response:
            assert response.status == 400
            assert (await response.json())["success"] is False
    async with http.get(url, headers=ADMIN) as response:
        assert (response.status, await response.json()) == (
            400,
            {"success": False, "message": "GET not supported"},
        )
    async with http.post(url, json={"value": "x"}) as response:
        assert response.status == 401
    assert svc(server).config.current.stream_title == "Late night coding"

    async with http.post(url, json={"value": ""}, headers=ADMIN) as response:
        assert response.status == 200
    assert svc(server).config.current.stream_title == ""
    await socket.expect_silence(0.2)  # clearing the title is not announced
    await socket.close()
