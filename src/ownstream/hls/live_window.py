"""One rendition's live window: the init segment, the recent segments and their parts, in memory. Pure code.

Fragments come in (from `hls.fmp4`), `hls.parts.PartCutter` decides the boundaries, and the window keeps
what viewers fetch: a part's bytes are its fragments, a segment's bytes are its parts, so nothing is held
twice. Parts are numbered across the whole stream (`part-<session>-<n>.m4s`): the next number is known
before its segment is, which makes the preload hint right even when a keyframe starts a new segment.
Segments leave memory `memory_margin` segments after they leave the playlist; what must outlive that is
on disk (the packager writes every finished segment there).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

from ownstream.hls.fmp4 import Fragment, InitSegment, Track
from ownstream.hls.parts import PartCutter


@dataclass(frozen=True)
class SegmentNames:
    """The URIs of one stream's media, relative to its variant playlist."""

    session: str

    @property
    def init(self) -> str:
        return f"init-{self.session}.mp4"

    def segment(self, msn: int) -> str:
        return f"stream-{self.session}-{msn}.m4s"

    def part(self, number: int) -> str:
        return f"part-{self.session}-{number}.m4s"


@dataclass(eq=False)
class Part:
    number: int
    """Stream-wide part number (the URI's)."""
    msn: int
    index: int
    """Position in its segment."""
    independent: bool
    chunks: list[bytes] = field(default_factory=list)
    duration: float = 0.0
    complete: bool = False

    @property
    def size(self) -> int:
        return sum(len(chunk) for chunk in self.chunks)


@dataclass(eq=False)
class Segment:
    msn: int
    program_date_time: datetime
    """When its first frame arrived at the server."""
    parts: list[Part] = field(default_factory=list)
    duration: float = 0.0
    complete: bool = False

    @property
    def size(self) -> int:
        return sum(part.size for part in self.parts)

    def chunks(self) -> Iterator[bytes]:
        for part in self.parts:
            yield from part.chunks


@dataclass
class WindowChange:
    """What one fragment (or the end) changed: for notifications and disk writes."""

    completed_parts: list[Part] = field(default_factory=list)
    completed_segments: list[Segment] = field(default_factory=list)
    started_part: Part | None = None
    grown_part: Part | None = None
    """The part the fragment went into, complete or not."""

    @property
    def changed(self) -> bool:
        return bool(self.completed_parts or self.completed_segments or self.grown_part)


WallClockAt = Callable[[float], datetime]
"""The arrival time of the media at `seconds` into this rendition's timeline (for PROGRAM-DATE-TIME)."""


