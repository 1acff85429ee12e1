"""The packager's playlists, byte for byte (golden files in tests/hls/golden/), and their rules.

Regenerate after a deliberate change with `OWNSTREAM_UPDATE_GOLDEN=1 pytest tests/hls/test_live_playlist.py`
and review the diff.
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import m3u8
import pytest

from ownstream.hls.live_playlist import (
    LowLatency,
    MediaPlaylist,
    PartEntry,
    RenditionReport,
    SegmentEntry,
    Skip,
    VariantEntry,
    render_master_playlist,
    render_media_playlist,
    skippable_segments,
    target_duration_for,
)

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("OWNSTREAM_UPDATE_GOLDEN") == "1"
START = datetime(2026, 12, 1, 20, 0, 0, 500_000, tzinfo=UTC)


def assert_golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if UPDATE:
        path.parent.mkdir(exist_ok=True)
        path.write_text(text)
    assert text == path.read_text(), f"{name} changed; regenerate with OWNSTREAM_UPDATE_GOLDEN=1 and review"


def segments(count: int, *, open_parts: int = 2, parts_per_segment: int = 4) -> tuple[SegmentEntry, ...]:
    """`count` complete 1 s segments of four 0.25 s parts, then an open one with `open_parts` parts."""
    out = []
    number = 0
    for msn in range(count + 1):
        complete = msn < count
        made = parts_per_segment if complete else open_parts
        parts = tuple(PartEntry(f"part-s1-{number + n}.m4s", 0.25, independent=n == 0) for n in range(made))
        number += made
        out.append(
            SegmentEntry(
                msn=msn + 10,
                duration=0.25 * made,
                program_date_time=START + timedelta(seconds=msn),
                uri=f"stream-s1-{msn + 10}.m4s" if complete else None,
                parts=parts,
            )
        )
    return tuple(out)


def low_latency(*, skip: float | None = 6.0) -> LowLatency:
    return LowLatency(
        part_target=0.25,
        part_hold_back=0.75,
        can_skip_until=skip,
        preload_hint="part-s1-34.m4s",
        reports=(RenditionReport("../1/stream.m3u8", 18, 1),),
    )


def live(count: int = 8) -> MediaPlaylist:
    return MediaPlaylist(1, "init-s1.mp4", segments(count), low_latency())


def test_low_latency_playlist() -> None:
    text = render_media_playlist(live())
    assert_golden("low_latency.m3u8", text)
    parsed = m3u8.loads(text)
    assert parsed.server_control.can_block_reload == "YES"
    assert parsed.part_inf.part_target == 0.25
    assert parsed.preload_hint.uri == "part-s1-34.m4s"
    assert parsed.rendition_reports[0].last_msn == 18
    # Parts only for the last three target durations, and the open segment's (listed last, no URI).
    listed = [len(segment.parts) for segment in parsed.segments]
    assert listed == [0, 0, 0, 0, 0, 4, 4, 4, 2]
    assert parsed.segments[-1].uri is None and text.count("#EXT-X-PART:") == 14


def test_a_parts_program_date_time_comes_before_its_first_part() -> None:
    lines = render_media_playlist(live()).splitlines()
    first_part = lines.index('#EXT-X-PART:DURATION=0.25000,URI="part-s1-32.m4s",INDEPENDENT=YES')
    assert lines[first_part - 1] == "#EXT-X-PROGRAM-DATE-TIME:2026-12-01T20:00:08.500Z"


def test_delta_update() -> None:
    text = render_media_playlist(live(), Skip())
    assert_golden("delta.m3u8", text)
    parsed = m3u8.loads(text)
    assert parsed.skip.skipped_segments == 2  # 8.5 s listed: those ending 6 s or more before the end
    assert parsed.media_sequence == 10


def test_delta_update_v2() -> None:
    text = render_media_playlist(live(), Skip(v2=True))
    assert_golden("delta_v2.m3u8", text)
    assert "#EXT-X-VERSION:10\n" in text


def test_no_delta_update_without_can_skip_until() -> None:
    playlist = MediaPlaylist(1, "init-s1.mp4", segments(8), low_latency(skip=None))
    assert render_media_playlist(playlist, Skip()) == render_media_playlist(playlist)
    assert "CAN-SKIP-UNTIL" not in render_media_playlist(playlist)


def test_standard_playlist() -> None:
    complete = tuple(SegmentEntry(s.msn, 3.0, s.program_date_time, s.uri) for s in segments(3)[:-1])
    text = render_media_playlist(MediaPlaylist(3, "init-s1.mp4", complete))
    assert_golden("standard.m3u8", text)
    parsed = m3u8.loads(text)
    assert parsed.server_control is None and not parsed.part_inf
    assert [segment.uri for segment in parsed.segments] == [
        "stream-s1-10.m4s",
        "stream-s1-11.m4s",
        "stream-s1-12.m4s",
    ]


def test_ended_low_latency_playlist_has_no_hint_or_reports() -> None:
    complete = segments(2)[:-1]
    text = render_media_playlist(MediaPlaylist(1, "init-s1.mp4", complete, low_latency(), ended=True))
    assert_golden("ended.m3u8", text)
    assert "PRELOAD-HINT" not in text and "RENDITION-REPORT" not in text
    assert (
        render_media_playlist(MediaPlaylist(1, "init-s1.mp4", complete, low_latency(), ended=True), Skip())
        == text
    )


def test_master_playlist() -> None:
    text = render_master_playlist(
        [
            VariantEntry("0/stream.m3u8", 1_424_000, "avc1.640014,mp4a.40.2", (320, 180), 24.0),
            VariantEntry("1/stream.m3u8", 800_000, None, None, None),
        ]
    )
    assert_golden("master.m3u8", text)
    parsed = m3u8.loads(text)
    assert [p.uri for p in parsed.playlists] == ["0/stream.m3u8", "1/stream.m3u8"]


@pytest.mark.parametrize(
    ("durations", "until", "expected"),
    [([1.0] * 10, 6.0, 4), ([1.0] * 6, 6.0, 0), ([1.0] * 7, 6.0, 1), ([2.0, 2.0, 2.0, 2.0], 6.0, 1)],
)
def test_what_a_delta_update_skips(durations: list[float], until: float, expected: int) -> None:
    entries = [SegmentEntry(n, d, START, f"s{n}") for n, d in enumerate(durations)]
    assert skippable_segments(entries, until) == expected


def test_target_duration_covers_rounded_segments() -> None:
    assert target_duration_for([1.0, 1.4], 1) == 1
    assert target_duration_for([1.0, 1.5], 1) == 2
    assert target_duration_for([], 3) == 3
