"""Every send goes through the `ChatFanout` by id; client ids carry the process slot; chat learns of the
stream from bus events only. Real server, real sockets, real SQLite."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ownstream.api.state import Services
from ownstream.domain.chat_events import ConnectedClient
from ownstream.domain.users import User
from ownstream.events import ChatEventOccurred, StreamEnding, StreamOnline, StreamStarted, StreamStopped
from tests.chat.client import ChatSocket, register
from tests.harness import RunningServer, admin_auth, make_settings, running_server

SLOT = 3
SLOT_BASE = SLOT << 43


def svc(server: RunningServer) -> Services:
    assert server.server.services is not None
    return server.server.services


async def joined(http: aiohttp.ClientSession, server: RunningServer, name: str) -> tuple[str, ChatSocket]:
    user = await register(http, server.base_url, name)
    socket = await ChatSocket.open(http, server.base_url, user.token)
    await socket.expect("CONNECTED_USER_INFO")
    return user.id, socket


class RecordingFanout:
    """Records every call and delivers nothing: whatever reaches a socket did not go through it."""

    def __init__(self) -> None:
        self.calls: list[tuple[Any, ...]] = []

    def broadcast(self, frame: bytes) -> None:
        self.calls.append(("broadcast", frame))

    def send_to_client(self, client_id: int, frame: bytes) -> None:
        self.calls.append(("send_to_client", client_id, frame))

    def send_to_user(self, user_id: str, frame: bytes) -> None:
        self.calls.append(("send_to_user", user_id, frame))

    def update_user(self, user: User) -> None:
        self.calls.append(("update_user", user.id))

    def close_user_sockets(self, user_id: str, delay: float = 0.0) -> None:
        self.calls.append(("close_user_sockets", user_id, delay))

    async def connected_clients(self) -> list[ConnectedClient]:
        return []

    def kinds(self) -> list[str]:
        return [call[0] for call in self.calls]


@pytest.fixture
async def slotted(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = replace(make_settings(tmp_path / "data"), process_slot=SLOT)
    async with running_server(tmp_path / "data", settings) as running:
        yield running


async def test_client_ids_carry_the_process_slot_on_the_wire(
    slotted: RunningServer, http: aiohttp.ClientSession
) -> None:
    events: list[ChatEventOccurred] = []
    svc(slotted).bus.subscribe(ChatEventOccurred, events.append)
    _, first = await joined(http, slotted, "first")
    _, second = await joined(http, slotted, "second")
    async with http.get(slotted.base_url + "/api/admin/chat/clients", headers=admin_auth()) as response:
        listed = {client["user"]["displayName"]: client["clientId"] for client in await response.json()}
    assert listed == {"first": SLOT_BASE, "second": SLOT_BASE + 1}
    await second.chat("hello")
    await first.expect("CHAT")
    [chat] = [event.data for event in events if event.type == "CHAT"]
    assert chat["clientId"] == SLOT_BASE + 1  # slot 3's first socket is not 0: its clientId is kept too

    # An integration replies privately to the id it was given (as owlbot does).
    async with http.post(
        slotted.base_url + "/api/admin/accesstokens/create",
        json={"name": "bot", "scopes": ["CAN_SEND_SYSTEM_MESSAGES"]},
        headers=admin_auth(),
    ) as response:
        token = (await response.json())["accessToken"]
    async with http.post(
        slotted.base_url + f"/api/integrations/chat/system/client/{SLOT_BASE + 1}",
        json={"body": "just you"},
        headers={"Authorization": f"Bearer {token}"},
    ) as response:
        assert response.status == 200
    assert (await second.expect("SYSTEM"))["body"] == "<p>just you</p>\n"
    await first.expect_silence()
    await first.close()
    await second.close()


async def test_every_send_goes_through_the_fanout(server: RunningServer, http: aiohttp.ClientSession) -> None:
    chat = svc(server).chat
    troll_id, troll = await joined(http, server, "troll")
    _, viewer = await joined(http, server, "viewer")
    await troll.chat("spam")
    message = await viewer.expect("CHAT")
    await troll.expect("CHAT")
    recorder = RecordingFanout()
    chat.fanout = recorder

    await chat.set_moderator(troll_id, True)
    await chat.send_system_message_to_client(1, "psst")
    await chat.send_system_message("to all")
    await chat.set_message_visibility([message["id"]], False)
    await chat.set_user_enabled(troll_id, False)
    await chat.close_sockets_of_deleted_token(troll_id)
    await troll.chat("after the swap")  # the troll is still connected: its ban is only recorded
    for _ in range(200):
        if len(recorder.calls) == 13:
            break
        await asyncio.sleep(0.01)
    assert chat.hub.clients()[0].user.disabled is False  # update_user went to the recorder too

    assert recorder.kinds() == [
        "update_user",
        "send_to_user",  # CONNECTED_USER_INFO with the new scope
        "send_to_client",
        "broadcast",  # SYSTEM
        "broadcast",  # VISIBILITY-UPDATE
        "update_user",
        "broadcast",  # VISIBILITY-UPDATE for the banned user's messages
        "send_to_user",  # ERROR_USER_DISABLED
        "close_user_sockets",
        "broadcast",  # "… was removed from the chat"
        "update_user",
        "close_user_sockets",
        "broadcast",  # the troll's last message (it is still enabled on its own socket)
    ]
    assert recorder.calls[2][1] == 1 and b"psst" in recorder.calls[2][2]
    assert recorder.calls[8][1:] == (troll_id, svc(server).settings.timings.banned_close_delay)
    await troll.expect_silence()  # nothing reached a socket around the fan-out
    await viewer.expect_silence()
    await troll.close()
    await viewer.close()


async def test_chat_hears_of_the_stream_from_the_bus(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    """No publisher at all: the bus events alone open and close the join announcements."""
    bus = svc(server).bus
    await svc(server).config.update(welcome_message="Hello")
    _, early = await joined(http, server, "early")

    bus.publish(StreamStarted(stream_id="s1", started_at=datetime.now(UTC)))
    assert "starting" in (await early.expect("CHAT_ACTION"))["body"]
    assert (await early.next())["type"] == "SYSTEM"  # the welcome, to everyone connected
    _, starting = await joined(http, server, "while-starting")
    await early.expect_silence()  # not online yet: no USER_JOINED

    bus.publish(StreamOnline(stream_id="s1"))
    _, online = await joined(http, server, "while-online")
    assert (await early.expect("USER_JOINED"))["user"]["displayName"] == "while-online"

    bus.publish(StreamEnding(stream_id="s1"))
    _, ending = await joined(http, server, "while-ending")
    await early.expect_silence()  # ending: offline for chat, as the lifecycle's state says

    bus.publish(StreamStopped(stream_id="s1", stopped_at=datetime.now(UTC)))
    assert "end of the stream" in (await early.expect("CHAT_ACTION"))["body"]
    for socket in (early, starting, online, ending):
        await socket.close()
