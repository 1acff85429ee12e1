"""Clips of replays recorded to S3, against a real S3 API (moto's server on loopback): the clip's init and
media segments are copied inside the bucket to `<pathPrefix>/clips/<clip id>/` (kept when the replay
goes), its row keeps that location, it is read from the bucket's public address and deleted there; a
replay whose objects went meanwhile, or a bucket that is down, leaves no clip behind, and a bucket that
is down keeps a clip listed until it can be deleted."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.clips.bucket import clip_media_base_url
from ownstream.clips.library import ClipAuthor, ClipLibrary
from ownstream.clips.request import ClipRequest
from ownstream.clock import SystemClock
from ownstream.config.model import S3Config
from ownstream.database.db import open_database
from ownstream.database.repos.clips import ClipRepository
from ownstream.database.repos.replays import BucketLocation, ReplayRepository
from ownstream.errors import NotFound, Unavailable
from ownstream.events import EventBus
from ownstream.replays.files import RecordingFiles
from tests.harness import database_url_for_tests
from tests.hls_storage.moto_s3 import MotoS3, create_public_bucket, list_keys
from tests.replays.test_bucket import bucket_library, record_to_bucket

ADMIN = ClipAuthor("admin", "admin", limited=False)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = database_url_for_tests(tmp_path) or f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    engine = await open_database(url)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def s3() -> AsyncIterator[MotoS3]:
    server = MotoS3()
    await asyncio.to_thread(server.start)
    try:
        yield server
    finally:
        await asyncio.to_thread(server.stop)


async def clip_library(engine: AsyncEngine, tmp_path: Path, config: S3Config) -> ClipLibrary:
    """A replay `r` of three 2-second segments recorded to `config`'s bucket, and the clips of it."""
    replays = await bucket_library(ReplayRepository(engine), tmp_path, config)
    await record_to_bucket(replays, config, tmp_path, "r", 1, 3)
    return ClipLibrary(ClipRepository(engine), RecordingFiles(tmp_path / "clips"), replays, EventBus(),
                       SystemClock())  # fmt: skip


async def test_a_live_clip_is_copied_in_the_bucket_and_outlives_its_replay(
    engine: AsyncEngine, tmp_path: Path, s3: MotoS3
) -> None:
    config = s3.config(await create_public_bucket(s3))
    clips = await clip_library(engine, tmp_path, config)
    clips.replays.recording = lambda: "r"
    clip = await clips.cut(ClipRequest("", None, -3.0, None), 60, ADMIN)  # the last two segments
    assert (clip.replay_id, clip.duration, clip.size) == ("r", 4.0, 2000)
    assert clip.location == BucketLocation(s3.endpoint, config.bucket, "")
    assert (await clips.get(clip.id)).location == clip.location  # read back from the database
    assert await list_keys(s3, config.bucket, "clips/") == [
        f"clips/{clip.id}/{name}" for name in ("init-s.mp4", "stream-s-1.m4s", "stream-s-2.m4s")
    ]
    assert not (tmp_path / "clips" / clip.id).exists(), "nothing of it on local disk"

    base = clip_media_base_url(clip.location, clip.id, config)
    assert base == f"{s3.endpoint}/{config.bucket}/clips/{clip.id}/"
    playlist = await clips.playlist(clip, base)
    assert f"{base}stream-s-1.m4s" in playlist and f'URI="{base}init-s.mp4"' in playlist
    cdn = config.model_copy(update={"serving_endpoint": "https://cdn.example.com"})
    assert clip_media_base_url(clip.location, clip.id, cdn) == f"https://cdn.example.com/clips/{clip.id}/"

    clips.replays.recording = lambda: None
    await clips.replays.delete("r")
    assert await list_keys(s3, config.bucket, "recordings/") == []
    async with aiohttp.ClientSession() as http, http.get(base + "stream-s-2.m4s") as response:
        # Anyone may read it (the canned ACL set again on the copy), typed as the original was.
        assert response.status == 200 and await response.read() == b"x" * 1000
        assert response.headers["Content-Type"] == "video/mp4"

    await clips.delete(clip.id)
    assert await list_keys(s3, config.bucket) == [] and await clips.all() == []


