"""A live stream for the HTTP side without ffmpeg: synthetic fragments pushed into `LiveHls` renditions the
way the packager pushes ffmpeg's (24 fps video, 6-frame fragments = 0.25 s parts, a keyframe each second)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from ownstream.hls.fmp4 import Fmp4Reader, Fragment, InitSegment
from ownstream.hls.live_store import LiveHls, LiveRendition, RenditionPlan
from ownstream.hls.live_window import RenditionWindow, SegmentNames
from ownstream.hls.parts import PartCutter
from tests.hls.fmp4_builder import init_segment, video_fragment

FRAME = 3750  # 90 kHz ticks at 24 fps
EPOCH = datetime(2026, 12, 1, 20, 0, tzinfo=UTC)
SESSION = "feed01"


class LiveFeed:
    """`renditions` renditions of one stream, attached to `store`; `push()` adds the next fragment to all."""

    def __init__(
        self,
        store: LiveHls,
        *,
        renditions: int = 2,
        part_target: float | None = 0.25,
        frames_per_fragment: int = 6,
        playlist_length: int = 25,
        segment_target: float = 1.0,
    ) -> None:
        self.store = store
        self.names = SegmentNames(SESSION)
        self.frames = frames_per_fragment
        self.sent = 0
        self._reader = Fmp4Reader()
        init = self._reader.feed(init_segment(audio=False))[0]
        assert isinstance(init, InitSegment)
        self.init = init
        plan = RenditionPlan(segment_target, playlist_length, part_target)
        self.renditions = []
        for index in range(renditions):
            window = RenditionWindow(
                PartCutter(segment_target, part_target),
                playlist_length=playlist_length,
                wall_clock_at=lambda seconds: EPOCH + timedelta(seconds=seconds),
            )
            window.set_init(init)
            self.renditions.append(LiveRendition(index, window, self.names, plan))
        store.attach(self.names, self.renditions)

    def next_fragment(self) -> Fragment:
        frames_per_second = 24
        start = self.sent * self.frames
        keyframe = start % frames_per_second == 0
        data = video_fragment(self.sent + 1, start * FRAME, self.frames, FRAME, keyframe=keyframe)
        self.sent += 1
        item = self._reader.feed(data)[0]
        assert isinstance(item, Fragment)
        return item

    def push(self, count: int = 1) -> list[Fragment]:
        """The next `count` fragments, to every rendition (as the packager does on each pipe read)."""
        pushed = []
        for _ in range(count):
            fragment = self.next_fragment()
            pushed.append(fragment)
            for rendition in self.renditions:
                change = rendition.window.add(fragment)
                for segment in change.completed_segments:
                    rendition.note_segment(segment)
            self.store.bump()
        return pushed

    def end(self) -> None:
        for rendition in self.renditions:
            for segment in rendition.window.finish().completed_segments:
                rendition.note_segment(segment)
        self.store.bump()
