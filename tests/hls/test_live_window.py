"""One rendition's live window: parts numbered across the stream, what is available, trimming, the end."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ownstream.hls.fmp4 import Fmp4Reader, Fragment, InitSegment
from ownstream.hls.live_window import RenditionWindow
from ownstream.hls.parts import PartCutter
from tests.hls.fmp4_builder import init_segment, video_fragment

EPOCH = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
FRAME = 3750  # 90 kHz ticks: 24 fps


def wall_clock_at(seconds: float) -> datetime:
    return EPOCH + timedelta(seconds=seconds)


def window(playlist_length: int = 3, part_target: float | None = 0.25) -> RenditionWindow:
    w = RenditionWindow(
        PartCutter(1.0, part_target), playlist_length=playlist_length, wall_clock_at=wall_clock_at
    )
    init = Fmp4Reader().feed(init_segment(audio=False))[0]
    assert isinstance(init, InitSegment)
    w.set_init(init)
    return w


def fragments(count: int, frames: int = 6, gop_fragments: int = 4) -> list[Fragment]:
    """`count` fragments of `frames` frames at 24 fps, a keyframe every `gop_fragments` fragments."""
    reader = Fmp4Reader()
    reader.feed(init_segment(audio=False))
    out = []
    for n in range(count):
        item = reader.feed(
            video_fragment(n + 1, n * frames * FRAME, frames, FRAME, keyframe=n % gop_fragments == 0)
        )
        assert isinstance(item[0], Fragment)
        out.append(item[0])
    return out


def test_parts_and_segments_as_fragments_arrive() -> None:
    w = window()
    stream = fragments(9)
    for fragment in stream[:4]:
        change = w.add(fragment)
        assert len(change.completed_parts) == 1  # each 6-frame fragment fills a 0.25 s part at once
    assert w.last_complete_msn is None  # the segment ends only when the next keyframe comes
    assert w.has(0, 3) and not w.has(0, 4) and not w.has(0, None)
    change = w.add(stream[4])
    assert [s.msn for s in change.completed_segments] == [0]
    assert w.has(0, None) and w.has(0, 4)  # past the last part of a complete segment: part 0 of the next
    assert [p.number for p in w.segments[1].parts] == [4]
    assert w.hinted_part_number == 5
    segment = w.segment(0)
    assert segment is not None and segment.duration == 1.0 and len(segment.parts) == 4
    assert segment.program_date_time == EPOCH
    second = w.segment(1)
    assert second is not None and second.program_date_time == EPOCH + timedelta(seconds=1)


def test_the_newest_part_is_always_listed_and_the_hint_follows_it() -> None:
    w = window()
    for fragment in fragments(30):
        w.add(fragment)
        listed = [part.number for segment in w.listed_segments() for part in segment.parts if part.complete]
        last = w.last_part
        assert last is not None and listed[-1] == last.number
        assert w.hinted_part_number == last.number + 1


def test_old_segments_leave_memory_with_their_parts() -> None:
    w = window(playlist_length=2)
    for fragment in fragments(40):
        w.add(fragment)
    assert len(w.segments) == 2 + w.memory_margin + 1
    assert w.segment(0) is None and w.part(0) is None
    assert w.has(0, None)  # older than memory: long available (from disk)
    assert len([s for s in w.listed_segments() if s.complete]) == 2


def test_the_end_completes_the_open_part_and_segment() -> None:
    w = window()
    stream = fragments(5, frames=3, gop_fragments=8)  # 3-frame fragments: two make a part
    for fragment in stream:
        w.add(fragment)
    open_part = w.segments[-1].parts[-1]
    assert not open_part.complete
    change = w.finish()
    assert open_part in change.completed_parts and w.segments[-1] in change.completed_segments
    assert w.ended and w.has(99, 0)
    assert w.finish().completed_parts == []


def test_standard_segments_have_one_part_each() -> None:
    w = window(part_target=None)
    for fragment in fragments(12, frames=24, gop_fragments=1):
        w.add(fragment)
    assert [len(s.parts) for s in w.segments] == [1] * 7  # the rest left memory
    assert w.last_complete_msn == 10
