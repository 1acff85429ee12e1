"""Replays recorded to S3, against a real S3 API (moto's server on loopback): segments and their init
segment uploaded under `recordings/<id>/` (or `<pathPrefix>/recordings/<id>/`, kept per replay) before
they are indexed, the retention and the admin's delete
removing the objects (never the replay being recorded), a bucket that is down leaving the replay listed
until it can be removed, and the disk budget counting only what is on local disk."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import aiohttp
import pytest

from ownstream.config.model import S3Config
from ownstream.database.db import open_database
from ownstream.database.repos.replays import BucketLocation, ReplayRepository
from ownstream.errors import Unavailable
from ownstream.replays.bucket import BucketUploadFailed, location_of, media_base_url
from ownstream.replays.files import RecordingFiles
from ownstream.replays.library import ReplayLibrary
from tests.harness import database_url_for_tests
from tests.hls_storage.moto_s3 import MotoS3, create_public_bucket, list_keys
from tests.replays.test_library import START, packager_files, segment


@pytest.fixture
async def repository(tmp_path: Path) -> AsyncIterator[ReplayRepository]:
    url = database_url_for_tests(tmp_path) or f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    engine = await open_database(url)
    try:
        yield ReplayRepository(engine)
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


async def bucket_library(repository: ReplayRepository, tmp_path: Path, config: S3Config,
                         disk_budget: int = 10**9) -> ReplayLibrary:  # fmt: skip
    library = ReplayLibrary(repository, RecordingFiles(tmp_path / "recordings"), disk_budget)
    library.s3_config = lambda: config
    library.bucket_retry_delay = 0.01
    return library


async def record_to_bucket(library: ReplayLibrary, config: S3Config, tmp_path: Path, replay_id: str,
                           hours_ago: int, segments: int, size: int = 1000) -> None:  # fmt: skip
    started = START - timedelta(hours=hours_ago)
    await library.create(replay_id, f"stream {replay_id}", 0, started, location_of(config))
    init, paths = packager_files(tmp_path / "hls" / replay_id, range(segments), size)
    bucket = await library.open_bucket(config)
    try:
        for position, path in enumerate(paths):
            assert await library.make_room(size, in_bucket=True)
            await library.add_segment(replay_id, path, init, segment(position, size, at=started), bucket)
    finally:
        await bucket.close()


async def test_segments_go_to_the_bucket_and_are_read_from_its_public_address(
    repository: ReplayRepository, tmp_path: Path, s3: MotoS3
) -> None:
    config = s3.config(await create_public_bucket(s3))
    library = await bucket_library(repository, tmp_path, config)
    await record_to_bucket(library, config, tmp_path, "r1", 0, 2)
    assert await list_keys(s3, config.bucket, "recordings/") == [
        "recordings/r1/init-s.mp4",
        "recordings/r1/stream-s-0.m4s",
        "recordings/r1/stream-s-1.m4s",
    ]
    assert not (tmp_path / "recordings" / "r1").exists(), "nothing of it on local disk"
    replay = await library.get("r1")
    assert replay.location == location_of(config) and replay.size == 2000
    assert (await library.used_bytes(), await library.bucket_bytes()) == (0, 2000)
    base = media_base_url(replay.location, "r1", config)
    assert base == f"{s3.endpoint}/{config.bucket}/recordings/r1/"
    async with aiohttp.ClientSession() as http, http.get(base + "stream-s-1.m4s") as response:
        assert response.status == 200 and await response.read() == b"x" * 1000
    cdn = config.model_copy(update={"serving_endpoint": "https://cdn.example.com"})
    assert media_base_url(replay.location, "r1", cdn) == "https://cdn.example.com/recordings/r1/"
    moved = config.model_copy(update={"bucket": "another"})
    assert media_base_url(replay.location, "r1", moved) == base, "its own bucket once S3 names another"


async def test_retention_and_delete_remove_the_objects_never_the_recording_replay(
    repository: ReplayRepository, tmp_path: Path, s3: MotoS3
) -> None:
    config = s3.config(await create_public_bucket(s3))
    library = await bucket_library(repository, tmp_path, config)
    await record_to_bucket(library, config, tmp_path, "oldest", 30, 3)
    await library.finish("oldest", START)
    await record_to_bucket(library, config, tmp_path, "older", 20, 3)
    await library.finish("older", START)
    await record_to_bucket(library, config, tmp_path, "live", 1, 3)
    library.recording = lambda: "live"
    library.retained_bytes = lambda: 1000
    assert await library.apply_retention(0, START) == ["oldest", "older"]
    assert [replay.id for replay in await library.all()] == ["live"]
    assert await list_keys(s3, config.bucket, "recordings/") == [
        f"recordings/live/{name}"
        for name in ("init-s.mp4", "stream-s-0.m4s", "stream-s-1.m4s", "stream-s-2.m4s")
    ]
    assert await library.bucket_bytes() == 3000
    library.recording = lambda: None
    await library.delete("live")
    assert await list_keys(s3, config.bucket, "recordings/") == []
    assert await library.all() == [] and await library.bucket_bytes() == 0


async def test_a_bucket_that_is_down_keeps_the_replay_listed_until_it_can_be_removed(
    repository: ReplayRepository, tmp_path: Path, s3: MotoS3
) -> None:
    config = s3.config(await create_public_bucket(s3))
    library = await bucket_library(repository, tmp_path, config)
    await record_to_bucket(library, config, tmp_path, "r", 5, 2)
    await library.finish("r", START)
    await asyncio.to_thread(s3.stop)
    with pytest.raises(Unavailable):
        await library.delete("r")
    library.retained_bytes = lambda: 1
    assert await library.apply_retention(1, START + timedelta(days=3)) == []
    assert [replay.id for replay in await library.all()] == ["r"] and await library.bucket_bytes() == 2000
    await asyncio.to_thread(s3.start)
    await library.delete("r")
    assert await list_keys(s3, config.bucket, "recordings/") == [] and await library.all() == []


async def test_the_disk_budget_counts_only_replays_on_local_disk(
    repository: ReplayRepository, tmp_path: Path, s3: MotoS3
) -> None:
    config = s3.config(await create_public_bucket(s3))
    library = await bucket_library(repository, tmp_path, config, disk_budget=5000)
    await record_to_bucket(library, config, tmp_path, "in-bucket", 10, 8)
    await library.finish("in-bucket", START)
    # 8,000 bytes in the bucket, over the 5,000-byte disk budget: a local segment still fits.
    assert await library.make_room(4000)
    assert [replay.id for replay in await library.all()] == ["in-bucket"]
    usage = await library.usage()
    assert (usage.used, usage.in_bucket, usage.limit) == (0, 8000, 5000)


async def test_a_segment_that_cannot_be_uploaded_is_left_out_not_indexed(
    repository: ReplayRepository, tmp_path: Path, s3: MotoS3
) -> None:
    config = s3.config(await create_public_bucket(s3))
    library = await bucket_library(repository, tmp_path, config)
    await library.create("r", "r", 0, START, location_of(config))
    init, paths = packager_files(tmp_path / "hls" / "r", range(1), 1000)
    bucket = await library.open_bucket(config)
    await asyncio.to_thread(s3.stop)
    try:
        with pytest.raises(BucketUploadFailed):
            await library.add_segment("r", paths[0], init, segment(0), bucket)
    finally:
        await bucket.close()
        await asyncio.to_thread(s3.start)
    assert await library.segments("r") == [] and await library.bucket_bytes() == 0


async def test_a_replay_in_a_bucket_no_longer_configured_is_unlisted_and_its_objects_left(
    repository: ReplayRepository, tmp_path: Path, s3: MotoS3
) -> None:
    config = s3.config(await create_public_bucket(s3))
    library = await bucket_library(repository, tmp_path, config)
    await record_to_bucket(library, config, tmp_path, "r", 5, 1)
    await library.finish("r", START)
    library.s3_config = lambda: config.model_copy(update={"bucket": "another"})
    await library.delete("r")
    assert await library.all() == []
    assert await list_keys(s3, config.bucket, "recordings/") == [
        "recordings/r/init-s.mp4",
        "recordings/r/stream-s-0.m4s",
    ]


async def test_a_replay_under_a_path_prefix_plays_and_goes_from_there_after_the_prefix_changes(
    repository: ReplayRepository, tmp_path: Path, s3: MotoS3
) -> None:
    """Newer Owncast's `pathPrefix`: the replay's objects go under `<pathPrefix>/recordings/<id>/`
    (beside the live stream's `<pathPrefix>/hls/`), and the replay keeps that prefix: after the admin
    changes it, the replay is still read, and deleted, where it was recorded."""
    config = s3.config(await create_public_bucket(s3), pathPrefix="site-a/live")
    library = await bucket_library(repository, tmp_path, config)
    await record_to_bucket(library, config, tmp_path, "r1", 2, 2)
    await library.finish("r1", START)
    assert await list_keys(s3, config.bucket) == [
        "site-a/live/recordings/r1/init-s.mp4",
        "site-a/live/recordings/r1/stream-s-0.m4s",
        "site-a/live/recordings/r1/stream-s-1.m4s",
    ]
    replay = await library.get("r1")
    assert replay.location == BucketLocation(s3.endpoint, config.bucket, "site-a/live")

    moved = config.model_copy(update={"path_prefix": "site-b"})
    library.s3_config = lambda: moved
    await record_to_bucket(library, moved, tmp_path, "r2", 1, 1)
    location = (await library.get("r1")).location  # read back from the database
    assert location is not None
    base = media_base_url(location, "r1", moved)
    assert base == f"{s3.endpoint}/{config.bucket}/site-a/live/recordings/r1/"
    async with aiohttp.ClientSession() as http, http.get(base + "stream-s-1.m4s") as response:
        assert response.status == 200 and await response.read() == b"x" * 1000
    cdn = moved.model_copy(update={"serving_endpoint": "https://cdn.example.com"})
    assert media_base_url(location, "r1", cdn) == "https://cdn.example.com/site-a/live/recordings/r1/"
    new = (await library.get("r2")).location
    assert new is not None
    assert media_base_url(new, "r2", moved) == f"{s3.endpoint}/{config.bucket}/site-b/recordings/r2/"

    await library.delete("r1")
    assert await list_keys(s3, config.bucket) == [
        "site-b/recordings/r2/init-s.mp4",
        "site-b/recordings/r2/stream-s-0.m4s",
    ]
    await library.finish("r2", START)
    library.s3_config = lambda: config  # back to the first prefix: r2 is still deleted under its own
    await library.delete("r2")
    assert await list_keys(s3, config.bucket) == [] and await library.all() == []
