"""The DVR playlist (replays/dvr.py) over a real SQLite index: the window's `since`, an EVENT playlist of
the segments from it on whose media and discontinuity sequences say where in the replay it starts,
rendered again only after a new segment."""

from __future__ import annotations

import gzip
from collections.abc import AsyncIterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from ownstream.database.db import open_database
from ownstream.database.repos.replays import ReplayRepository
from ownstream.replays.dvr import SINCE_STEP, DvrPlaylists, since_moment, window_since
from ownstream.replays.playlist import render_replay_playlist
from tests.harness import database_url_for_tests
from tests.replays.test_library import segment

START = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)


@pytest.fixture
async def repository(tmp_path: Path) -> AsyncIterator[ReplayRepository]:
    url = database_url_for_tests(tmp_path) or f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    engine = await open_database(url)
    try:
        yield ReplayRepository(engine)
    finally:
        await engine.dispose()


def test_since_is_the_window_before_now_rounded_down_to_the_step() -> None:
    now = datetime(2026, 12, 2, 8, 0, 17, 400000, tzinfo=UTC)
    since = window_since(now, 7200)
    assert since % SINCE_STEP == 0
    assert now - timedelta(seconds=7200 + SINCE_STEP) < since_moment(since) <= now - timedelta(seconds=7200)
    assert window_since(now, 10**10) == 0


def test_a_playlist_starting_inside_the_replay_names_its_sequences_and_no_leading_discontinuity() -> None:
    segments = [replace(segment(40), discontinuity=True), segment(41)]
    lines = render_replay_playlist(segments, ended=False, discontinuity_sequence=2).splitlines()
    assert "#EXT-X-MEDIA-SEQUENCE:40" in lines
    assert "#EXT-X-DISCONTINUITY-SEQUENCE:2" in lines
    assert "#EXT-X-DISCONTINUITY" not in lines  # the first segment's is counted in the sequence
    assert "#EXT-X-PLAYLIST-TYPE:EVENT" in lines and "#EXT-X-ENDLIST" not in lines
    assert lines.index("#EXT-X-DISCONTINUITY-SEQUENCE:2") < lines.index("#EXT-X-PLAYLIST-TYPE:EVENT")


async def test_the_dvr_playlist_holds_the_segments_from_since_on(repository: ReplayRepository) -> None:
    await repository.create("live", "now", 0, START)
    # 0–19 then a reconnect at 20 and another at 45 (2 s segments from START).
    for position in range(60):
        row = segment(position)
        await repository.add_segment("live", replace(row, discontinuity=position in (20, 45)))
    version = {"live": 1}
    playlists = DvrPlaylists(repository, lambda replay_id: version.get(replay_id, 0))

    since = int((START + timedelta(seconds=60)).timestamp())  # segment 30's first frame
    rendered = await playlists.playlist("live", since, "media/")
    assert rendered is not None
    text = rendered.text
    assert gzip.decompress(rendered.gzipped).decode() == text
    lines = text.splitlines()
    names = [line for line in lines if line.endswith(".m4s")]
    assert names[0] == "media/stream-s-30.m4s" and names[-1] == "media/stream-s-59.m4s"
    assert "#EXT-X-MEDIA-SEQUENCE:30" in lines
    assert "#EXT-X-DISCONTINUITY-SEQUENCE:1" in lines  # the reconnect at 20 came before
    assert lines.count("#EXT-X-DISCONTINUITY") == 1  # the one at 45
    assert text.count("#EXT-X-PROGRAM-DATE-TIME:") == len(names)
    assert "#EXT-X-PLAYLIST-TYPE:EVENT" in lines and "#EXT-X-ENDLIST" not in lines

    # Starting exactly at a reconnect: counted in the sequence, no tag before the first segment.
    at_reconnect = int((START + timedelta(seconds=90)).timestamp())
    lines = (await playlists.playlist("live", at_reconnect, "")).text.splitlines()  # type: ignore[union-attr]
    assert "#EXT-X-MEDIA-SEQUENCE:45" in lines and "#EXT-X-DISCONTINUITY-SEQUENCE:2" in lines
    assert "#EXT-X-DISCONTINUITY" not in lines

    # Rendered once per new segment: without one the cached text stands, with one it grows.
    await repository.add_segment("live", segment(60))
    assert await playlists.playlist("live", since, "media/") is rendered
    version["live"] = 2
    grown = await playlists.playlist("live", since, "media/")
    assert grown is not None and grown.text.count("#EXTINF:") == text.count("#EXTINF:") + 1
    assert grown.text.splitlines()[-1] == "media/stream-s-60.m4s"
    # Grown by appending, it is what a whole render gives; a longer segment (a new target duration)
    # renders it whole again.
    fresh = DvrPlaylists(repository, lambda replay_id: version.get(replay_id, 0))
    assert grown.text == (await fresh.playlist("live", since, "media/")).text  # type: ignore[union-attr]
    assert gzip.decompress(grown.gzipped).decode() == grown.text
    await repository.add_segment("live", replace(segment(61), duration=3.5, discontinuity=True))
    version["live"] = 3
    longer = await playlists.playlist("live", since, "media/")
    assert longer is not None and "#EXT-X-TARGETDURATION:4" in longer.text.splitlines()
    assert longer.text == (await fresh.playlist("live", since, "media/")).text  # type: ignore[union-attr]
    assert longer.text.splitlines()[-4:] == [
        "#EXT-X-DISCONTINUITY",
        longer.text.splitlines()[-3],
        "#EXTINF:3.500,",
        "media/stream-s-61.m4s",
    ]

    assert await playlists.playlist("live", int((START + timedelta(hours=5)).timestamp()), "") is None
    assert await playlists.first_date("live") == START
    assert await playlists.first_date("other") is None
