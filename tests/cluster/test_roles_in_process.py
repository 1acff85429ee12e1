"""A media and a web server in this process (PostgreSQL and Redis real, started by the tests): the web
server follows the media server's stream state from the bus, catches up with it when it starts late,
forwards `/hls/` with the client's address, hands an admin's disconnect to the media server, has the
media server answer the admin's simulcast routes, and a logout through it ends the session on the media
server. (The same runs as separate processes in test_roles.py; here the code is measured by coverage
too.)"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import aiohttp

from ownstream.events import StreamDisconnectRequested, StreamOnline, StreamStarted, StreamStopped
from tests.api.admin_login import log_in
from tests.e2e.waiting import wait_until
from tests.harness import admin_auth, make_settings, running_server
from tests.postgres import database_url_for
from tests.redis_server import RedisServer


async def eventually(check: Callable[[], bool], timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, "timed out"
        await asyncio.sleep(0.02)


async def test_a_web_server_follows_forwards_and_relays_to_the_media_server(
    postgres_admin_url: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    database_url = database_url_for(postgres_admin_url, tmp_path)
    media_settings = dataclasses.replace(
        make_settings(tmp_path / "media"),
        database_server=database_url,
        redis_url=redis_server.url,
        role="media",
    )
    async with running_server(tmp_path / "media", media_settings) as media:
        assert media.server.services is not None
        media_bus = media.server.bus
        asked: list[object] = []
        media_bus.subscribe_elsewhere(StreamDisconnectRequested, asked.append)
        started = datetime(2026, 12, 2, 8, 0, tzinfo=UTC)
        media_bus.publish(StreamStarted(stream_id="s1", started_at=started))
        media_bus.publish(StreamOnline(stream_id="s1"))
        await media_bus.drain()
        web_settings = dataclasses.replace(
            make_settings(tmp_path / "web"),
            database_server=database_url,
            redis_url=redis_server.url,
            role="web",
            process_slot=1,
            media_url=media.base_url,
        )
        async with running_server(tmp_path / "web", web_settings) as web, aiohttp.ClientSession() as http:
            services = web.server.services
            assert services is not None
            assert web.server.rtmp_port == 0  # no RTMP listener on a web process

            # Started while the stream was live: caught up from the state the media server keeps.
            async def caught_up() -> bool:
                return services.lifecycle.online and services.stats.last_connect_time == started

            await wait_until(caught_up, 5, "the web process caught up with the live stream")
            async with http.get(web.base_url + "/api/status") as response:
                assert (await response.json())["online"] is True

            async with http.get(web.base_url + "/hls/stream.m3u8?x=1") as response:
                assert response.status == 404  # the media server's answer: nothing packaged here
                assert response.headers["Access-Control-Allow-Origin"] == "*"

            # Simulcast is the media server's: written and read through the web server, answered there.
            assert media.server.services is not None
            on_media = media.server.services.simulcast
            dashboard = await log_in(http, web.base_url)
            restream = web.base_url + "/api/admin/restream"
            async with http.post(
                restream + "/destinations/create",
                json={"name": "Friend", "url": "rtmp://127.0.0.1:9/live/friend-key-0123", "enabled": False},
                headers=dashboard.headers(),
            ) as response:
                assert response.status == 200, await response.text()
                created = await response.json()
            assert [destination.id for destination in on_media.destinations()] == [created["id"]]
            # The web server's own copy is not asked; it is read again after a write, so its log filter
            # knows the new stream key.
            assert "friend-key-0123" in services.simulcast.secrets()
            async with http.post(
                restream + "/destinations/update",
                json={"id": created["id"], "name": "Friend's"},
                headers=dashboard.headers(csrf=False),
            ) as response:
                assert response.status == 403, "the CSRF token is wanted here already"
            async with http.post(
                restream + "/destinations/update",
                json={"id": created["id"], "name": "Friend's"},
                headers=admin_auth(),
            ) as response:
                assert (await response.json())["name"] == "Friend's"
            async with http.get(restream + "/status", headers=admin_auth()) as response:
                assert [(entry["name"], entry["state"]) for entry in await response.json()] == [
                    ("Friend's", "idle")
                ]
            async with http.post(
                restream + "/destinations/delete", json={"id": created["id"]}, headers=admin_auth()
            ) as response:
                assert (await response.json())["success"] is True
            assert on_media.destinations() == []
            assert services.simulcast.destinations() == []

            # A logout through the web server: the media server refuses the cookie at once.
            async with http.get(
                media.base_url + "/api/admin/status", headers=dashboard.headers()
            ) as response:
                assert response.status == 200
            async with http.post(
                web.base_url + "/admin/logout",
                json={"csrf": dashboard.csrf},
                headers={"Cookie": dashboard.cookie},
            ) as response:
                assert response.status == 200

            async def refused_on_media() -> bool:
                async with http.get(
                    media.base_url + "/api/admin/status", headers=dashboard.headers()
                ) as answer:
                    return answer.status == 401

            await wait_until(refused_on_media, 1, "the logged-out cookie refused by the media server")

            async with http.post(web.base_url + "/api/admin/disconnect", headers=admin_auth()) as response:
                assert (await response.json())["success"] is True
            await eventually(lambda: bool(asked))

            stopped = datetime(2026, 12, 2, 9, 0, tzinfo=UTC)
            media_bus.publish(StreamStopped(stream_id="s1", stopped_at=stopped))
            await eventually(lambda: not services.lifecycle.online)
            assert services.stats.last_disconnect_time == stopped
            async with http.get(web.base_url + "/api/status") as response:
                assert (await response.json())["online"] is False


async def test_a_web_server_whose_media_server_is_gone_answers_hls_and_simulcast_with_502(
    postgres_admin_url: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    settings = dataclasses.replace(
        make_settings(tmp_path / "web"),
        database_server=database_url_for(postgres_admin_url, tmp_path),
        redis_url=redis_server.url,
        role="web",
        process_slot=1,
        media_url="http://127.0.0.1:9",  # the discard port: nobody answers
    )
    async with running_server(tmp_path / "web", settings) as web, aiohttp.ClientSession() as http:
        async with http.get(web.base_url + "/hls/stream.m3u8") as response:
            assert response.status == 502
            assert response.headers["Access-Control-Allow-Origin"] == "*"
            assert "error" in await response.json()
        async with http.get(web.base_url + "/api/admin/restream/status", headers=admin_auth()) as response:
            assert response.status == 502
            assert (await response.json())["success"] is False
