"""The replay index (real SQLite) and the library's disk budget: the oldest finished replays go to make
room, never the one being recorded; kept segments are hard links of the packager's files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ownstream.database.db import open_database
from ownstream.database.repos.replays import ReplayRepository, ReplaySegment
from ownstream.errors import Conflict, NotFound
from ownstream.replays.files import RecordingFiles
from ownstream.replays.library import ReplayLibrary
from tests.harness import database_url_for_tests

START = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


@pytest.fixture
async def repository(tmp_path: Path) -> AsyncIterator[ReplayRepository]:
    """On the run's PostgreSQL under `--database-engine postgresql` (the queries must work on both)."""
    url = database_url_for_tests(tmp_path) or f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    engine = await open_database(url)
    try:
        yield ReplayRepository(engine)
    finally:
        await engine.dispose()


def segment(position: int, size: int = 1000, *, at: datetime = START) -> ReplaySegment:
    return ReplaySegment(
        position=position,
        name=f"stream-s-{position}.m4s",
        init_name="init-s.mp4",
        program_date_time=at + timedelta(seconds=2 * position),
        duration=2.0,
        size=size,
        discontinuity=False,
    )


def packager_files(folder: Path, positions: range, size: int) -> tuple[Path, list[Path]]:
    folder.mkdir(parents=True, exist_ok=True)
    init = folder / "init-s.mp4"
    init.write_bytes(b"init")
    paths = []
    for position in positions:
        path = folder / f"stream-s-{position}.m4s"
        path.write_bytes(b"x" * size)
        paths.append(path)
    return init, paths


async def record(library: ReplayLibrary, tmp_path: Path, replay_id: str, hours_ago: int, segments: int,
                 size: int = 1000) -> None:  # fmt: skip
    started = START - timedelta(hours=hours_ago)
    await library.create(replay_id, f"stream {replay_id}", 0, started)
    init, paths = packager_files(tmp_path / "hls" / replay_id, range(segments), size)
    for position, path in enumerate(paths):
        assert await library.make_room(size)
        await library.add_segment(replay_id, path, init, segment(position, size, at=started))


async def test_the_index_lists_newest_first_with_totals(repository: ReplayRepository) -> None:
    await repository.create("old", "Old", 0, START - timedelta(days=1))
    await repository.create("new", "New", 1, START)
    for position in range(3):
        await repository.add_segment("new", segment(position, 500))
    await repository.finish("new", START + timedelta(seconds=6))
    listed = await repository.all()
    assert [replay.id for replay in listed] == ["new", "old"]
    new = listed[0]
    assert (new.duration, new.size, new.segments, new.rendition) == (6.0, 1500, 3, 1)
    assert new.finished and new.last_end == START + timedelta(seconds=6)
    assert listed[1].segments == 0 and listed[1].last_end is None and not listed[1].finished
    assert [s.position for s in await repository.segments("new")] == [0, 1, 2]
    assert await repository.total_size() == 1500
    assert [replay.id for replay in await repository.unfinished()] == ["old"]
    assert await repository.delete("new") and await repository.segments("new") == []
    assert not await repository.delete("new")


async def test_kept_segments_are_links_that_outlive_the_packagers_files(
    repository: ReplayRepository, tmp_path: Path
) -> None:
    library = ReplayLibrary(repository, RecordingFiles(tmp_path / "recordings"), disk_budget=10**9)
    await record(library, tmp_path, "r1", 0, 2)
    for path in (tmp_path / "hls" / "r1").iterdir():
        path.unlink()  # the packager drops its window
    kept = tmp_path / "recordings" / "r1"
    assert sorted(p.name for p in kept.iterdir()) == ["init-s.mp4", "stream-s-0.m4s", "stream-s-1.m4s"]
    assert (kept / "stream-s-1.m4s").read_bytes() == b"x" * 1000
    assert await library.used_bytes() == 2000


async def test_the_budget_removes_the_oldest_finished_replays_never_the_recording_one(
    repository: ReplayRepository, tmp_path: Path
) -> None:
    library = ReplayLibrary(repository, RecordingFiles(tmp_path / "recordings"), disk_budget=10_000)
    await record(library, tmp_path, "oldest", 30, 3)
    await library.finish("oldest", START)
    await record(library, tmp_path, "older", 20, 3)
    await library.finish("older", START)
    await record(library, tmp_path, "live", 1, 3)
    library.recording = lambda: "live"
    assert await library.used_bytes() == 9000
    # 2,000 more bytes: only the oldest has to go.
    assert await library.make_room(2000)
    assert [replay.id for replay in await library.all()] == ["live", "older"]
    assert not (tmp_path / "recordings" / "oldest").exists()
    assert await library.used_bytes() == 6000
    # More than the budget can hold with the live one kept: everything else goes, and still no room.
    assert not await library.make_room(7001)
    assert [replay.id for replay in await library.all()] == ["live"]
    assert (tmp_path / "recordings" / "live" / "stream-s-2.m4s").is_file()