async def test_a_clip_goes_under_its_replays_path_prefix_and_is_deleted_there_after_it_changes(
    engine: AsyncEngine, tmp_path: Path, s3: MotoS3
) -> None:
    config = s3.config(await create_public_bucket(s3), pathPrefix="site-a")
    clips = await clip_library(engine, tmp_path, config)
    clip = await clips.cut(ClipRequest("Best", "r", 0.0, 1.0), 60, ADMIN)
    assert clip.location == BucketLocation(s3.endpoint, config.bucket, "site-a")
    assert await list_keys(s3, config.bucket, "site-a/clips/") == [
        f"site-a/clips/{clip.id}/init-s.mp4",
        f"site-a/clips/{clip.id}/stream-s-0.m4s",
    ]
    moved = config.model_copy(update={"path_prefix": "site-b"})
    clips.replays.s3_config = lambda: moved
    base = clip_media_base_url(clip.location, clip.id, moved)
    assert base == f"{s3.endpoint}/{config.bucket}/site-a/clips/{clip.id}/"
    await clips.delete(clip.id)
    assert await list_keys(s3, config.bucket, "site-a/clips/") == []


async def test_a_replay_whose_objects_went_meanwhile_leaves_no_clip(
    engine: AsyncEngine, tmp_path: Path, s3: MotoS3
) -> None:
    config = s3.config(await create_public_bucket(s3))
    clips = await clip_library(engine, tmp_path, config)
    async with s3.client() as client:  # the replay's last segment deleted as the clip is cut
        await client.delete_object(Bucket=config.bucket, Key="recordings/r/stream-s-2.m4s")
    with pytest.raises(NotFound, match="deleted while the clip was cut"):
        await clips.cut(ClipRequest("", "r", 0.0, None), 60, ADMIN)
    assert await clips.all() == []
    assert await list_keys(s3, config.bucket, "clips/") == [], "the copies made were deleted again"


async def test_a_bucket_that_is_down_cuts_nothing_and_keeps_a_clip_listed_until_it_can_be_deleted(
    engine: AsyncEngine, tmp_path: Path, s3: MotoS3
) -> None:
    config = s3.config(await create_public_bucket(s3))
    clips = await clip_library(engine, tmp_path, config)
    await asyncio.to_thread(s3.stop)
    with pytest.raises(Unavailable):
        await clips.cut(ClipRequest("", "r", 0.0, None), 60, ADMIN)
    assert await clips.all() == []
    await asyncio.to_thread(s3.start)
    clip = await clips.cut(ClipRequest("", "r", 0.0, None), 60, ADMIN)
    await asyncio.to_thread(s3.stop)
    with pytest.raises(Unavailable):
        await clips.delete(clip.id)
    assert [listed.id for listed in await clips.all()] == [clip.id]
    await asyncio.to_thread(s3.start)
    await clips.delete(clip.id)
    assert await clips.all() == [] and await list_keys(s3, config.bucket, "clips/") == []


async def test_a_clip_in_a_bucket_s3_no_longer_names_is_unlisted_and_its_objects_left(
    engine: AsyncEngine, tmp_path: Path, s3: MotoS3
) -> None:
    config = s3.config(await create_public_bucket(s3))
    clips = await clip_library(engine, tmp_path, config)
    clip = await clips.cut(ClipRequest("", "r", 0.0, 1.0), 60, ADMIN)
    clips.replays.s3_config = lambda: config.model_copy(update={"bucket": "another"})
    with pytest.raises(Unavailable, match="no longer names"):
        await clips.cut(ClipRequest("", "r", 0.0, 1.0), 60, ADMIN)
    await clips.delete(clip.id)
    assert await clips.all() == []
    assert await list_keys(s3, config.bucket, "clips/") == [
        f"clips/{clip.id}/init-s.mp4",
        f"clips/{clip.id}/stream-s-0.m4s",
    ]