class RenditionWindow:
    def __init__(
        self,
        cutter: PartCutter,
        *,
        playlist_length: int,
        memory_margin: int = 3,
        wall_clock_at: WallClockAt,
    ) -> None:
        self.cutter = cutter
        self.playlist_length = playlist_length
        self.memory_margin = memory_margin
        self._wall_clock_at = wall_clock_at
        self.init: InitSegment | None = None
        self.lead: Track | None = None
        self.segments: deque[Segment] = deque()
        """Oldest first; the last one may be open (incomplete)."""
        self._parts: dict[int, Part] = {}
        self.next_part_number = 0
        self.next_msn = 0
        self.first_decode_time: int | None = None
        self.ended = False

    # --- feeding --------------------------------------------------------------------------------------
    def set_init(self, init: InitSegment) -> None:
        self.init = init
        self.lead = init.lead_track

    def add(self, fragment: Fragment) -> WindowChange:
        """Place one fragment; returns what became complete."""
        lead = self.lead
        if lead is None or self.ended:
            return WindowChange()
        run = fragment.run_for(lead.track_id)
        if run is None:
            duration, independent, start = 0.0, False, self._elapsed_now()
        else:
            if self.first_decode_time is None:
                self.first_decode_time = run.base_decode_time
            duration = run.duration / lead.timescale
            independent = run.starts_with_sync
            start = (run.base_decode_time - self.first_decode_time) / lead.timescale
        cut = self.cutter.place(duration, independent)
        change = WindowChange()
        current = self.segments[-1] if self.segments else None
        if cut.close_part and current is not None and current.parts and not current.parts[-1].complete:
            change.completed_parts.append(self._complete_part(current.parts[-1]))
        if cut.close_segment and current is not None:
            change.completed_segments.append(self._complete_segment(current))
        if current is None or cut.close_segment:
            current = Segment(self.next_msn, self._wall_clock_at(start))
            self.next_msn += 1
            self.segments.append(current)
        if cut.new_part:
            part = Part(self.next_part_number, current.msn, len(current.parts), independent)
            self.next_part_number += 1
            current.parts.append(part)
            self._parts[part.number] = part
            change.started_part = part
        part = current.parts[-1]
        part.chunks.append(fragment.data)
        part.duration += duration
        current.duration += duration
        change.grown_part = part
        if cut.part_full:
            change.completed_parts.append(self._complete_part(part))
        self._trim()
        return change

    def finish(self) -> WindowChange:
        """The stream ended: the open part and segment are complete, nothing more comes."""
        change = WindowChange()
        if self.ended:
            return change
        self.cutter.finish()
        self.ended = True
        if self.segments and not self.segments[-1].complete:
            current = self.segments[-1]
            if current.parts and not current.parts[-1].complete:
                change.completed_parts.append(self._complete_part(current.parts[-1]))
            if current.parts:
                change.completed_segments.append(self._complete_segment(current))
            else:
                self.segments.pop()
        return change

    def _complete_part(self, part: Part) -> Part:
        part.complete = True
        return part

    def _complete_segment(self, segment: Segment) -> Segment:
        segment.complete = True
        return segment

    def _elapsed_now(self) -> float:
        return sum(segment.duration for segment in self.segments)

    def _trim(self) -> None:
        keep = self.playlist_length + self.memory_margin + 1  # +1: the open segment
        while len(self.segments) > keep:
            old = self.segments.popleft()
            for part in old.parts:
                self._parts.pop(part.number, None)

    # --- reading --------------------------------------------------------------------------------------
    @property
    def complete_segments(self) -> list[Segment]:
        return [segment for segment in self.segments if segment.complete]

    def listed_segments(self) -> list[Segment]:
        """The playlist's segments: the newest `playlist_length` complete ones, then the open one."""
        complete = self.complete_segments[-self.playlist_length :]
        tail = self.segments[-1] if self.segments and not self.segments[-1].complete else None
        return [*complete, tail] if tail is not None and tail.parts else complete

    def segment(self, msn: int) -> Segment | None:
        if not self.segments or not self.segments[0].msn <= msn <= self.segments[-1].msn:
            return None
        return self.segments[msn - self.segments[0].msn]

    def part(self, number: int) -> Part | None:
        return self._parts.get(number)

    @property
    def last_part(self) -> Part | None:
        """The newest complete part."""
        for segment in reversed(self.segments):
            for part in reversed(segment.parts):
                if part.complete:
                    return part
        return None

    @property
    def last_complete_msn(self) -> int | None:
        for segment in reversed(self.segments):
            if segment.complete:
                return segment.msn
        return None

    @property
    def hinted_part_number(self) -> int:
        """The part a client may ask for before it exists (`EXT-X-PRELOAD-HINT`)."""
        last = self.last_part
        return last.number + 1 if last is not None else self.next_part_number

    def has(self, msn: int, part: int | None) -> bool:
        """Whether segment `msn` (complete) or part `part` of it (complete) is available now.

        A part index past the last part of a complete segment means part 0 of the next segment.
        """
        if self.ended:
            return True
        if not self.segments:
            return False
        if msn < self.segments[0].msn:
            return True
        segment = self.segment(msn)
        if segment is None:
            return False
        if part is None:
            return segment.complete
        if part < len(segment.parts):
            return segment.parts[part].complete
        if segment.complete:
            return self.has(msn + 1, 0)
        return False
