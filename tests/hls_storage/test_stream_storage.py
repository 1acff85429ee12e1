from __future__ import annotations

from pathlib import Path, PurePosixPath

import aiohttp
import pytest

from ownstream.config.model import S3Config
from ownstream.events import EventBus
from ownstream.hls_storage.local import LocalStorage
from ownstream.hls_storage.publisher import SegmentPublisher
from ownstream.hls_storage.stream_storage import open_stream_storage
from ownstream.settings import Timings
from tests.e2e.waiting import wait_until
from tests.hls_storage.moto_s3 import MotoS3, create_public_bucket, list_keys
from tests.hls_storage.test_publisher import HlsFolder


async def test_s3_off_serves_everything_locally(tmp_path: Path) -> None:
    storage = await open_stream_storage(S3Config(), tmp_path, 1, EventBus(), Timings())
    assert isinstance(storage, LocalStorage)
    assert storage.serves_locally(PurePosixPath("0/stream-1.ts"))
    await storage.stop()


async def test_s3_on_starts_a_publisher(s3: MotoS3, tmp_path: Path) -> None:
    storage = await open_stream_storage(s3.config("any-bucket"), tmp_path, 2, EventBus(), Timings())
    try:
        assert isinstance(storage, SegmentPublisher)
        assert not storage.serves_locally(PurePosixPath("0/stream.m3u8"))
    finally:
        await storage.stop()


async def test_an_unusable_s3_setting_falls_back_to_local(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = S3Config(enabled=True, endpoint="not a url", bucket="b", region="r", accessKey="k", secret="s")
    storage = await open_stream_storage(broken, tmp_path, 1, EventBus(), Timings())
    assert isinstance(storage, LocalStorage)
    assert "serving this stream from local disk" in caplog.text


async def test_path_prefix_and_video_serving_endpoint_shape_keys_and_player_urls(
    s3: MotoS3, tmp_path: Path
) -> None:
    """Newer Owncast's S3 layout: objects under `<pathPrefix>/hls/`, and the video serving endpoint (which
    wins over 0.0.11's `s3.servingEndpoint`) standing for `<endpoint>/<bucket>` in the master playlist."""
    bucket = await create_public_bucket(s3)
    config = s3.config(bucket, pathPrefix="tenant-a/live", servingEndpoint="https://old-cdn.example")
    bus = EventBus()
    hls = HlsFolder(tmp_path / "hls", bus, 2)
    storage = await open_stream_storage(
        config, hls.root, 2, bus, Timings(), video_serving_endpoint="https://cdn.example/videos/"
    )
    try:
        hls.write_master()
        hls.add_segment(0)
        hls.add_segment(1)

        async def master_ready() -> bool:
            return storage.serves_locally(PurePosixPath("stream.m3u8"))

        await wait_until(master_ready, 15, "the master to point into the bucket", interval=0.05)
        base = "https://cdn.example/videos/tenant-a/live/hls"
        text = (hls.root / "stream.m3u8").read_text()
        assert f"\n{base}/0/stream.m3u8\n" in text and f"\n{base}/1/stream.m3u8\n" in text
        assert await list_keys(s3, bucket) == [
            "tenant-a/live/hls/0/seg-0.ts",
            "tenant-a/live/hls/0/stream.m3u8",
            "tenant-a/live/hls/1/seg-0.ts",
            "tenant-a/live/hls/1/stream.m3u8",
        ]
        # What the CDN fetches from its origin: the same path under the bucket's own address.
        async with aiohttp.ClientSession() as http:
            origin = f"{s3.endpoint}/{bucket}/tenant-a/live/hls/1/seg-0.ts"
            async with http.get(origin) as response:
                assert (response.status, await response.read()) == (200, b"video 1/0")
    finally:
        await storage.stop()


async def test_without_a_video_serving_endpoint_the_s3_serving_endpoint_still_applies(
    s3: MotoS3, tmp_path: Path
) -> None:
    bucket = await create_public_bucket(s3)
    bus = EventBus()
    hls = HlsFolder(tmp_path / "hls", bus, 1)
    storage = await open_stream_storage(
        s3.config(bucket, servingEndpoint="https://old-cdn.example"), hls.root, 1, bus, Timings()
    )
    try:
        hls.write_master()

        async def rewritten() -> bool:
            return "https://old-cdn.example/hls/0/stream.m3u8" in (hls.root / "stream.m3u8").read_text()

        await wait_until(rewritten, 15, "the master rewrite", interval=0.05)
    finally:
        await storage.stop()
