"""The chat WebSocket on a real server: real sockets, real SQLite (reference §3)."""

import asyncio
from datetime import timedelta
from typing import Any

import aiohttp
import pytest

from ownstream.api.state import Services
from ownstream.events import ChatEventOccurred, StreamStopped
from tests.chat.client import ChatSocket, Registered, register
from tests.harness import RunningServer, admin_auth


def svc(server: RunningServer) -> Services:
    assert server.server.services is not None
    return server.server.services


async def admin_post(
    http: aiohttp.ClientSession, server: RunningServer, path: str, body: Any
) -> dict[str, Any]:
    async with http.post(server.base_url + path, json=body, headers=admin_auth()) as response:
        document: dict[str, Any] = await response.json()
        assert response.status == 200, document
        return document


async def joined(
    http: aiohttp.ClientSession, server: RunningServer, name: str
) -> tuple[Registered, ChatSocket]:
    user = await register(http, server.base_url, name)
    socket = await ChatSocket.open(http, server.base_url, user.token)
    info = await socket.next()
    assert info["type"] == "CONNECTED_USER_INFO" and info["user"]["id"] == user.id
    return user, socket


def bus_events(server: RunningServer) -> list[ChatEventOccurred]:
    seen: list[ChatEventOccurred] = []
    svc(server).bus.subscribe(ChatEventOccurred, seen.append)
    return seen


async def test_connected_user_info(server: RunningServer, http: aiohttp.ClientSession) -> None:
    user = await register(http, server.base_url, "alice")
    socket = await ChatSocket.open(http, server.base_url, user.token)
    info = await socket.next()
    assert set(info) == {"type", "id", "timestamp", "user"}
    assert info["user"] == {
        "id": user.id,
        "displayName": "alice",
        "displayColor": info["user"]["displayColor"],
        "createdAt": info["user"]["createdAt"],
        "previousNames": ["alice"],
        "scopes": [],
        "isBot": False,
        "authenticated": False,
    }
    assert 0 <= info["user"]["displayColor"] <= 360
    await socket.expect_silence()  # offline: no USER_JOINED, no welcome
    await socket.close()


async def test_two_users_see_each_others_messages(server: RunningServer, http: aiohttp.ClientSession) -> None:
    events = bus_events(server)
    alice, a = await joined(http, server, "alice")
    _, b = await joined(http, server, "bob")
    await a.chat("hello **bob**")
    for socket in (a, b):
        message = await socket.next()
        assert message["type"] == "CHAT" and message["visible"] is True
        assert message["body"] == "hello <strong>bob</strong>"
        assert message["user"]["id"] == alice.id
    await b.chat("hi alice")
    assert (await a.next())["user"]["displayName"] == "bob"
    assert (await b.next())["body"] == "hi alice"
    chat_events = [event for event in events if event.type == "CHAT"]
    assert len(chat_events) == 2
    first = chat_events[0].data
    assert first["rawBody"] == "hello **bob**" and first["body"] == "hello <strong>bob</strong>"
    assert "clientId" not in first  # alice's socket is client 0; Owncast omits a zero clientId
    assert chat_events[1].data["clientId"] == 1
    assert set(first) == {"user", "body", "rawBody", "id", "visible", "timestamp"}
    await a.close()
    await b.close()


async def test_client_supplied_fields_are_ignored(server: RunningServer, http: aiohttp.ClientSession) -> None:
    alice, a = await joined(http, server, "alice")
    await a.send(
        {
            "type": "CHAT",
            "body": "x",
            "id": "forged",
            "user": {"id": "admin"},
            "hiddenAt": "2020-01-01T00:00:00Z",
        }
    )
    message = await a.next()
    assert message["id"] != "forged" and message["user"]["id"] == alice.id and message["visible"] is True
    history = await svc(server).chat.history()
    assert history[-1]["id"] == message["id"] and "hiddenAt" not in history[-1]
    await a.close()


async def test_history_after_reconnect(server: RunningServer, http: aiohttp.ClientSession) -> None:
    alice, a = await joined(http, server, "alice")
    for n in range(3):
        await a.chat(f"message {n}")
        await a.next()
    await a.close()
    async with http.get(server.base_url + "/api/chat", params={"accessToken": alice.token}) as response:
        history = await response.json()
    assert [item["body"] for item in history] == ["message 0", "message 1", "message 2"]
    assert set(history[0]) == {"type", "id", "timestamp", "user", "body"}
    a = await ChatSocket.open(http, server.base_url, alice.token)
    assert (await a.next())["type"] == "CONNECTED_USER_INFO"
    await a.close()


