"""Go-live notifications end to end (notifications/service.py, api/routes/notifications.py): a real server,
a real stream pushed by ffmpeg, browser subscriptions registered through the API, and a push-service
stand-in that verifies the VAPID signature and decrypts each message; Discord to a local receiver."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from tests.harness import RunningServer, admin_auth, make_settings, running_server
from tests.media import Clip, encode_clip, start_publisher, stop_process
from tests.notifications.push_service import push_service
from tests.webhooks.receiver import receiving

CHANNEL = "BROWSER_PUSH_NOTIFICATION"


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory) -> Clip:
    return encode_clip(tmp_path_factory.mktemp("media") / "clip.flv", seconds=2)


@pytest.fixture
async def server(tmp_path: Path) -> AsyncIterator[RunningServer]:
    # The push-service stand-in listens on loopback: only --allow-private-addresses lets pushes reach it.
    settings = replace(
        make_settings(tmp_path / "data", go_live_notification_delay=0.5), allow_private_addresses=True
    )
    async with running_server(tmp_path / "data", settings) as running:
        yield running


async def chat_token(http: aiohttp.ClientSession) -> str:
    async with http.post("/api/chat/register", json={"displayName": "fan"}) as response:
        return str((await response.json())["accessToken"])


async def register(http: aiohttp.ClientSession, token: str, body: Any) -> tuple[int, str]:
    async with http.post("/api/notifications/register", params={"accessToken": token}, json=body) as response:
        return response.status, await response.text()


async def test_going_live_pushes_to_every_subscription_and_posts_to_discord(
    server: RunningServer, clip: Clip
) -> None:
    async with (
        push_service() as pushes,
        receiving() as discord,
        aiohttp.ClientSession(server.base_url) as http,
    ):
        async with http.get("/api/config") as response:
            public_key = (await response.json())["notifications"]["browser"]["publicKey"]
        token = await chat_token(http)
        for name, gone in (("alice", False), ("bob", False), ("expired", True)):
            status, text = await register(
                http, token, {"channel": CHANNEL, "destination": pushes.subscribe(name, gone=gone).to_json()}
            )
            assert (status, text) == (200, "")
        # the same subscription again is still one subscription
        assert (
            await register(
                http, token, {"channel": CHANNEL, "destination": pushes.subscriptions["alice"].to_json()}
            )
        )[0] == 200
        admin = admin_auth()
        for path, value in (
            (
                "notifications/discord",
                {"enabled": True, "webhook": discord.url("/discord"), "goLiveMessage": "On air"},
            ),
            ("notifications/browser", {"enabled": True, "goLiveMessage": "Come watch"}),
            ("name", "Bench Builders"),
            ("serverurl", "https://stream.example"),
        ):
            async with http.post(
                f"/api/admin/config/{path}", headers=admin, json={"value": value}
            ) as response:
                assert response.status == 200, await response.text()
        await server.server.services.config.update(stream_title="Sanding")  # type: ignore[union-attr]

        publisher = await start_publisher(clip, server.rtmp_url())
        try:
            delivered = await pushes.wait_for(2)
            [discord_post] = await discord.wait_for(1)
        finally:
            await stop_process(publisher)

    assert pushes.refused == []
    assert sorted(d.subscription for d in delivered) == ["alice", "bob"]
    for message in delivered:
        assert message.payload == {"title": "Bench Builders", "body": "Come watch", "icon": "/logo"}
        assert message.sender_key == public_key
        assert message.claims["sub"] == "https://stream.example"
        assert message.headers["TTL"] == "120" and message.headers["Topic"] == "owncast-go-live"
    assert discord_post == {
        "username": "Bench Builders",
        "content": "On air\nSanding\n\nhttps://stream.example",
        "avatar_url": "https://stream.example/logo",
    }
    # The push service said the third one is gone: it is forgotten.
    with sqlite3.connect(server.data_dir / "ownstream.db") as connection:
        stored = [row[0] for row in connection.execute("SELECT destination FROM notifications")]
    assert len(stored) == 2 and not any("/push/expired" in text for text in stored)

    # A reconnect within ten minutes notifies nobody again.
    services = server.server.services
    assert services is not None
    await services.notifications.notify_go_live()
    assert len(pushes.delivered) == 2


async def test_a_stream_that_ends_before_the_delay_notifies_nobody(tmp_path: Path, clip: Clip) -> None:
    settings = replace(
        make_settings(tmp_path / "data", go_live_notification_delay=60.0), allow_private_addresses=True
    )
    async with (
        running_server(tmp_path / "data", settings) as running,
        push_service() as pushes,
        aiohttp.ClientSession(running.base_url) as http,
    ):
        token = await chat_token(http)
        await register(http, token, {"channel": CHANNEL, "destination": pushes.subscribe("a").to_json()})
        publisher = await start_publisher(clip, running.rtmp_url(), loop=False)
        await publisher.wait()
        services = running.server.services
        assert services is not None
        for _ in range(100):
            if services.notifications._timer is None:
                break
            await asyncio.sleep(0.1)
        assert services.notifications._timer is None
    assert pushes.delivered == []


async def test_private_endpoints_are_not_reached_by_default(tmp_path: Path) -> None:
    async with (
        running_server(tmp_path / "data") as running,
        push_service() as pushes,
        aiohttp.ClientSession(running.base_url) as http,
    ):
        token = await chat_token(http)
        await register(http, token, {"channel": CHANNEL, "destination": pushes.subscribe("a").to_json()})
        services = running.server.services
        assert services is not None
        outcome = await services.notifications.send_browser_push()
    assert pushes.delivered == [] and outcome.delivered == 0 and outcome.removed == 1


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"channel": "SMOKE_SIGNALS", "destination": "x"}, "invalid notification channel: SMOKE_SIGNALS"),
        ({"channel": CHANNEL, "destination": "not a subscription"}, "unable to register for notifications"),
        ({"channel": CHANNEL}, "unable to register for notifications"),
        ([1, 2], "unable to register for notifications"),
    ],
)
async def test_register_refuses_bad_bodies_in_owncasts_words(
    server: RunningServer, body: Any, message: str
) -> None:
    async with aiohttp.ClientSession(server.base_url) as http:
        token = await chat_token(http)
        status, text = await register(http, token, body)
        assert (status, json.loads(text)) == (400, {"success": False, "message": message})


async def test_register_needs_a_post_and_a_chat_token(server: RunningServer) -> None:
    async with aiohttp.ClientSession(server.base_url) as http:
        token = await chat_token(http)
        async with http.get("/api/notifications/register", params={"accessToken": token}) as response:
            # 0.2's router (earlier releases said "GET not supported" in a simple 400)
            assert (response.status, await response.read()) == (405, b"")
        async with http.post("/api/notifications/register", json={"channel": CHANNEL}) as response:
            assert response.status == 401


async def test_the_settings_are_checked_and_shown(server: RunningServer) -> None:
    admin = admin_auth()
    async with aiohttp.ClientSession(server.base_url) as http:
        for path, value, message in (
            (
                "discord",
                {"enabled": True, "webhook": ""},
                "unable to update discord config with provided values",
            ),
            ("discord", {"enabled": "yes"}, "unable to update discord config with provided values"),
            ("discord", {"webhook": "not a url"}, "unable to update discord config with provided values"),
            ("browser", "on", "unable to update browser push config with provided values"),
            (
                "browser",
                {"enabled": True, "goLiveMessage": 5},
                "unable to update browser push config with provided values",
            ),
        ):
            async with http.post(
                f"/api/admin/config/notifications/{path}", headers=admin, json={"value": value}
            ) as response:
                assert response.status == 400
                assert await response.json() == {"success": False, "message": message}
        async with http.get("/api/admin/serverconfig", headers=admin) as response:
            assert (await response.json())["notifications"] == {
                "browser": {"enabled": True, "goLiveMessage": "The stream is live now, come and watch!"},
                "discord": {"enabled": False},
            }
        async with http.post(
            "/api/admin/config/notifications/browser", headers=admin, json={"value": {"enabled": False}}
        ) as response:
            assert await response.json() == {
                "success": True,
                "message": "updated browser push config with provided values",
            }
        async with http.get("/api/config") as response:
            assert (await response.json())["notifications"]["browser"]["enabled"] is False


async def test_the_vapid_key_survives_a_restart(tmp_path: Path) -> None:
    keys = []
    for _ in range(2):
        async with (
            running_server(tmp_path / "data") as running,
            aiohttp.ClientSession(running.base_url) as http,
            http.get("/api/config") as response,
        ):
            keys.append((await response.json())["notifications"]["browser"]["publicKey"])
    assert keys[0] == keys[1] and len(keys[0]) == 87
