"""Admin simulcast endpoints (ours, issue 14): shapes, validation as the rest of the admin API (a clear
400 that stores nothing), persistence across a restart, and the stream key kept out of logs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from ownstream.transcode.variants import StreamVariant
from tests.harness import RunningServer, admin_auth, running_server

ADMIN = admin_auth()
BASE = "/api/admin/restream/destinations"
YOUTUBE = "rtmps://a.rtmp.youtube.com/live2/abcd-efgh-ijkl-mnop-qrst"


async def call(
    http: aiohttp.ClientSession, server: RunningServer, path: str, body: Any = None, method: str = "POST"
) -> tuple[int, Any]:
    data = body if isinstance(body, bytes) else None
    payload = None if isinstance(body, bytes) else body
    async with http.request(
        method, server.base_url + path, json=payload, data=data, headers=ADMIN
    ) as response:
        return response.status, await response.json()


async def listed(http: aiohttp.ClientSession, server: RunningServer) -> list[dict[str, Any]]:
    status, body = await call(http, server, BASE, method="GET")
    assert status == 200
    return list(body)


async def test_create_list_update_delete(
    server: RunningServer, http: aiohttp.ClientSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    assert await listed(http, server) == []
    status, created = await call(http, server, BASE + "/create", {"name": " YouTube ", "url": YOUTUBE})
    assert status == 200
    assert created["id"] >= 1 and created["name"] == "YouTube" and created["url"] == YOUTUBE
    assert created["displayUrl"] == "rtmps://a.rtmp.youtube.com/live2/••••qrst"
    assert created["enabled"] is True and created["variant"] is None
    assert await listed(http, server) == [created]

    status, updated = await call(http, server, BASE + "/update", {"id": created["id"], "enabled": False})
    assert status == 200 and updated["enabled"] is False and updated["url"] == YOUTUBE
    status, renamed = await call(http, server, BASE + "/update", {"id": created["id"], "name": "YT"})
    assert renamed["name"] == "YT" and renamed["enabled"] is False

    status, states = await call(http, server, "/api/admin/restream/status", method="GET")
    assert status == 200
    assert states == [
        {
            "id": created["id"],
            "name": "YT",
            "displayUrl": created["displayUrl"],
            "enabled": False,
            "variant": None,
            "state": "idle",
            "bitrate": 0,
            "uptime": None,
            "retryIn": None,
            "lastError": None,
            "restarts": 0,
            "bytesSent": 0,
        }
    ]
    status, answer = await call(http, server, BASE + "/delete", {"id": created["id"]})
    assert (status, answer) == (200, {"success": True, "message": "deleted simulcast destination"})
    assert await listed(http, server) == []
    assert "abcd-efgh-ijkl-mnop-qrst" not in caplog.text
    assert (
        "simulcast destination 1 (YouTube, rtmps://a.rtmp.youtube.com/live2/••••qrst) created" in caplog.text
    )


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ({"name": "X", "url": "http://example.com/live/key"}, "the URL must be rtmp:// or rtmps://"),
        ({"name": "X", "url": "rtmp://example.com/key"}, "the URL has no stream key"),
        ({"name": "X", "url": "rtmp://example.com/live/"}, "the URL has no stream key"),
        ({"name": "X", "url": "rtmp:///live/key"}, "the URL has no valid host"),
        ({"name": "X", "url": "rtmp://example.com:99999/live/key"}, "the URL's port must be"),
        ({"name": "X", "url": "rtmp://user:pw@example.com/live/key"}, "may not carry a user name"),
        ({"name": "X", "url": "rtmp://example.com/live/a key"}, "may not contain spaces"),
        ({"name": "X", "url": 5}, "the URL must be a string"),
        ({"name": "", "url": YOUTUBE}, "give the destination a name"),
        ({"name": "x" * 101, "url": YOUTUBE}, "the name is longer than 100"),
        ({"name": "X", "url": YOUTUBE, "variant": 1}, "unknown variant 1"),
        ({"name": "X", "url": YOUTUBE, "variant": "0"}, "variant must be the index"),
        ({"name": "X", "url": YOUTUBE, "variant": True}, "variant must be the index"),
        ({"name": "X", "url": YOUTUBE, "enabled": "yes"}, "enabled"),
        ({"url": YOUTUBE}, "name"),
        (b"{not json", "unable to parse request"),
    ],
)
async def test_bad_create_is_a_clear_400_and_stores_nothing(
    server: RunningServer, http: aiohttp.ClientSession, body: Any, message: str
) -> None:
    status, answer = await call(http, server, BASE + "/create", body)
    assert status == 400
    assert answer["success"] is False and message in answer["message"], answer
    assert await listed(http, server) == []


async def test_bad_update_or_delete_changes_nothing(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    _, created = await call(
        http, server, BASE + "/create", {"name": "Twitch", "url": YOUTUBE, "enabled": False}
    )
    for body in (
        {"id": created["id"], "url": "rtmp://nowhere"},
        {"id": created["id"], "name": "   "},
        {"id": created["id"], "variant": 3},
        {"id": created["id"] + 1, "name": "Other"},
        {"id": "1", "name": "Other"},
        {"name": "Other"},
    ):
        status, answer = await call(http, server, BASE + "/update", body)
        assert status == 400 and answer["success"] is False, body
    status, answer = await call(http, server, BASE + "/delete", {"id": created["id"] + 1})
    assert status == 400 and "no simulcast destination has id" in answer["message"]
    assert await listed(http, server) == [created]


async def test_actions_want_post(server: RunningServer, http: aiohttp.ClientSession) -> None:
    for action in ("/create", "/update", "/delete"):
        status, answer = await call(http, server, BASE + action, method="GET")
        assert (status, answer) == (400, {"success": False, "message": "GET not supported"})


async def test_variant_is_checked_against_the_video_settings(
    server: RunningServer, http: aiohttp.ClientSession
) -> None:
    assert server.server.services is not None
    variants = (StreamVariant(video_passthrough=True), StreamVariant(video_bitrate=400, scaled_height=90))
    await server.server.services.config.update(video_variants=variants)
    status, created = await call(
        http, server, BASE + "/create", {"name": "Small", "url": YOUTUBE, "variant": 1}
    )
    assert status == 200 and created["variant"] == 1
    status, updated = await call(http, server, BASE + "/update", {"id": created["id"], "variant": None})
    assert status == 200 and updated["variant"] is None


async def test_destinations_survive_a_restart(tmp_path: Path) -> None:
    async with running_server(tmp_path / "data") as server, aiohttp.ClientSession() as http:
        _, created = await call(
            http, server, BASE + "/create", {"name": "Kick", "url": YOUTUBE, "enabled": False}
        )
    async with running_server(tmp_path / "data") as server, aiohttp.ClientSession() as http:
        assert await listed(http, server) == [created]


async def test_routes_need_the_admin(server: RunningServer, http: aiohttp.ClientSession) -> None:
    for method, path in (
        ("GET", BASE),
        ("GET", "/api/admin/restream/status"),
        ("POST", BASE + "/create"),
        ("POST", BASE + "/update"),
        ("POST", BASE + "/delete"),
    ):
        async with http.request(
            method, server.base_url + path, json={"name": "x", "url": YOUTUBE}
        ) as response:
            assert response.status == 401, path
    assert await listed(http, server) == []
