"""Newer Owncast's chat features on a real server (reference newer §4.1, §9.2–9.3): USER_PARTED and the
join/part switch, COLOR_CHANGE, spam protection off, the slur filter and established-user mode."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ownstream.events import ChatEventOccurred, StreamOnline
from tests.chat.client import ChatSocket, Registered, register
from tests.chat.test_ws import admin_post, bus_events, joined, svc
from tests.harness import RunningServer, admin_auth, make_settings, running_server


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = make_settings(tmp_path / "data", welcome_delay=30.0, part_delay=0.3, established_user_age=1.5)
    async with running_server(tmp_path / "data", settings) as running:
        yield running


async def setting(
    http: aiohttp.ClientSession, server: RunningServer, name: str, value: Any, message: str
) -> None:
    assert await admin_post(http, server, "/api/admin/config/" + name, {"value": value}) == {
        "success": True,
        "message": message,
    }


def of_type(events: list[ChatEventOccurred], kind: str) -> list[dict[str, Any]]:
    return [dict(event.data) for event in events if event.type == kind]


async def test_user_parted_after_the_last_socket_closes_unless_they_come_back(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    events = bus_events(server)
    _, watcher = await joined(http, server, "watcher")
    leaver, first = await joined(http, server, "leaver")
    second = await ChatSocket.open(http, server.base_url, leaver.token)
    await second.next()
    await first.close()
    await watcher.expect_silence(0.6)  # another socket of theirs is still open
    await second.close()
    parted = await watcher.expect("USER_PARTED", timeout=3)
    assert set(parted) == {"type", "id", "timestamp", "user"}
    assert parted["user"]["id"] == leaver.id
    [webhook] = of_type(events, "USER_PARTED")
    assert list(webhook)[:3] == ["timestamp", "id", "user"] and webhook["user"]["id"] == leaver.id

    # Gone and back within the part delay: no USER_PARTED.
    again = await ChatSocket.open(http, server.base_url, leaver.token)
    await again.next()
    await again.close()
    back = await ChatSocket.open(http, server.base_url, leaver.token)
    await back.next()
    await watcher.expect_silence(0.8)
    await back.close()
    await watcher.close()


async def test_join_messages_off_silences_joins_and_parts_but_not_webhooks(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    events = bus_events(server)
    document = await (
        await http.get(server.base_url + "/api/admin/serverconfig", headers=admin_auth())
    ).json()
    assert document["chatJoinMessagesEnabled"] is True, "on by default (Owncast's default)"
    svc(server).bus.publish(StreamOnline(stream_id="s1"))  # joins are announced only while online
    watching, watcher = await joined(http, server, "watcher")
    assert (await watcher.expect("USER_JOINED"))["user"]["id"] == watching.id, "its own join first"
    first, socket = await joined(http, server, "first")
    assert (await watcher.expect("USER_JOINED"))["user"]["id"] == first.id
    await setting(http, server, "chat/joinmessagesenabled", False, "chat join message status updated")
    second, other = await joined(http, server, "second")
    await other.close()
    await socket.close()
    await watcher.expect_silence(1.0)
    await asyncio.sleep(0.2)
    assert {event["user"]["id"] for event in of_type(events, "USER_JOINED")} >= {first.id, second.id}
    assert {event["user"]["id"] for event in of_type(events, "USER_PARTED")} == {first.id, second.id}
    await watcher.close()


async def test_color_change_is_saved_and_told_to_that_socket_only(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    user, socket = await joined(http, server, "painter")
    other = await ChatSocket.open(http, server.base_url, user.token)
    await other.next()
    await socket.send({"type": "COLOR_CHANGE", "newColor": 5})
    info = await socket.expect("CONNECTED_USER_INFO")
    assert info["user"]["displayColor"] == 5
    await other.expect_silence(0.3)
    for ignored in (8, "3"):  # (few frames: the flood limit counts every frame)
        await socket.send({"type": "COLOR_CHANGE", "newColor": ignored})
    await socket.expect_silence(0.3)
    await socket.chat("in colour")
    assert (await other.expect("CHAT"))["user"]["displayColor"] == 5
    await socket.close()
    await other.close()


async def flood(sender: ChatSocket, count: int) -> None:
    for n in range(count):
        await sender.chat(f"message {n}")


async def test_spam_protection_off_lets_a_fast_sender_through(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    async with http.get(server.base_url + "/api/config") as response:
        assert (await response.json())["chatSpamProtectionDisabled"] is True, (
            "Owncast's name, enabled's value"
        )
    await setting(http, server, "chat/spamprotectionenabled", False, "chat spam protection changed")
    async with http.get(server.base_url + "/api/config") as response:
        assert (await response.json())["chatSpamProtectionDisabled"] is False
    _, sender = await joined(http, server, "fast")
    _, watcher = await joined(http, server, "watcher")
    await flood(sender, 12)
    assert [(await watcher.expect("CHAT"))["body"] for _ in range(12)] == [f"message {n}" for n in range(12)]
    await setting(http, server, "chat/spamprotectionenabled", True, "chat spam protection changed")
    _, again = await joined(http, server, "fast2")
    await flood(again, 9)
    notices = [event for event in [await again.next() for _ in range(6)] if event["type"] == "CHAT_ACTION"]
    assert len(notices) == 1, "the limiter is back"
    for socket in (sender, watcher, again):
        await socket.close()


async def test_slur_filter_drops_the_frame_with_a_notice(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    _, sender = await joined(http, server, "sender")
    _, watcher = await joined(http, server, "watcher")
    await sender.chat("what the sh1t")
    assert (await watcher.expect("CHAT"))["body"] == "what the sh1t", "off by default"
    await sender.expect("CHAT")
    await setting(http, server, "chat/slurfilterenabled", True, "chat message slur filter changed")
    await sender.chat("what the sh1t")
    notice = await sender.expect("CHAT_ACTION")
    assert "not allow" in notice["body"]
    await sender.chat("Scunthorpe is a class act")
    assert (await watcher.expect("CHAT"))["body"] == "Scunthorpe is a class act"
    await sender.send({"type": "NAME_CHANGE", "newName": "sh1t"})  # any frame, not only CHAT
    assert "not allow" in (await sender.expect("CHAT_ACTION"))["body"]
    await watcher.expect_silence(0.3)
    for socket in (sender, watcher):
        await socket.close()


async def test_established_user_mode_holds_new_users_but_not_moderators(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    await setting(http, server, "chat/establishedusermode", True, "chat established users only mode updated")
    newcomer, socket = await joined(http, server, "newcomer")
    moderator: Registered = await register(http, server.base_url, "mod")
    await admin_post(
        http, server, "/api/admin/chat/users/setmoderator", {"userId": moderator.id, "isModerator": True}
    )
    mod_socket = await ChatSocket.open(http, server.base_url, moderator.token)
    await mod_socket.next()
    await socket.chat("hello")
    assert "a while" in (await socket.expect("CHAT_ACTION"))["body"]
    await mod_socket.chat("moderators may")
    assert (await socket.expect("CHAT"))["body"] == "moderators may"
    assert (await mod_socket.expect("CHAT"))["body"] == "moderators may"
    await asyncio.sleep(1.6)  # the test server's established age
    await socket.chat("now I may")
    assert (await mod_socket.expect("CHAT"))["body"] == "now I may"
    document = await (
        await http.get(server.base_url + "/api/admin/serverconfig", headers=admin_auth())
    ).json()
    assert document["chatEstablishedUserMode"] is True and newcomer.id
    for each in (socket, mod_socket):
        await each.close()
