"""Webhook delivery end to end (reference §5): a real server, real chat sockets, a real ffmpeg publisher
over RTMP, and real HTTP receivers on loopback. Every event type's body is checked field by field."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ownstream.api.state import Services
from ownstream.webhooks.dispatcher import USER_AGENT
from tests.chat.client import ChatSocket, register
from tests.chat.owlbot_parsing import owlbot_scopes
from tests.harness import RunningServer, admin_auth, make_settings, running_server
from tests.media import Clip, encode_clip, start_publisher, stop_process
from tests.webhooks.receiver import receiving, unused_port

ADMIN = admin_auth()
ALL_EVENTS = [
    "CHAT",
    "USER_JOINED",
    "NAME_CHANGE",
    "VISIBILITY-UPDATE",
    "STREAM_STARTED",
    "STREAM_STOPPED",
    "STREAM_TITLE_UPDATED",
]
RAW_SUMMARY = "Games and **chat**, <i>raw</i>"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clip:
    return encode_clip(tmp_path_factory.mktemp("media") / "clip.flv", seconds=2)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    settings = make_settings(
        tmp_path / "data", online_grace=0.5, welcome_delay=60.0, webhook_retry_delay=0.05, webhook_timeout=3.0
    )
    async with running_server(tmp_path / "data", settings) as running:
        yield running


def svc(server: RunningServer) -> Services:
    assert server.server.services is not None
    return server.server.services


async def add_webhook(http: aiohttp.ClientSession, server: RunningServer, url: str, events: list[str]) -> int:
    async with http.post(
        server.base_url + "/api/admin/webhooks/create", json={"url": url, "events": events}, headers=ADMIN
    ) as response:
        assert response.status == 200
        return int((await response.json())["id"])


async def listed_webhooks(http: aiohttp.ClientSession, server: RunningServer) -> list[dict[str, Any]]:
    async with http.get(server.base_url + "/api/admin/webhooks", headers=ADMIN) as response:
        return list(await response.json())


async def connected(http: aiohttp.ClientSession, server: RunningServer, name: str) -> ChatSocket:
    user = await register(http, server.base_url, name)
    socket = await ChatSocket.open(http, server.base_url, user.token)
    await socket.expect("CONNECTED_USER_INFO")
    return socket


async def client_id_of(http: aiohttp.ClientSession, server: RunningServer, name: str) -> int:
    async with http.get(server.base_url + "/api/admin/chat/clients", headers=ADMIN) as response:
        clients = await response.json()
    [client_id] = [c["clientId"] for c in clients if c["user"]["displayName"] == name]
    return int(client_id)


def recent(timestamp: str) -> datetime:
    moment = datetime.fromisoformat(timestamp)
    assert moment.tzinfo is not None
    assert abs(datetime.now(moment.tzinfo) - moment) < timedelta(seconds=30)
    return moment


STATUS_FIELDS = {
    "lastConnectTime", "lastDisconnectTime", "versionNumber", "streamTitle", "viewerCount",
    "overallMaxViewerCount", "sessionMaxViewerCount", "online",
}  # fmt: skip


def check_stream_event(body: dict[str, Any], event_type: str, server: RunningServer, title: str) -> None:
    assert body["type"] == event_type
    data = body["eventData"]
    # 0.0.11's fields, and newer Owncast's `status` (0.2.4; no `serverURL` while none is set).
    assert set(data) == {"status", "id", "name", "streamTitle", "summary", "timestamp"}
    assert set(data["status"]) == STATUS_FIELDS and data["status"]["streamTitle"] == title
    assert isinstance(data["id"], str) and data["id"]
    assert data["name"] == svc(server).config.current.server_name
    assert data["summary"] == RAW_SUMMARY
    assert data["streamTitle"] == title
    recent(data["timestamp"])


@pytest.mark.e2e
async def test_every_event_type_is_delivered(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip
) -> None:
    await svc(server).config.update(
        video_latency_level=0, server_summary=RAW_SUMMARY, stream_title="Opening title"
    )
    async with receiving() as receiver:
        hook_id = await add_webhook(http, server, receiver.url("/owncast?secret=abc"), ALL_EVENTS)
        early = await connected(http, server, "early")  # offline: no USER_JOINED

        publisher = await start_publisher(clip, server.rtmp_url())
        try:
            [started] = await receiver.wait_for(1, "STREAM_STARTED", timeout=30)
            check_stream_event(started, "STREAM_STARTED", server, "Opening title")
            request = receiver.requests[0]
            assert request.method == "POST" and request.path == "/owncast"
            assert request.headers["Content-Type"] == "application/json"
            assert request.headers["User-Agent"] == USER_AGENT

            for _ in range(300):
                if svc(server).lifecycle.online:
                    break
                await asyncio.sleep(0.05)
            assert svc(server).lifecycle.online

            late = await connected(http, server, "late")
            late_client = await client_id_of(http, server, "late")
            [joined] = await receiver.wait_for(1, "USER_JOINED")
            data = joined["eventData"]
            assert set(data) <= {"status", "id", "timestamp", "user", "clientId"}
            assert data["status"]["online"] is True and set(data["status"]) == STATUS_FIELDS
            assert data["user"]["displayName"] == "late"
            assert owlbot_scopes(data["user"]) == frozenset()
            assert data.get("clientId", 0) == late_client
            assert isinstance(data["id"], str) and data["id"]
            recent(data["timestamp"])

            await late.chat("hello **world**")
            broadcast = await early.expect("CHAT")
            [chat] = await receiver.wait_for(1, "CHAT")
            data = chat["eventData"]
            assert set(data) <= {
                "status",
                "user",
                "clientId",
                "body",
                "rawBody",
                "id",
                "visible",
                "timestamp",
            }
            assert data["user"]["displayName"] == "late"
            assert data["user"]["id"] == broadcast["user"]["id"]
            assert data.get("clientId", 0) == late_client
            assert data["rawBody"] == "hello **world**"
            assert data["body"] == broadcast["body"] and "<strong>world</strong>" in data["body"]
            assert data["id"] == broadcast["id"]
            assert data["visible"] is True
            recent(data["timestamp"])

            await late.send({"type": "NAME_CHANGE", "newName": "later"})
            [renamed] = await receiver.wait_for(1, "NAME_CHANGE")
            assert renamed["eventData"] == {
                "status": renamed["eventData"]["status"],
                "type": "NAME_CHANGE",
                "id": "",
                "timestamp": "0001-01-01T00:00:00Z",
                "user": renamed["eventData"]["user"],
                "clientId": late_client,
                "newName": "later",
            }
            assert renamed["eventData"]["user"]["displayName"] == "later"

            async with http.post(
                server.base_url + "/api/admin/chat/updatemessagevisibility",
                json={"idArray": [broadcast["id"]], "visible": False},
                headers=ADMIN,
            ) as response:
                assert response.status == 200
            [hidden] = await receiver.wait_for(1, "VISIBILITY-UPDATE")
            data = hidden["eventData"]
            assert set(data) == {"status", "type", "id", "timestamp", "ids", "visible"}
            assert data["type"] == "VISIBILITY-UPDATE"
            assert data["ids"] == [broadcast["id"]] and data["visible"] is False
            assert isinstance(data["id"], str) and data["id"]
            recent(data["timestamp"])

            async with http.post(
                server.base_url + "/api/admin/config/streamtitle", json={"value": "New title"}, headers=ADMIN
            ) as response:
                assert response.status == 200
            [retitled] = await receiver.wait_for(1, "STREAM_TITLE_UPDATED")
            check_stream_event(retitled, "STREAM_TITLE_UPDATED", server, "New title")
        finally:
            await stop_process(publisher)

        [stopped] = await receiver.wait_for(1, "STREAM_STOPPED", timeout=30)
        check_stream_event(stopped, "STREAM_STOPPED", server, "New title")
        assert started["eventData"]["id"] != stopped["eventData"]["id"]

        counts = {kind: len(receiver.bodies(kind)) for kind in ALL_EVENTS}
        assert counts == dict.fromkeys(ALL_EVENTS, 1)
        [listed] = await listed_webhooks(http, server)
        assert listed["id"] == hook_id
        assert listed["lastUsed"] is not None
        assert recent(listed["lastUsed"]) >= datetime.fromisoformat(listed["timestamp"])
        await early.close()
        await late.close()


@pytest.mark.alone
async def test_server_errors_are_retried_then_dropped(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    async with receiving(status=503) as failing, receiving(status=404) as missing:
        await add_webhook(http, server, failing.url(), ["CHAT"])
        await add_webhook(http, server, missing.url(), ["CHAT"])
        socket = await connected(http, server, "talker")
        await socket.chat("anyone there?")
        await failing.wait_for(4)
        await missing.wait_for(1)
        await asyncio.sleep(1.0)  # well past the back-off schedule (0.05, 0.1, 0.2 s)
        assert len(failing.requests) == 4  # the first attempt and three retries
        assert len(missing.requests) == 1  # a 4xx answer counts as delivered
        assert len({repr(r.body) for r in failing.requests}) == 1
        hooks = {hook["url"]: hook for hook in await listed_webhooks(http, server)}
        assert hooks[failing.url()]["lastUsed"] is None
        assert hooks[missing.url()]["lastUsed"] is not None
        await socket.close()


async def chat_round_trip(socket: ChatSocket, text: str) -> float:
    began = time.monotonic()
    await socket.chat(text)
    while True:
        event = await socket.expect("CHAT")
        if event["body"] == text:
            return time.monotonic() - began


async def test_hanging_and_dead_receivers_do_not_slow_chat(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    async with receiving(hang=True) as hanging:
        await add_webhook(http, server, hanging.url("/slow"), ["CHAT", "USER_JOINED"])
        await add_webhook(http, server, f"http://127.0.0.1:{unused_port()}/dead", ["CHAT"])
        sockets = [await connected(http, server, f"user{n}") for n in range(4)]
        times: list[float] = []
        for round_number in range(4):
            for index, socket in enumerate(sockets):
                times.append(await chat_round_trip(socket, f"r{round_number}u{index}"))
            await asyncio.sleep(0.1)
        await hanging.wait_for(8)  # every worker is stuck on the receiver that never answers
        # A chat message waiting on a delivery would take the 3 s webhook timeout; the margins are wide
        # because CI runs this beside a browser test on two cores.
        assert max(times) < 1.5, times
        assert statistics.median(times) < 0.25, times
        for socket in sockets:
            await socket.close()


async def test_deleted_webhook_gets_nothing_more(server: RunningServer, http: aiohttp.ClientSession) -> None:
    async with receiving() as receiver:
        hook_id = await add_webhook(http, server, receiver.url(), ["CHAT"])
        socket = await connected(http, server, "talker")
        await socket.chat("one")
        await receiver.wait_for(1)
        async with http.post(
            server.base_url + "/api/admin/webhooks/delete", json={"id": hook_id}, headers=ADMIN
        ) as response:
            assert response.status == 200
        await socket.chat("two")
        await socket.expect("CHAT")
        await socket.expect("CHAT")
        await asyncio.sleep(0.3)
        assert [body["eventData"]["rawBody"] for body in receiver.bodies()] == ["one"]
        await socket.close()
