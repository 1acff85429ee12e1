"""The segment publisher against a real S3 API (moto on loopback), fed the HLS watcher's events.

The HLS folder is written by the test, so each step (segment on disk, playlist rewritten) is explicit.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Sequence
from pathlib import Path, PurePosixPath
from typing import Any

import pytest

from ownstream.events import EventBus, PlaylistWritten, SegmentWritten
from ownstream.hls.output import write_atomically
from ownstream.hls_storage.publisher import SegmentPublisher
from ownstream.hls_storage.s3 import S3ObjectStore
from tests.e2e.waiting import wait_until
from tests.hls_storage.moto_s3 import MotoS3, create_public_bucket, list_keys

MASTER = (
    "#EXTM3U\n#EXT-X-VERSION:3\n"
    '#EXT-X-STREAM-INF:BANDWIDTH=500000,RESOLUTION=320x180,CODECS="avc1.64000d,mp4a.40.2"\n'
    "0/stream.m3u8\n"
    '#EXT-X-STREAM-INF:BANDWIDTH=200000,RESOLUTION=160x90,CODECS="avc1.64000d,mp4a.40.2"\n'
    "1/stream.m3u8\n"
)


class HlsFolder:
    """Plays ffmpeg and the HLS watcher: writes segments and playlists, publishes their events."""

    def __init__(self, root: Path, bus: EventBus, variants: int = 1, list_size: int = 3) -> None:
        self.root = root
        self.bus = bus
        self.list_size = list_size
        self.written: dict[int, list[int]] = {}
        for variant in range(variants):
            (root / str(variant)).mkdir(parents=True)
            self.written[variant] = []

    def playlist_text(self, variant: int, *, ended: bool = False) -> str:
        numbers = self.written[variant][-self.list_size :]
        text = f"#EXTM3U\n#EXT-X-VERSION:3\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:{numbers[0]}\n"
        for n in numbers:
            text += f"#EXTINF:1.000000,\nseg-{n}.ts\n"
        return text + ("#EXT-X-ENDLIST\n" if ended else "")

    def add_segment(self, variant: int = 0) -> str:
        n = len(self.written[variant])
        name = f"seg-{n}.ts"
        (self.root / str(variant) / name).write_bytes(f"video {variant}/{n}".encode())
        self.written[variant].append(n)
        playlist = self.root / str(variant) / "stream.m3u8"
        write_atomically(playlist, self.playlist_text(variant))
        self.bus.publish(SegmentWritten(variant, str(self.root / str(variant) / name), 1.0))
        self.bus.publish(PlaylistWritten(variant, str(playlist)))
        return name

    def end(self, variant: int = 0) -> None:
        playlist = self.root / str(variant) / "stream.m3u8"
        write_atomically(playlist, self.playlist_text(variant, ended=True))
        self.bus.publish(PlaylistWritten(variant, str(playlist)))

    def write_master(self) -> None:
        write_atomically(self.root / "stream.m3u8", MASTER)
        self.bus.publish(PlaylistWritten(-1, str(self.root / "stream.m3u8")))


class GatedStore:
    """An S3 store whose uploads of chosen keys wait for the test to let them through."""

    def __init__(self, inner: S3ObjectStore) -> None:
        self.inner = inner
        self.gates: dict[str, asyncio.Event] = {}
        self.delay = 0.0

    @property
    def public_base_url(self) -> str:
        return self.inner.public_base_url

    async def put(self, key: str, body: bytes, *, content_type: str, cache_control: str) -> None:
        gate = self.gates.get(key)
        if gate is not None:
            await gate.wait()
        if self.delay and key.endswith(".ts"):
            await asyncio.sleep(self.delay)
        await self.inner.put(key, body, content_type=content_type, cache_control=cache_control)

    async def delete(self, keys: Sequence[str]) -> None:
        await self.inner.delete(keys)

    async def close(self) -> None:
        await self.inner.close()


class Setup:
    def __init__(
        self, s3: MotoS3, bucket: str, store: GatedStore, publisher: SegmentPublisher, hls: HlsFolder
    ):
        self.s3 = s3
        self.bucket = bucket
        self.store = store
        self.publisher = publisher
        self.hls = hls

    async def body(self, key: str) -> bytes | None:
        async with self.s3.client() as client:
            try:
                response = await client.get_object(Bucket=self.bucket, Key=key)
            except client.exceptions.NoSuchKey:
                return None
            return await response["Body"].read()

    async def wait_for_body(self, key: str, expected: str, what: str) -> None:
        async def arrived() -> bool:
            return await self.body(key) == expected.encode()

        await wait_until(arrived, 15, what, interval=0.05)


@pytest.fixture
def variants() -> int:
    return 1


@pytest.fixture
def publisher_options() -> dict[str, float]:
    return {}


@pytest.fixture
async def setup(
    s3: MotoS3, tmp_path: Path, variants: int, publisher_options: dict[str, float]
) -> AsyncIterator[Setup]:
    bucket = await create_public_bucket(s3)
    store = GatedStore(await S3ObjectStore.open(s3.config(bucket)))
    bus = EventBus()
    hls = HlsFolder(tmp_path / "hls", bus, variants)
    options: dict[str, Any] = {"retry_delay": 0.1, "flush_timeout": 5.0, **publisher_options}
    publisher = SegmentPublisher(store, bus, hls.root, variants, **options)
    await publisher.start()
    try:
        yield Setup(s3, bucket, store, publisher, hls)
    finally:
        for gate in store.gates.values():
            gate.set()
        await publisher.stop()


@pytest.mark.parametrize("variants", [2])
async def test_segments_and_playlists_land_under_hls_keys_with_headers(setup: Setup) -> None:
    hls = setup.hls
    for _ in range(2):
        hls.add_segment(0)
        hls.add_segment(1)
    await setup.wait_for_body("hls/0/stream.m3u8", hls.playlist_text(0), "variant 0's playlist")
    await setup.wait_for_body("hls/1/stream.m3u8", hls.playlist_text(1), "variant 1's playlist")
    assert await list_keys(setup.s3, setup.bucket) == [
        "hls/0/seg-0.ts",
        "hls/0/seg-1.ts",
        "hls/0/stream.m3u8",
        "hls/1/seg-0.ts",
        "hls/1/seg-1.ts",
        "hls/1/stream.m3u8",
    ]
    async with setup.s3.client() as client:
        segment = await client.head_object(Bucket=setup.bucket, Key="hls/1/seg-1.ts")
        playlist = await client.head_object(Bucket=setup.bucket, Key="hls/1/stream.m3u8")
        acl = await client.get_object_acl(Bucket=setup.bucket, Key="hls/1/seg-1.ts")
    assert (segment["ContentType"], segment["CacheControl"]) == ("video/mp2t", "max-age=31557600")
    assert (playlist["ContentType"], playlist["CacheControl"]) == (
        "application/x-mpegURL",
        "max-age=0, no-cache",
    )
    assert any(
        grant["Permission"] == "READ" and "AllUsers" in grant["Grantee"].get("URI", "")
        for grant in acl["Grants"]
    )
    assert await setup.body("hls/1/seg-1.ts") == b"video 1/1"


async def test_a_playlist_never_names_a_segment_the_bucket_lacks(setup: Setup) -> None:
    hls, store = setup.hls, setup.store
    hls.add_segment()
    await setup.wait_for_body("hls/0/stream.m3u8", hls.playlist_text(0), "the first playlist")
    first = hls.playlist_text(0)
    store.gates["hls/0/seg-1.ts"] = asyncio.Event()
    hls.add_segment()
    hls.add_segment()  # seg-2 uploads while seg-1 is held: the playlist must still stop at seg-0
    await wait_until(lambda: _has(setup, "hls/0/seg-2.ts"), 15, "seg-2 in the bucket", interval=0.05)
    await asyncio.sleep(0.3)
    assert await setup.body("hls/0/stream.m3u8") == first.encode()
    store.gates["hls/0/seg-1.ts"].set()
    await setup.wait_for_body("hls/0/stream.m3u8", hls.playlist_text(0), "the complete playlist")


async def _has(setup: Setup, key: str) -> bool:
    return await setup.body(key) is not None


@pytest.mark.parametrize("variants", [2])
async def test_master_points_at_the_bucket_and_is_served_once_variants_are_there(setup: Setup) -> None:
    hls, publisher = setup.hls, setup.publisher
    master = PurePosixPath("stream.m3u8")
    hls.write_master()
    hls.add_segment(0)

    async def rewritten() -> bool:
        return "http://" in (hls.root / "stream.m3u8").read_text()

    await wait_until(rewritten, 15, "the master rewrite", interval=0.05)
    base = f"{setup.s3.endpoint}/{setup.bucket}/hls"
    text = (hls.root / "stream.m3u8").read_text()
    assert f"\n{base}/0/stream.m3u8\n" in text and f"\n{base}/1/stream.m3u8\n" in text
    assert text.replace(f"{base}/", "") == MASTER
    await setup.wait_for_body("hls/0/stream.m3u8", hls.playlist_text(0), "variant 0's playlist")
    assert not publisher.serves_locally(master)  # variant 1 has no playlist in the bucket yet
    hls.add_segment(1)

    async def ready() -> bool:
        return publisher.serves_locally(master)

    await wait_until(ready, 15, "the master to be served", interval=0.05)
    for other in ("0/stream.m3u8", "0/seg-0.ts", "1/stream.m3u8", "thumbnail.jpg"):
        assert not publisher.serves_locally(PurePosixPath(other))
    assert await list_keys(setup.s3, setup.bucket, "hls/stream") == []  # the master is never uploaded


async def test_serving_endpoint_is_used_for_the_master(s3: MotoS3, tmp_path: Path) -> None:
    bucket = await create_public_bucket(s3)
    store = await S3ObjectStore.open(s3.config(bucket, servingEndpoint="https://cdn.example.com/live"))
    bus = EventBus()
    hls = HlsFolder(tmp_path / "hls", bus, 2)
    publisher = SegmentPublisher(store, bus, hls.root, 2, retry_delay=0.1, flush_timeout=5.0)
    await publisher.start()
    try:
        hls.write_master()

        async def rewritten() -> bool:
            return "https://cdn.example.com/live/hls/0/stream.m3u8" in (hls.root / "stream.m3u8").read_text()

        await wait_until(rewritten, 15, "the master rewrite", interval=0.05)
    finally:
        await publisher.stop()


@pytest.mark.parametrize("publisher_options", [{"retry_delay": 0.3}])
async def test_uploads_are_retried_while_the_endpoint_is_briefly_down(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    hls = setup.hls
    hls.add_segment()
    await setup.wait_for_body("hls/0/stream.m3u8", hls.playlist_text(0), "the first playlist")
    await asyncio.to_thread(setup.s3.stop)
    hls.add_segment()
    await wait_until(lambda: _logged(caplog, "try 1 of 4"), 10, "a failed try", interval=0.02)
    await asyncio.to_thread(setup.s3.start)  # back within the back-off (0.3 + 0.6 + 1.2 s)
    await setup.wait_for_body("hls/0/stream.m3u8", hls.playlist_text(0), "the playlist after the outage")
    assert await setup.body("hls/0/seg-1.ts") == b"video 0/1"
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


async def test_a_segment_given_up_on_is_uploaded_after_the_endpoint_returns(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    hls = setup.hls
    await asyncio.to_thread(setup.s3.stop)
    hls.add_segment()
    await wait_until(lambda: _logged(caplog, "failed after 4 tries"), 15, "giving up", interval=0.05)
    await asyncio.to_thread(setup.s3.start)
    hls.add_segment()  # the next playlist change brings the lost segment back
    await setup.wait_for_body("hls/0/stream.m3u8", hls.playlist_text(0), "the playlist with both segments")
    assert await setup.body("hls/0/seg-0.ts") == b"video 0/0"


async def _logged(caplog: pytest.LogCaptureFixture, text: str) -> bool:
    return any(text in record.getMessage() for record in caplog.records)


async def test_segments_out_of_the_playlist_are_deleted_beyond_the_kept_window(
    s3: MotoS3, tmp_path: Path
) -> None:
    bucket = await create_public_bucket(s3)
    store = await S3ObjectStore.open(s3.config(bucket))
    bus = EventBus()
    hls = HlsFolder(tmp_path / "hls", bus, 1, list_size=3)
    publisher = SegmentPublisher(store, bus, hls.root, 1, retry_delay=0.1, flush_timeout=5.0, keep_expired=2)
    await publisher.start()
    try:
        for _ in range(9):
            hls.add_segment()
            await asyncio.sleep(0.05)

        async def trimmed() -> bool:
            keys = await list_keys(s3, bucket, "hls/0/seg-")
            return keys == [f"hls/0/seg-{n}.ts" for n in range(4, 9)]

        await wait_until(trimmed, 15, "old segments deleted (3 listed + 2 kept)", interval=0.1)
    finally:
        await publisher.stop()


async def test_stop_uploads_the_final_playlist_with_endlist(setup: Setup) -> None:
    hls = setup.hls
    hls.add_segment()
    hls.add_segment()
    hls.end()
    await setup.publisher.stop()
    assert await setup.body("hls/0/stream.m3u8") == hls.playlist_text(0, ended=True).encode()
    assert (await setup.body("hls/0/stream.m3u8") or b"").rstrip().endswith(b"#EXT-X-ENDLIST")


@pytest.mark.parametrize("publisher_options", [{"queue_size": 2, "workers": 1}])
async def test_a_full_queue_postpones_work_without_losing_it(
    setup: Setup, caplog: pytest.LogCaptureFixture
) -> None:
    hls, store = setup.hls, setup.store
    store.gates["hls/0/seg-0.ts"] = asyncio.Event()
    for _ in range(5):
        hls.add_segment()
    assert await _logged(caplog, "upload queue full")
    store.gates["hls/0/seg-0.ts"].set()
    hls.add_segment()
    await setup.wait_for_body("hls/0/stream.m3u8", hls.playlist_text(0), "the playlist once caught up")


@pytest.mark.parametrize("publisher_options", [{"workers": 1}])
async def test_slow_uploads_are_reported_once(setup: Setup, caplog: pytest.LogCaptureFixture) -> None:
    hls, store = setup.hls, setup.store
    store.delay = 1.0  # every 1-second segment takes over a second to upload
    for _ in range(2):
        hls.add_segment()
    await wait_until(lambda: _logged(caplog, "storage is too slow"), 15, "the slow-upload warning")
    store.delay = 0.0
    await setup.wait_for_body("hls/0/stream.m3u8", hls.playlist_text(0), "the playlist")
    assert sum("storage is too slow" in r.getMessage() for r in caplog.records) == 1


async def test_fmp4_init_segment_lands_before_the_playlist_that_names_it(setup: Setup) -> None:
    """The packager's playlists name an init segment (`EXT-X-MAP`): it is in the bucket first."""
    folder = setup.hls.root / "0"
    (folder / "init-s1.mp4").write_bytes(b"ftyp moov")
    (folder / "stream-s1-0.m4s").write_bytes(b"moof mdat")
    text = (
        "#EXTM3U\n#EXT-X-VERSION:7\n#EXT-X-TARGETDURATION:1\n#EXT-X-MEDIA-SEQUENCE:0\n"
        '#EXT-X-MAP:URI="init-s1.mp4"\n#EXTINF:1.00000,\nstream-s1-0.m4s\n'
    )
    gate = setup.store.gates["hls/0/init-s1.mp4"] = asyncio.Event()
    write_atomically(folder / "stream.m3u8", text)
    setup.hls.bus.publish(SegmentWritten(0, str(folder / "stream-s1-0.m4s"), 1.0))
    setup.hls.bus.publish(PlaylistWritten(0, str(folder / "stream.m3u8")))
    await wait_until(lambda: _has(setup, "hls/0/stream-s1-0.m4s"), 15, "the segment", interval=0.05)
    await asyncio.sleep(0.3)
    assert await setup.body("hls/0/stream.m3u8") is None  # its init segment is not there yet
    gate.set()
    await setup.wait_for_body("hls/0/stream.m3u8", text, "the playlist after its init segment")
    async with setup.s3.client() as client:
        for key in ("hls/0/init-s1.mp4", "hls/0/stream-s1-0.m4s"):
            head = await client.head_object(Bucket=setup.bucket, Key=key)
            assert (head["ContentType"], head["CacheControl"]) == ("video/mp4", "max-age=31557600")
