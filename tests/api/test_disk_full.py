"""A full disk, for real: the data dir on a small tmpfs, filled up while the server runs.

Writes answer 503 in the endpoint's own shape, the chat sender is told, a playlist is never served
empty, the log gets no traceback (one line a minute at most), and after space is freed everything
works again with nothing stored lost or corrupted.
"""

from __future__ import annotations

import base64
import logging
import sqlite3
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import aiohttp
import pytest

from tests.chat.client import ChatSocket, register
from tests.harness import RunningServer, admin_auth, running_server
from tests.small_disk import fill, mounted_tmpfs

pytestmark = pytest.mark.sqlite_only  # the SQLite file on a full disk (PostgreSQL's disk is its server's)

DISK_FULL = "the server's disk is full; try again later"
GOOD_PLAYLIST = b"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXTINF:1.0,\nstream-a-0.ts\n"


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    with mounted_tmpfs(tmp_path / "disk", size_mb=24) as mount_point:
        yield mount_point


@pytest.fixture
async def server(small_disk: Path) -> AsyncIterator[RunningServer]:
    async with running_server(small_disk / "data") as running:
        yield running


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


def tracebacks(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.exc_info or "Traceback" in r.getMessage()]


def disk_full_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if "the disk is full" in r.getMessage()]


async def post(http: aiohttp.ClientSession, url: str, **kwargs: object) -> tuple[int, object]:
    async with http.post(url, **kwargs) as response:  # type: ignore[arg-type]
        return response.status, await response.json()


async def test_a_full_disk_answers_503_tells_the_sender_and_recovers(
    server: RunningServer, http: aiohttp.ClientSession, small_disk: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    base = server.base_url
    services = server.server.services
    assert services is not None
    alice = await register(http, base, "alice")
    bob = await register(http, base, "bob")
    sender = await ChatSocket.open(http, base, alice.token)
    watcher = await ChatSocket.open(http, base, bob.token)
    await sender.expect("CONNECTED_USER_INFO")
    await watcher.expect("CONNECTED_USER_INFO")
    await sender.chat("before the disk filled up")
    assert (await watcher.expect("CHAT"))["body"] == "before the disk filled up"
    hook = await services.webhooks.create("http://127.0.0.1:9/hook", ["CHAT"], services.clock.now())
    variant = server.data_dir / "hls" / "0"
    variant.mkdir(parents=True, exist_ok=True)
    (variant / "stream.m3u8").write_bytes(GOOD_PLAYLIST)
    async with http.get(base + "/hls/0/stream.m3u8") as response:
        assert response.status == 200 and await response.read() == GOOD_PLAYLIST

    filler = fill(small_disk, database=server.data_dir / "ownstream.db")
    caplog.clear()

    # Registration (simple response shape), a setter (simple), a webhook (error object), the logo.
    for _ in range(20):
        status, body = await post(http, base + "/api/chat/register", json={"displayName": "carol"})
        assert (status, body) == (503, {"success": False, "message": DISK_FULL})
    status, body = await post(
        http, base + "/api/admin/config/name", json={"value": "Renamed"}, headers=admin_auth()
    )
    assert (status, body) == (503, {"success": False, "message": DISK_FULL})
    async with http.get(base + "/api/config") as response:
        assert (await response.json())["name"] != "Renamed"  # a failed write changes nothing
    status, body = await post(
        http,
        base + "/api/admin/webhooks/create",
        json={"url": "http://127.0.0.1:9/hook", "events": ["CHAT"]},
        headers=admin_auth(),
    )
    assert (status, body) == (503, {"error": DISK_FULL})
    logo = "data:image/png;base64," + base64.b64encode(b"\x89PNG\r\n\x1a\n" + bytes(300_000)).decode()
    status, body = await post(
        http, base + "/api/admin/config/logo", json={"value": logo}, headers=admin_auth()
    )
    assert (status, body) == (503, {"success": False, "message": DISK_FULL})

    # The sender hears why; nobody else gets a message that was not stored.
    await sender.chat("while the disk is full")
    notice = await sender.expect("CHAT_ACTION")
    assert "could not be saved" in notice["body"] and "disk is full" in notice["body"]
    await sender.send({"type": "NAME_CHANGE", "newName": "alice2"})
    notice = await sender.expect("CHAT_ACTION")
    assert "new name could not be saved" in notice["body"] and "disk is full" in notice["body"]
    assert (await sender.expect("CONNECTED_USER_INFO"))["user"]["displayName"] == "alice"
    await watcher.expect_silence(0.5)

    # ffmpeg, short of space, renamed an empty playlist into place: the last good one is served.
    (variant / "stream.m3u8").write_bytes(b"")
    async with http.get(base + "/hls/0/stream.m3u8") as response:
        assert response.status == 200
        assert await response.read() == GOOD_PLAYLIST
    # An empty playlist never served before: 503, never a 200 with nothing in it.
    (variant / "other.m3u8").write_bytes(b"")
    async with http.get(base + "/hls/0/other.m3u8") as response:
        assert response.status == 503

    # Bookkeeping a delivered webhook and a stream's end write too; neither may fail for want of space
    # (the times stay in memory; the periodic stats save retries).
    delivered_at = services.clock.now()
    await services.webhooks.mark_used(hook.id, delivered_at)
    assert services.webhooks.all()[0].last_used == delivered_at
    await services.stats.stream_disconnected()

    assert tracebacks(caplog) == []
    assert len(disk_full_lines(caplog)) == 1, disk_full_lines(caplog)

    filler.unlink()

    carol = await register(http, base, "carol")
    status, body = await post(
        http, base + "/api/admin/config/name", json={"value": "Renamed"}, headers=admin_auth()
    )
    assert (status, body) == (200, {"success": True, "message": "changed"})
    await sender.chat("after space was freed")
    assert (await watcher.expect("CHAT"))["body"] == "after space was freed"
    fresh = GOOD_PLAYLIST + b"#EXTINF:1.0,\nstream-a-1.ts\n"
    (variant / "stream.m3u8").write_bytes(fresh)
    async with http.get(base + "/hls/0/stream.m3u8") as response:
        assert await response.read() == fresh
    async with http.get(base + "/api/chat", params={"accessToken": carol.token}) as response:
        bodies = [message["body"] for message in await response.json()]
    assert bodies == ["before the disk filled up", "after space was freed"]
    await sender.ws.close()
    await watcher.ws.close()
    assert tracebacks(caplog) == []


async def test_nothing_stored_is_lost_or_corrupted(small_disk: Path) -> None:
    data_dir = small_disk / "data"
    async with running_server(data_dir) as running, aiohttp.ClientSession() as http:
        before = [await register(http, running.base_url, f"user{i}") for i in range(5)]
        filler = fill(small_disk, database=data_dir / "ownstream.db")
        for _ in range(30):
            async with http.post(running.base_url + "/api/chat/register", json={}) as response:
                assert response.status == 503
        filler.unlink()
        after = await register(http, running.base_url, "after")
    with sqlite3.connect(data_dir / "ownstream.db") as db:
        assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        names = {row[0] for row in db.execute("SELECT display_name FROM users")}
    assert {user.name for user in [*before, after]} <= names
