from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ownstream.database.repos.replays import ReplaySegment
from ownstream.replays.playlist import render_replay_playlist

START = datetime(2026, 12, 2, 4, 0, 0, 250000, tzinfo=UTC)


def segment(position: int, *, init: str = "init-a.mp4", discontinuity: bool = False, at: float | None = None,
            duration: float = 2.0) -> ReplaySegment:  # fmt: skip
    return ReplaySegment(
        position=position,
        name=f"stream-x-{position}.m4s",
        init_name=init,
        program_date_time=START + timedelta(seconds=position * 2.0 if at is None else at),
        duration=duration,
        size=100,
        discontinuity=discontinuity,
    )


def test_a_growing_replay_is_an_event_playlist_without_endlist() -> None:
    text = render_replay_playlist([segment(0), segment(1)], ended=False, media_prefix="media/")
    lines = text.splitlines()
    assert lines[0] == "#EXTM3U"
    assert "#EXT-X-PLAYLIST-TYPE:EVENT" in lines
    assert "#EXT-X-ENDLIST" not in lines
    assert lines.count('#EXT-X-MAP:URI="media/init-a.mp4"') == 1
    assert "media/stream-x-1.m4s" in lines


def test_a_finished_replay_is_vod_with_a_date_on_every_segment() -> None:
    text = render_replay_playlist([segment(0), segment(1), segment(2)], ended=True)
    lines = text.splitlines()
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in lines and lines[-1] == "#EXT-X-ENDLIST"
    dates = [line for line in lines if line.startswith("#EXT-X-PROGRAM-DATE-TIME:")]
    assert dates == [
        "#EXT-X-PROGRAM-DATE-TIME:2026-12-02T04:00:00.250Z",
        "#EXT-X-PROGRAM-DATE-TIME:2026-12-02T04:00:02.250Z",
        "#EXT-X-PROGRAM-DATE-TIME:2026-12-02T04:00:04.250Z",
    ]
    # Each date is immediately followed by its segment's EXTINF, then its URI.
    for index, line in enumerate(lines):
        if line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            assert lines[index + 1] == "#EXTINF:2.000," and lines[index + 2].endswith(".m4s")


def test_a_reconnect_is_a_discontinuity_with_its_own_init_segment() -> None:
    segments = [segment(0), segment(1), segment(2, init="init-b.mp4", discontinuity=True, at=30.0)]
    lines = render_replay_playlist(segments, ended=True).splitlines()
    discontinuity = lines.index("#EXT-X-DISCONTINUITY")
    assert lines[discontinuity + 1] == '#EXT-X-MAP:URI="init-b.mp4"'
    assert lines[discontinuity + 2] == "#EXT-X-PROGRAM-DATE-TIME:2026-12-02T04:00:30.250Z"
    assert lines.count("#EXT-X-DISCONTINUITY") == 1


def test_the_target_duration_covers_the_longest_segment() -> None:
    lines = render_replay_playlist(
        [segment(0, duration=2.0), segment(1, duration=3.4)], ended=True
    ).splitlines()
    assert "#EXT-X-TARGETDURATION:4" in lines