async def test_flooding_mutes_with_one_notice(server: RunningServer, http: aiohttp.ClientSession) -> None:
    _, a = await joined(http, server, "flooder")
    _, b = await joined(http, server, "watcher")
    for n in range(9):
        await a.chat(f"spam {n}")
    seen_by_b = [await b.expect("CHAT") for _ in range(5)]
    assert [event["body"] for event in seen_by_b] == [f"spam {n}" for n in range(5)]
    await b.expect_silence(0.5)
    sender_events = [await a.next() for _ in range(6)]
    assert [event["type"] for event in sender_events] == ["CHAT"] * 5 + ["CHAT_ACTION"]
    assert "too fast" in sender_events[-1]["body"]
    await a.expect_silence(0.3)
    await a.close()
    await b.close()


async def test_moderators_are_not_rate_limited(server: RunningServer, http: aiohttp.ClientSession) -> None:
    moderator = await register(http, server.base_url, "mod")
    await admin_post(
        http, server, "/api/admin/chat/users/setmoderator", {"userId": moderator.id, "isModerator": True}
    )
    socket = await ChatSocket.open(http, server.base_url, moderator.token)
    assert (await socket.next())["user"]["scopes"] == ["MODERATOR"]
    for n in range(12):
        await socket.chat(f"m{n}")
    bodies = [(await socket.expect("CHAT"))["body"] for _ in range(12)]
    assert bodies == [f"m{n}" for n in range(12)]
    await socket.close()


