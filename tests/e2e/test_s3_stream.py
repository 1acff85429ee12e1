"""End to end with S3 storage: real server, real ffmpeg publisher, a real S3 API (moto) and chromium.

The server keeps serving the master playlist; its variant URIs point into the bucket, where init segments,
segments and variant playlists are uploaded as the packager writes them. hls.js must play through the
bucket URLs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from urllib.parse import urlsplit

import aiohttp
import pytest

from ownstream.hls.playlist import map_uri, parse_master_playlist, parse_media_playlist
from tests.browser import chromium
from tests.e2e.waiting import wait_until
from tests.harness import RunningServer
from tests.hls_storage.moto_s3 import MotoS3, create_public_bucket, list_keys
from tests.media import Clip, start_publisher, stop_process

pytestmark = pytest.mark.e2e


@pytest.fixture
async def s3() -> AsyncIterator[MotoS3]:
    server = MotoS3()
    await asyncio.to_thread(server.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)


@pytest.fixture
async def bucket(s3: MotoS3, server: RunningServer) -> AsyncIterator[str]:
    """A public bucket, set as the server's S3 storage before any stream starts.

    On the way out it waits for the stream to end (final uploads included) while moto is still up.
    """
    name = await create_public_bucket(s3)
    assert server.server.services is not None
    lifecycle = server.server.services.lifecycle
    await server.server.services.config.update(s3=s3.config(name))
    yield name

    async def offline() -> bool:
        return lifecycle.state.value == "offline"

    await wait_until(offline, 30, "the stream to end")


async def fetch(http: aiohttp.ClientSession, url: str) -> tuple[int, bytes]:
    async with http.get(url) as response:
        return response.status, await response.read()


async def bucket_master(http: aiohttp.ClientSession, server: RunningServer, s3: MotoS3) -> str:
    """Wait until the server serves a master playlist pointing into the bucket, and return it."""
    found = ""

    async def served() -> bool:
        nonlocal found
        code, body = await fetch(http, server.base_url + "/hls/stream.m3u8")
        found = body.decode()
        return code == 200 and s3.endpoint in found

    await wait_until(served, 40, "a master playlist pointing at the bucket")
    return found


async def test_stream_is_uploaded_and_the_master_points_at_the_bucket(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip, s3: MotoS3, bucket: str
) -> None:
    """At latency level 0 too: object storage cannot hold blocking requests, so with S3 the stream is
    standard HLS (fMP4 segments of the level's length, no parts) served from the bucket."""
    assert server.server.services is not None
    await server.server.services.config.update(video_latency_level=0)
    publisher = await start_publisher(clip, server.rtmp_url())
    try:
        master = parse_master_playlist(await bucket_master(http, server, s3))
        assert [v.uri for v in master.variants] == [f"{s3.endpoint}/{bucket}/hls/0/stream.m3u8"]

        code, body = await fetch(http, master.variants[0].uri)
        assert code == 200
        assert b"#EXT-X-PART" not in body and b"#EXT-X-SERVER-CONTROL" not in body
        assert b"#EXT-X-TARGETDURATION:1\n" in body
        listed = [segment.uri for segment in parse_media_playlist(body.decode()).segments]
        assert listed
        keys = await list_keys(s3, bucket)
        assert all(f"hls/0/{name}" in keys for name in listed), "the playlist names a missing segment"
        init = map_uri(body.decode())
        assert init is not None and f"hls/0/{init}" in keys, "the playlist names a missing init segment"

        async with s3.client() as client:
            segment = await client.head_object(Bucket=bucket, Key=f"hls/0/{listed[0]}")
            playlist = await client.head_object(Bucket=bucket, Key="hls/0/stream.m3u8")
            acl = await client.get_object_acl(Bucket=bucket, Key=f"hls/0/{listed[0]}")
        assert segment["ContentType"] == "video/mp4"
        assert segment["CacheControl"] == "max-age=31557600"
        assert playlist["ContentType"] == "application/x-mpegURL"
        assert playlist["CacheControl"] == "max-age=0, no-cache"
        assert any(
            grant["Permission"] == "READ" and "AllUsers" in grant["Grantee"].get("URI", "")
            for grant in acl["Grants"]
        )

        # Everything but the master is the bucket's to serve.
        assert (await fetch(http, server.base_url + "/hls/0/stream.m3u8"))[0] == 404
        assert (await fetch(http, f"{server.base_url}/hls/0/{listed[0]}"))[0] == 404
    finally:
        await stop_process(publisher)

    assert server.server.services is not None
    lifecycle = server.server.services.lifecycle

    async def offline() -> bool:
        return lifecycle.state.value == "offline"

    await wait_until(offline, 30, "the stream to end")
    code, body = await fetch(http, f"{s3.endpoint}/{bucket}/hls/0/stream.m3u8")
    assert code == 200 and body.rstrip().endswith(b"#EXT-X-ENDLIST")
    final = parse_media_playlist(body.decode())
    keys = await list_keys(s3, bucket)
    assert all(f"hls/0/{segment.uri}" in keys for segment in final.segments)


async def test_video_serving_endpoint_and_path_prefix_shape_what_players_fetch(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip, s3: MotoS3, bucket: str
) -> None:
    """Newer Owncast's settings with S3: objects under `<pathPrefix>/hls/`, and the video serving endpoint
    (here another name for the bucket's host, as a CDN would be) in place of `<endpoint>/<bucket>`."""
    services = server.server.services
    assert services is not None
    cdn = f"http://localhost:{s3.port}/{bucket}"
    await services.config.update(
        s3=s3.config(bucket, pathPrefix="shows/live"), video_serving_endpoint=cdn, video_latency_level=0
    )
    publisher = await start_publisher(clip, server.rtmp_url())
    try:
        found = ""

        async def served() -> bool:
            nonlocal found
            code, body = await fetch(http, server.base_url + "/hls/stream.m3u8")
            found = body.decode()
            return code == 200 and cdn in found

        await wait_until(served, 40, "a master playlist pointing at the video serving endpoint")
        master = parse_master_playlist(found)
        assert [v.uri for v in master.variants] == [f"{cdn}/shows/live/hls/0/stream.m3u8"]
        code, body = await fetch(http, master.variants[0].uri)
        assert code == 200
        listed = [segment.uri for segment in parse_media_playlist(body.decode()).segments]
        keys = await list_keys(s3, bucket)
        assert listed and all(f"shows/live/hls/0/{name}" in keys for name in listed)
        # Replays (recorded to the bucket too) keep their own `recordings/` folder: docs/s3-storage.md.
        assert not [key for key in keys if "hls/" in key and not key.startswith("shows/live/hls/")], keys
    finally:
        await stop_process(publisher)


@pytest.mark.browser
async def test_browser_plays_the_stream_from_the_bucket(
    server: RunningServer, http: aiohttp.ClientSession, clip: Clip, s3: MotoS3, bucket: str
) -> None:
    publisher = await start_publisher(clip, server.rtmp_url())
    try:
        await bucket_master(http, server, s3)
        async with chromium() as browser:
            page = await browser.new_page(viewport={"width": 1280, "height": 800})
            requested: list[str] = []
            page.on("request", lambda request: requested.append(request.url))
            await page.goto(server.base_url + "/")

            async def current_time() -> float:
                return float(await page.evaluate("() => document.querySelector('video')?.currentTime ?? 0"))

            async def started() -> bool:
                return await current_time() > 0.1

            await wait_until(started, 40, "playback to start")
            start = await current_time()

            async def advanced() -> bool:
                return await current_time() - start >= 3.0

            await wait_until(advanced, 30, "currentTime to advance by 3 s")
            await page.close()
    finally:
        await stop_process(publisher)

    bucket_host = urlsplit(s3.endpoint).netloc
    server_host = urlsplit(server.base_url).netloc
    segments = [url for url in requested if urlsplit(url).path.endswith(".m4s")]
    assert segments, "the player fetched no segment"
    assert {urlsplit(url).netloc for url in segments} == {bucket_host}
    variant_playlists = [url for url in requested if urlsplit(url).path.endswith("/0/stream.m3u8")]
    assert variant_playlists and {urlsplit(url).netloc for url in variant_playlists} == {bucket_host}
    assert any(
        urlsplit(url).netloc == server_host and urlsplit(url).path == "/hls/stream.m3u8" for url in requested
    )
