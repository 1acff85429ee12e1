"""The clip library on real SQLite and real files: a clip's segments are its own links, so they outlive
the replay's; a replay deleted while a clip is cut leaves neither rows nor files behind."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from ownstream.clips.library import ClipAuthor, ClipLibrary
from ownstream.clips.request import ClipRequest
from ownstream.clock import SystemClock
from ownstream.database.db import open_database
from ownstream.database.repos.clips import ClipRepository
from ownstream.database.repos.replays import ReplayRepository
from ownstream.errors import NotFound
from ownstream.events import ClipCreated, EventBus
from ownstream.replays.files import RecordingFiles
from ownstream.replays.library import ReplayLibrary
from tests.harness import database_url_for_tests
from tests.replays.fixtures import encode_session, rows_for

START = datetime(2026, 12, 2, 5, 0, tzinfo=UTC)
ADMIN = ClipAuthor("admin", "admin", limited=False)


@pytest.fixture
async def engine(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    url = database_url_for_tests(tmp_path) or f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    engine = await open_database(url)
    try:
        yield engine
    finally:
        await engine.dispose()


async def libraries(engine: AsyncEngine, tmp_path: Path, bus: EventBus) -> tuple[ReplayLibrary, ClipLibrary]:
    replays = ReplayLibrary(ReplayRepository(engine), RecordingFiles(tmp_path / "recordings"), 10**9)
    clips = ClipLibrary(
        ClipRepository(engine), RecordingFiles(tmp_path / "clips"), replays, bus, SystemClock()
    )
    session = encode_session(tmp_path / "packager", "a", seconds=3)
    await replays.create("r", "Stream", 0, START)
    for row in rows_for(session, START):
        await replays.add_segment("r", session.segments[row.position], session.init, row)
    return replays, clips


async def test_a_clip_of_the_recording_replay_keeps_its_segments_after_the_replay_goes(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    bus = EventBus()
    announced: list[ClipCreated] = []
    bus.subscribe(ClipCreated, announced.append)
    replays, clips = await libraries(engine, tmp_path, bus)
    replays.recording = lambda: "r"
    clip = await clips.cut(ClipRequest("", None, -1.5, None), 60, ADMIN)
    assert (clip.title, clip.replay_id, clip.duration) == ("Stream", "r", 2.0)
    assert clip.started_at == START + timedelta(seconds=1)
    assert [announced[0].clip_id, announced[0].clipped_by] == [clip.id, "admin"]
    kept = tmp_path / "clips" / clip.id / "stream-a-2.m4s"
    original = tmp_path / "recordings" / "r" / "stream-a-2.m4s"
    assert kept.stat().st_ino == original.stat().st_ino  # a link, not a copy
    replays.recording = lambda: None
    await replays.delete("r")
    assert not original.exists() and kept.stat().st_size > 0
    assert [segment.name for segment in await clips.segments(clip.id)] == ["stream-a-1.m4s", "stream-a-2.m4s"]
    assert (await clips.playlist(clip, "media/")).count("#EXTINF:") == 2


async def test_a_replay_deleted_while_a_clip_is_cut_leaves_nothing_behind(
    engine: AsyncEngine, tmp_path: Path
) -> None:
    _replays, clips = await libraries(engine, tmp_path, EventBus())
    (tmp_path / "recordings" / "r" / "stream-a-1.m4s").unlink()  # the replay's files going as we link
    with pytest.raises(NotFound):
        await clips.cut(ClipRequest("x", "r", 0.0, None), 60, ADMIN)
    assert await clips.all() == []
    assert not any((tmp_path / "clips").iterdir())
