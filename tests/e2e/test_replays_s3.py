"""Replays with S3 storage, end to end: real server, real ffmpeg publisher, a real S3 API (moto). The
replay's segments and init segment are uploaded to the bucket under `recordings/<id>/` (nothing of the
video kept on local disk, the thumbnail is), its playlist names the bucket's URLs, its `media/…` URLs
redirect there, the replay page plays it in chromium from the bucket, `download.mp4` is remuxed from
the bucket, and the admin's delete removes the objects. A clip cut from it while it is recorded is copied
inside the bucket under `clips/<id>/`, played and downloaded from there after its replay is gone, and
deleted there."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest

from tests.browser import chromium
from tests.e2e.test_replays import (
    download,
    extinf_total,
    online,
    playlist,
    publish_for,
    recorded_seconds,
    replays,
)
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer, admin_auth
from tests.hls_storage.moto_s3 import MotoS3, create_public_bucket, list_keys
from tests.media import Clip, start_publisher, stop_process
from tests.replays.test_download import mp4_duration

pytestmark = [pytest.mark.e2e, pytest.mark.browser]


@pytest.fixture
async def s3() -> AsyncIterator[MotoS3]:
    server = MotoS3()
    await asyncio.to_thread(server.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)


async def test_a_replay_is_recorded_to_the_bucket_played_downloaded_and_deleted_there(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip, s3: MotoS3, tmp_path: Path
) -> None:
    services = server.server.services
    assert services is not None
    bucket = await create_public_bucket(s3)
    await services.config.update(s3=s3.config(bucket), replays_reconnect_window=0)
    await publish_for(clip, http, server.base_url, server.rtmp_url(), 3)

    async def finalised() -> bool:
        listed = await replays(http, server.base_url)
        return bool(listed) and listed[0]["endTime"] is not None

    await wait_until(finalised, 15, "the replay to be finalised")
    (replay,) = await replays(http, server.base_url)
    replay_id = replay["id"]
    prefix = f"{s3.endpoint}/{bucket}/recordings/{replay_id}/"

    text = await playlist(http, server.base_url, replay_id)
    assert text.rstrip().endswith("#EXT-X-ENDLIST")
    uris = [line for line in text.splitlines() if line and not line.startswith("#")]
    maps = [
        line.split('URI="')[1].rstrip('"') for line in text.splitlines() if line.startswith("#EXT-X-MAP:")
    ]
    assert uris and maps and all(uri.startswith(prefix) for uri in uris + maps), text
    keys = await list_keys(s3, bucket, "recordings/")
    names = sorted(uri.removeprefix(prefix) for uri in {*uris, *maps})
    assert keys == [f"recordings/{replay_id}/{name}" for name in names]
    for uri in uris[:2] + maps:
        async with http.get(uri) as response:
            assert response.status == 200 and response.headers["Content-Type"] == "video/mp4"

    # Nothing of the video on local disk; the thumbnail is there, served by the origin.
    async def has_thumbnail() -> bool:
        return (await replays(http, server.base_url))[0]["thumbnail"] is not None

    await wait_until(has_thumbnail, 10, "the replay's thumbnail")
    folder = server.data_dir / "recordings" / replay_id

    async def media_removed() -> bool:
        return sorted(path.name for path in folder.iterdir()) == ["thumbnail.jpg"]

    await wait_until(media_removed, 10, "the thumbnail's local media copies removed")
    assert await services.replays.used_bytes() == 0
    assert await services.replays.bucket_bytes() == replay["size"] > 0

    # A `media/…` URL (as a local replay's playlist names them) leads to the bucket.
    first = uris[0].removeprefix(prefix)
    async with http.get(
        f"{server.base_url}/replay/{replay_id}/media/{first}", allow_redirects=False
    ) as response:
        assert response.status == 302 and response.headers["Location"] == uris[0]

    # The replay page plays it to the end, the video coming from the bucket.
    async with chromium() as browser:
        page = await browser.new_page(viewport={"width": 1280, "height": 800})
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        await page.goto(f"{server.base_url}/replay/{replay_id}")
        await page.wait_for_function(
            "() => { const v = document.querySelector('#replay-video'); return v && v.readyState >= 1 }",
            timeout=20_000,
        )
        duration = float(await page.evaluate("() => document.querySelector('#replay-video').duration"))
        assert abs(duration - extinf_total(text)) <= 1.0  # within one segment
        await page.evaluate(
            "() => { const v = document.querySelector('#replay-video'); v.muted = true; v.play() }"
        )
        await page.wait_for_function("() => document.querySelector('#replay-video').ended", timeout=30_000)
        assert any(url.startswith(prefix) and url.endswith(".m4s") for url in requested), requested
        assert not any("/media/" in url for url in requested if url.startswith(server.base_url))
        await page.close()

    target = tmp_path / "replay.mp4"
    await download(http, server.base_url, replay_id, target)
    assert abs(mp4_duration(target) - extinf_total(text)) <= 1.0  # within one segment

    async with http.delete(
        f"{server.base_url}/api/admin/replays/{replay_id}", headers=admin_auth()
    ) as response:
        assert response.status == 200, await response.text()
    assert await list_keys(s3, bucket, "recordings/") == []
    assert not folder.exists()
    assert await replays(http, server.base_url) == []


async def test_a_replay_under_a_path_prefix_still_plays_after_the_admin_changes_the_prefix(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip, s3: MotoS3, tmp_path: Path
) -> None:
    """Newer Owncast's S3 `pathPrefix`: the replay is recorded under `<pathPrefix>/recordings/<id>/`,
    beside the live stream's `<pathPrefix>/hls/`; after the admin sets another prefix its playlist, its
    `media/…` redirects and `download.mp4` still reach it there, and its delete removes it there."""
    services = server.server.services
    assert services is not None
    bucket = await create_public_bucket(s3)
    await services.config.update(s3=s3.config(bucket, pathPrefix="shows/2026"), replays_reconnect_window=0)
    await publish_for(clip, http, server.base_url, server.rtmp_url(), 3)

    async def finalised() -> bool:
        listed = await replays(http, server.base_url)
        return bool(listed) and listed[0]["endTime"] is not None

    await wait_until(finalised, 15, "the replay to be finalised")
    (replay,) = await replays(http, server.base_url)
    replay_id = replay["id"]
    folder = f"shows/2026/recordings/{replay_id}/"
    recorded = await list_keys(s3, bucket, folder)
    assert recorded and await list_keys(s3, bucket, "recordings/") == []
    assert await list_keys(s3, bucket, "shows/2026/hls/"), "the live stream under the same prefix"

    moved = s3.config(bucket, pathPrefix="elsewhere").model_dump(by_alias=True)
    async with http.post(
        f"{server.base_url}/api/admin/config/s3", json={"value": moved}, headers=admin_auth()
    ) as response:
        assert response.status == 200, await response.text()
    assert services.config.current.s3.path_prefix == "elsewhere"

    text = await playlist(http, server.base_url, replay_id)
    uris = [line for line in text.splitlines() if line and not line.startswith("#")]
    prefix = f"{s3.endpoint}/{bucket}/{folder}"
    assert uris and all(uri.startswith(prefix) for uri in uris), text
    for uri in uris[:2]:
        async with http.get(uri) as response:
            assert response.status == 200 and response.headers["Content-Type"] == "video/mp4"
    first = uris[0].removeprefix(prefix)
    async with http.get(
        f"{server.base_url}/replay/{replay_id}/media/{first}", allow_redirects=False
    ) as response:
        assert response.status == 302 and response.headers["Location"] == uris[0]
    target = tmp_path / "replay.mp4"
    await download(http, server.base_url, replay_id, target)
    assert abs(mp4_duration(target) - extinf_total(text)) <= 1.0

    async with http.delete(
        f"{server.base_url}/api/admin/replays/{replay_id}", headers=admin_auth()
    ) as response:
        assert response.status == 200, await response.text()
    assert await list_keys(s3, bucket, folder) == []
    assert await replays(http, server.base_url) == []


CLIP_SECONDS = 3.0
SEGMENT = 1.0
"""Segment length at latency level 0 (the e2e server's)."""


async def test_a_clip_of_a_bucket_replay_is_copied_in_the_bucket_played_downloaded_and_deleted_there(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip, s3: MotoS3, tmp_path: Path
) -> None:
    """The defect this pins: cutting a clip of a replay recorded to S3 read the replay's local folder and
    failed ("the replay was deleted while the clip was cut")."""
    services = server.server.services
    assert services is not None
    bucket = await create_public_bucket(s3)
    await services.config.update(s3=s3.config(bucket), replays_reconnect_window=0)
    publisher = await start_publisher(clip, server.rtmp_url())
    try:

        async def enough_recorded() -> bool:
            return await recorded_seconds(http, server.base_url) >= CLIP_SECONDS + 2

        await wait_until(enough_recorded, 40, "5 s recorded")
        async with http.post(
            f"{server.base_url}/api/admin/clips", json={"start": -CLIP_SECONDS}, headers=admin_auth()
        ) as response:
            assert response.status == 201, await response.text()
            made = await response.json()
        assert await online(http, server.base_url), "cut while the replay is being recorded"
    finally:
        await stop_process(publisher)
    clip_id, replay_id = made["id"], made["replayId"]
    prefix = f"{s3.endpoint}/{bucket}/clips/{clip_id}/"

    async def finalised() -> bool:
        listed = await replays(http, server.base_url)
        return bool(listed) and listed[0]["endTime"] is not None

    await wait_until(finalised, 30, "the replay to be finalised")
    # The replay goes; the clip has its own copy.
    async with http.delete(
        f"{server.base_url}/api/admin/replays/{replay_id}", headers=admin_auth()
    ) as response:
        assert response.status == 200, await response.text()
    assert await list_keys(s3, bucket, "recordings/") == []

    async with http.get(f"{server.base_url}/clip/{clip_id}/stream.m3u8") as response:
        assert response.status == 200
        text = await response.text()
    assert text.rstrip().endswith("#EXT-X-ENDLIST") and "#EXT-X-PLAYLIST-TYPE:VOD" in text
    assert abs(extinf_total(text) - made["duration"]) < 0.01
    uris = [line for line in text.splitlines() if line and not line.startswith("#")]
    maps = [
        line.split('URI="')[1].rstrip('"') for line in text.splitlines() if line.startswith("#EXT-X-MAP:")
    ]
    assert uris and maps and all(uri.startswith(prefix) for uri in uris + maps), text
    names = sorted(uri.removeprefix(prefix) for uri in {*uris, *maps})
    assert await list_keys(s3, bucket, "clips/") == [f"clips/{clip_id}/{name}" for name in names]
    for uri in uris + maps:
        async with http.get(uri) as response:
            assert response.status == 200 and response.headers["Content-Type"] == "video/mp4"
    assert not (server.data_dir / "clips" / clip_id).exists(), "nothing of it on local disk"

    first = uris[0].removeprefix(prefix)
    async with http.get(f"{server.base_url}/clip/{clip_id}/media/{first}", allow_redirects=False) as response:
        assert response.status == 302 and response.headers["Location"] == uris[0]

    target = tmp_path / "clip.mp4"
    async with http.get(f"{server.base_url}/clip/{clip_id}/download.mp4") as response:
        assert response.status == 200 and response.headers["Content-Type"] == "video/mp4"
        target.write_bytes(await response.read())
    assert abs(mp4_duration(target) - extinf_total(text)) <= SEGMENT  # within one segment
    assert abs(mp4_duration(target) - CLIP_SECONDS) <= SEGMENT

    # A bucket that cannot be reached: 503, and the clip stays listed until it can be deleted there.
    delete = f"{server.base_url}/api/admin/clips/{clip_id}"
    await asyncio.to_thread(s3.stop)
    try:
        async with http.delete(delete, headers=admin_auth()) as response:
            assert response.status == 503, await response.text()
        async with http.get(f"{server.base_url}/api/clips") as response:
            assert [listed["id"] for listed in await response.json()] == [clip_id]
    finally:
        await asyncio.to_thread(s3.start)
    async with http.delete(delete, headers=admin_auth()) as response:
        assert response.status == 200, await response.text()
    assert await list_keys(s3, bucket, "clips/") == []
    async with http.get(f"{server.base_url}/api/clips") as response:
        assert await response.json() == []