async def test_delete_refuses_the_replay_being_recorded(repository: ReplayRepository, tmp_path: Path) -> None:
    library = ReplayLibrary(repository, RecordingFiles(tmp_path / "recordings"), disk_budget=10**9)
    await record(library, tmp_path, "live", 0, 1)
    library.recording = lambda: "live"
    with pytest.raises(Conflict):
        await library.delete("live")
    with pytest.raises(NotFound):
        await library.delete("nope")
    with pytest.raises(NotFound):
        await library.delete("../etc")
    library.recording = lambda: None
    await library.delete("live")
    assert await library.all() == [] and not (tmp_path / "recordings" / "live").exists()
    assert await library.used_bytes() == 0


async def test_retention_by_days_removes_finished_replays_past_them_never_the_recording_one(
    repository: ReplayRepository, tmp_path: Path
) -> None:
    library = ReplayLibrary(repository, RecordingFiles(tmp_path / "recordings"), disk_budget=10**9)
    now = START
    for replay_id, days_ago, finished in (("ancient", 10, True), ("recent", 1, True), ("open", 9, False)):
        await record(library, tmp_path, replay_id, 24 * days_ago, 1)
        if finished:
            await library.finish(replay_id, now - timedelta(days=days_ago))
    await record(library, tmp_path, "live", 24 * 30, 1)
    await library.finish("live", now - timedelta(days=30))
    library.recording = lambda: "live"  # (a finished row that the recorder still names: kept anyway)
    assert await library.apply_retention(0, now) == []
    assert await library.apply_retention(7, now) == ["ancient"]
    assert sorted(replay.id for replay in await library.all()) == ["live", "open", "recent"]
    assert not (tmp_path / "recordings" / "ancient").exists()


async def test_retention_by_bytes_removes_the_oldest_first_and_limits_recording(
    repository: ReplayRepository, tmp_path: Path
) -> None:
    library = ReplayLibrary(repository, RecordingFiles(tmp_path / "recordings"), disk_budget=10**9)
    for replay_id, hours_ago in (("a", 30), ("b", 20), ("c", 10)):
        await record(library, tmp_path, replay_id, hours_ago, 2)
        await library.finish(replay_id, START - timedelta(hours=hours_ago - 1))
    retained = [0]
    library.retained_bytes = lambda: retained[0]
    assert await library.apply_retention(0, START) == []
    retained[0] = 4000  # exactly what a, b and c less one of them take
    assert await library.apply_retention(0, START) == ["a"]
    retained[0] = 3999
    assert await library.apply_retention(0, START) == ["b"]
    assert [replay.id for replay in await library.all()] == ["c"]
    assert library.byte_limit == 3999
    assert await library.make_room(1999)  # c (2,000) + 1,999 fits
    assert not await library.make_room(4000)  # can never fit: nothing is removed for it
    assert [replay.id for replay in await library.all()] == ["c"]


async def test_a_finished_replays_playlist_is_kept_a_growing_ones_is_not(
    repository: ReplayRepository, tmp_path: Path
) -> None:
    library = ReplayLibrary(repository, RecordingFiles(tmp_path / "recordings"), disk_budget=10**9)
    await library.create("r", "t", 0, START)
    assert await library.playlist(await library.get("r"), "media/") is None
    await repository.add_segment("r", segment(0))
    growing = await library.playlist(await library.get("r"), "media/")
    assert growing is not None and "#EXT-X-PLAYLIST-TYPE:EVENT" in growing
    await repository.add_segment("r", segment(1))
    growing = await library.playlist(await library.get("r"), "media/")
    assert growing is not None and growing.count("#EXTINF:") == 2
    await library.finish("r", START + timedelta(seconds=4))
    finished = await library.playlist(await library.get("r"), "media/")
    assert finished is not None and finished.endswith("#EXT-X-ENDLIST\n")
    await repository.add_segment("r", segment(2))  # (never happens to a finished replay)
    assert await library.playlist(await library.get("r"), "media/") == finished
    library.recording = lambda: None
    await library.delete("r")
    await library.create("r", "t", 0, START)
    assert await library.playlist(await library.get("r"), "media/") is None