async def test_oversize_frame_is_dropped_with_a_notice(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    _, a = await joined(http, server, "alice")
    _, b = await joined(http, server, "bob")
    await a.chat("x" * 2100)
    notice = await a.next()
    assert notice["type"] == "CHAT_ACTION" and "too long" in notice["body"]
    await b.expect_silence()
    await a.chat("small")
    assert (await b.next())["body"] == "small"
    await a.close()
    await b.close()


async def test_frame_over_4096_bytes_closes_with_1009(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    _, a = await joined(http, server, "alice")
    await a.chat("y" * 5000)
    assert await a.closed() == 1009
    assert len(svc(server).chat.hub) == 0


async def test_junk_is_ignored(server: RunningServer, http: aiohttp.ClientSession) -> None:
    _, a = await joined(http, server, "alice")
    _, b = await joined(http, server, "bob")
    # Four frames of junk and one message each: within the flood burst of five.
    await a.ws.send_bytes(b"\x00\x01binary")
    await a.ws.send_str("not json")
    await a.ws.send_str('{"type":"PING"}')
    await a.ws.send_str('{"type":"CHAT","body":42}')
    await a.chat("after the junk")
    assert (await b.next())["body"] == "after the junk"
    assert (await a.next())["body"] == "after the junk"
    await b.ws.send_str("[]")
    await b.chat("   ")
    await b.chat("<script>alert(1)</script>")
    await b.send({"type": "NAME_CHANGE", "newName": 7})
    await b.chat("more after junk")
    assert (await a.next())["body"] == "more after junk"
    assert (await b.next())["body"] == "more after junk"
    assert [item["body"] for item in await svc(server).chat.history()] == [
        "after the junk",
        "more after junk",
    ]
    await a.close()
    await b.close()


async def test_name_change(server: RunningServer, http: aiohttp.ClientSession) -> None:
    events = bus_events(server)
    alice, a = await joined(http, server, "alice")
    _, b = await joined(http, server, "bob")
    await a.send({"type": "NAME_CHANGE", "newName": "  Alicia  "})
    for socket in (a, b):
        change = await socket.next()
        assert change["type"] == "NAME_CHANGE" and change["oldName"] == "alice"
        assert change["user"]["displayName"] == "Alicia"
        assert change["user"]["previousNames"] == ["alice", "Alicia"]
        assert "nameChangedAt" in change["user"]
    webhook = next(event for event in events if event.type == "NAME_CHANGE").data
    assert webhook["id"] == "" and webhook["timestamp"] == "0001-01-01T00:00:00Z"
    assert webhook["newName"] == "Alicia" and webhook["type"] == "NAME_CHANGE" and "clientId" not in webhook
    await a.chat("renamed")
    assert (await b.next())["user"]["displayName"] == "Alicia"
    stored = await svc(server).chat.user_for_token(alice.token)
    assert stored is not None and stored.display_name == "Alicia"
    await a.close()
    await b.close()


@pytest.mark.parametrize("name", ["Admin", "adm", "", "   ", "x" * 61, "<b>SYSTEM</b>"])
async def test_refused_name_change(server: RunningServer, http: aiohttp.ClientSession, name: str) -> None:
    _, a = await joined(http, server, "alice")
    _, b = await joined(http, server, "bob")
    await a.send({"type": "NAME_CHANGE", "newName": name})
    notice = await a.next()
    assert notice["type"] == "CHAT_ACTION"
    if name.strip() and len(name) < 60:
        assert "<script" not in notice["body"] and "<b>" not in notice["body"]
    info = await a.next()
    assert info["type"] == "CONNECTED_USER_INFO" and info["user"]["displayName"] == "alice"
    await b.expect_silence()
    await a.close()
    await b.close()


async def test_unknown_token_needs_registration(server: RunningServer, http: aiohttp.ClientSession) -> None:
    socket = await ChatSocket.open(http, server.base_url, "not-a-token")
    assert await socket.next() == {"type": "ERROR_NEEDS_REGISTRATION"}
    await socket.closed()


async def test_no_token_closes_right_away(server: RunningServer, http: aiohttp.ClientSession) -> None:
    ws = await http.ws_connect(server.base_url + "/ws")
    message = await ws.receive(timeout=5)
    assert message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)


async def test_chat_disabled_answers_plain_text(server: RunningServer, http: aiohttp.ClientSession) -> None:
    user = await register(http, server.base_url)
    await admin_post(http, server, "/api/admin/config/chat/disable", {"value": True})
    async with http.get(server.base_url + "/ws", params={"accessToken": user.token}) as response:
        assert response.status == 200
        assert await response.text() == "CHAT_DISABLED"
    await admin_post(http, server, "/api/admin/config/chat/disable", {"value": False})
    socket = await ChatSocket.open(http, server.base_url, user.token)
    assert (await socket.next())["type"] == "CONNECTED_USER_INFO"
    await socket.close()


async def test_socket_limit(server: RunningServer, http: aiohttp.ClientSession) -> None:
    svc(server).chat.hub.max_sockets = 1
    _, a = await joined(http, server, "first")
    user = await register(http, server.base_url)
    async with http.get(server.base_url + "/ws", params={"accessToken": user.token}) as response:
        assert await response.text() == "ERROR_MAX_CONNECTIONS_EXCEEDED"
    await a.close()


async def test_offline_chat_is_refused_long_after_a_stream(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    bus, clock = svc(server).bus, svc(server).clock
    _, a = await joined(http, server, "late")
    # Chat knows of the stream only from the bus: a stream that ended 4 minutes ago, then one 6 ago.
    bus.publish(StreamStopped(stream_id="s1", stopped_at=clock.now() - timedelta(minutes=4)))
    assert "end of the stream" in (await a.expect("CHAT_ACTION"))["body"]
    await a.chat("still welcome")
    assert (await a.next())["body"] == "still welcome"
    bus.publish(StreamStopped(stream_id="s2", stopped_at=clock.now() - timedelta(minutes=6)))
    await a.expect("CHAT_ACTION")
    await a.chat("too late")
    await a.expect_silence()
    assert [item["body"] for item in await svc(server).chat.history()] == ["still welcome"]
    await a.close()


async def test_moderation_seen_by_a_third_socket(server: RunningServer, http: aiohttp.ClientSession) -> None:
    # Every event through the per-socket queues, as for sockets that are behind: the ban's two events
    # then reach the third socket batched in one frame, which the client must split.
    assert server.server.services is not None
    server.server.services.chat.hub.direct_write_limit = -1
    events = bus_events(server)
    troll, t = await joined(http, server, "troll")
    moderator = await register(http, server.base_url, "mod")
    await admin_post(
        http, server, "/api/admin/chat/users/setmoderator", {"userId": moderator.id, "isModerator": True}
    )
    m = await ChatSocket.open(http, server.base_url, moderator.token)
    await m.next()
    _, viewer = await joined(http, server, "viewer")
    await t.chat("bad one")
    await t.chat("bad two")
    ids = [(await viewer.expect("CHAT"))["id"] for _ in range(2)]

    # Hide one message: everyone gets a VISIBILITY-UPDATE.
    url = server.base_url + "/api/chat/updatemessagevisibility"
    async with http.post(url, params={"accessToken": moderator.token}, json={"idArray": ids[:1]}) as response:
        assert response.status == 200 and await response.json() == {"success": True, "message": "changed"}
    update = await viewer.expect("VISIBILITY-UPDATE")
    assert update["ids"] == ids[:1] and update["visible"] is False
    assert set(update) == {"type", "id", "timestamp", "ids", "visible"}

    # Ban the troll: their messages hidden, their socket told and closed, the room told.
    frames_before = len(viewer.frames)
    url = server.base_url + "/api/chat/users/setenabled"
    async with http.post(url, params={"accessToken": moderator.token}, json={"userId": troll.id}) as response:
        assert await response.json() == {"success": True, "message": f"{troll.id} enabled: false"}
    hidden = await viewer.expect("VISIBILITY-UPDATE")
    assert sorted(hidden["ids"]) == sorted(ids) and hidden["visible"] is False
    removed = await viewer.next()
    assert removed["type"] == "CHAT_ACTION" and "troll" in removed["body"]
    # Both events were queued together, so they arrived as one frame of two lines.
    assert len(viewer.frames) == frames_before + 1 and viewer.frames[-1].count("\n") == 1

    disabled = await t.expect("ERROR_USER_DISABLED")
    assert disabled["user"] is None and set(disabled) == {"type", "id", "timestamp", "user"}
    await t.closed(timeout=3)

    visibility_hooks = [event.data for event in events if event.type == "VISIBILITY-UPDATE"]
    assert [hook["ids"] for hook in visibility_hooks] == [ids[:1], hidden["ids"]]

    # The token is now refused everywhere.
    async with http.get(server.base_url + "/api/chat", params={"accessToken": troll.token}) as response:
        assert response.status == 401 and await response.text() == "unauthorized\n"
    again = await ChatSocket.open(http, server.base_url, troll.token)
    assert await again.next() == {"type": "ERROR_USER_DISABLED"}
    await again.closed()
    async with http.get(server.base_url + "/api/chat", params={"accessToken": moderator.token}) as response:
        assert [item["body"] for item in await response.json()] == []
    await m.close()
    await viewer.close()


async def test_disabled_user_cannot_send_before_the_close(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    troll, t = await joined(http, server, "troll")
    _, viewer = await joined(http, server, "viewer")
    await admin_post(http, server, "/api/admin/chat/users/setenabled", {"userId": troll.id, "enabled": False})
    await t.expect("ERROR_USER_DISABLED")
    await t.chat("sneaky")
    await viewer.expect("CHAT_ACTION")
    await viewer.expect_silence(0.2)
    await viewer.close()


async def test_restart_keeps_users_and_history(tmp_path: Any, http: aiohttp.ClientSession) -> None:
    from tests.harness import running_server

    data = tmp_path / "data"
    async with running_server(data) as first:
        alice = await register(http, first.base_url, "alice")
        socket = await ChatSocket.open(http, first.base_url, alice.token)
        await socket.next()
        await socket.chat("before the restart")
        await socket.next()
        await socket.close()
    async with running_server(data) as second:
        async with http.get(second.base_url + "/api/chat", params={"accessToken": alice.token}) as response:
            assert response.status == 200
            assert [item["body"] for item in await response.json()] == ["before the restart"]
        socket = await ChatSocket.open(http, second.base_url, alice.token)
        info = await socket.next()
        assert info["user"]["id"] == alice.id and info["user"]["displayName"] == "alice"
        await socket.close()
        assert svc(second).chat.hub.clients() == []


async def test_shutdown_closes_open_sockets_promptly(tmp_path: Any, http: aiohttp.ClientSession) -> None:
    from tests.harness import running_server

    loop = asyncio.get_running_loop()
    async with running_server(tmp_path / "data") as running:
        user = await register(http, running.base_url)
        socket = await ChatSocket.open(http, running.base_url, user.token)
        await socket.next()
        started = loop.time()
    assert loop.time() - started < 3
    assert await socket.closed() is not None


async def test_admin_clients_lists_sockets(server: RunningServer, http: aiohttp.ClientSession) -> None:
    alice, a = await joined(http, server, "alice")
    await a.chat("one")
    await a.next()
    async with http.get(server.base_url + "/api/admin/chat/clients", headers=admin_auth()) as response:
        clients = await response.json()
    assert len(clients) == 1
    client = clients[0]
    assert client["user"]["id"] == alice.id and client["messageCount"] == 1 and client["geo"] is None
    assert client["clientId"] == 0 and client["ipAddress"] == "127.0.0.1"
    assert client["userAgent"].startswith("Python") and "connectedAt" in client
    await a.close()


async def test_a_socket_that_never_pongs_is_closed(tmp_path: Any, http: aiohttp.ClientSession) -> None:
    from tests.harness import make_settings, running_server

    settings = make_settings(tmp_path / "data", chat_heartbeat=0.3)
    async with running_server(tmp_path / "data", settings) as running:
        user = await register(http, running.base_url)
        ws = await http.ws_connect(running.base_url + "/ws?accessToken=" + user.token, autoping=False)
        kinds = []
        for _ in range(10):
            message = await ws.receive(timeout=5)
            kinds.append(message.type)
            if message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED):
                break
        assert aiohttp.WSMsgType.PING in kinds and kinds[-1] in (
            aiohttp.WSMsgType.CLOSE,
            aiohttp.WSMsgType.CLOSED,
        )
        for _ in range(50):
            if len(svc(running).chat.hub) == 0:
                break
            await asyncio.sleep(0.05)
        assert len(svc(running).chat.hub) == 0

        # A client that answers pings stays.
        socket = await ChatSocket.open(http, running.base_url, user.token)
        await socket.next()
        await socket.expect_silence(1.0)
        assert len(svc(running).chat.hub) == 1
        await socket.close()
