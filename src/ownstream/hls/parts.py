"""Where parts and segments begin and end, decided fragment by fragment. Pure code: durations in, cuts out.

The rules (draft-pantos-hls-rfc8216bis §4.4.4.9, Apple's low-latency profile):
- a segment begins only at an independent fragment (a keyframe), and the open segment ends at the first
  one that comes once the segment has reached `SEGMENT_CLOSE_FRACTION` of its target — so with a GOP as
  long as the segment every segment has its target length, and a longer GOP stretches segments to it;
- a part never exceeds the part target: the open part ends before a fragment that would overrun it, and
  right after a fragment when one more of the same length would (so a full part is announced as soon as
  its last fragment arrives, not when the next one does);
- a segment's first part begins with its keyframe (`INDEPENDENT=YES`); its last part may be short.
With ffmpeg cutting fragments of exactly the part's frame count (`transcode/cmaf_arguments.py`) every
fragment is one part; smaller fragments are grouped. A single fragment longer than the target still makes
one (over-long) part: it cannot be split, and `PartCutter.overlong` counts it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

SEGMENT_CLOSE_FRACTION: Final = 0.9
"""A keyframe ends the open segment once it has this share of the segment target (timestamps jitter)."""
_SLACK: Final = 1e-6


@dataclass(frozen=True)
class Cut:
    """What happens around one fragment."""

    close_segment: bool
    """The open segment (and its open part) ends before this fragment; it begins a new segment."""
    close_part: bool
    """The open part ends before this fragment (always true with `close_segment`)."""
    new_part: bool
    """This fragment begins a part."""
    part_full: bool
    """The fragment's part is complete with it (another like it would overrun the part target)."""


class PartCutter:
    """Cuts one rendition's fragments into parts and segments.

    `part_target` None means no parts (standard HLS): a part is then the whole segment.
    """

    def __init__(self, segment_target: float, part_target: float | None) -> None:
        if segment_target <= 0 or (part_target is not None and part_target <= 0):
            raise ValueError("targets must be positive")
        self.segment_target = segment_target
        self.part_target = part_target
        self.segment_open = False
        self.part_open = False
        self.segment_duration = 0.0
        self.part_duration = 0.0
        self.overlong = 0
        """Parts made longer than the target by a single fragment that did not fit any part."""

    def place(self, duration: float, independent: bool) -> Cut:
        """Decide for the next fragment (its lead-track duration in seconds; starts with a keyframe?)."""
        close_segment = (
            self.segment_open
            and independent
            and self.segment_duration >= self.segment_target * SEGMENT_CLOSE_FRACTION - _SLACK
        )
        if close_segment or not self.segment_open:
            close_part = self.part_open
            self.segment_open = True
            self.segment_duration = 0.0
            self.part_open = False
        else:
            close_part = self.part_open and not self._fits(self.part_duration + duration)
            if close_part:
                self.part_open = False
        new_part = not self.part_open
        if new_part:
            self.part_open = True
            self.part_duration = 0.0
            if not self._fits(duration):
                self.overlong += 1
        self.segment_duration += duration
        self.part_duration += duration
        part_full = self.part_target is not None and not self._fits(self.part_duration + duration)
        if part_full:
            self.part_open = False
        return Cut(close_segment, close_part or close_segment, new_part, part_full)

    def finish(self) -> tuple[bool, bool]:
        """The stream ended: (an open part ends, an open segment ends) now."""
        ended = (self.part_open, self.segment_open)
        self.part_open = self.segment_open = False
        self.part_duration = self.segment_duration = 0.0
        return ended

    def _fits(self, duration: float) -> bool:
        return self.part_target is None or duration <= self.part_target + _SLACK


@dataclass(frozen=True)
class PartPlan:
    """The part length for one rendition: a whole number of frames."""

    frames: int
    part_target: float
    """Declared `PART-TARGET` in seconds (a part's frames, plus the timestamps' jitter)."""
    fragment_us: int
    """ffmpeg's `-frag_duration` (µs) that yields fragments of exactly `frames` frames."""


PART_GOAL: Final = (0.2, 0.25)
"""Seconds a part aims at (low latency): long enough for few requests, short for a small hold-back."""
FRAGMENT_MARGIN_US: Final = 1500
"""`-frag_duration` sits this far below the part so timestamps rounded to milliseconds still cut at the
k-th frame (measured: exactly k frames per fragment with FLV input, passthrough and transcoded)."""
MILLISECOND_JITTER: Final = 0.001


def plan_parts(frame_rate: float, gop_frames: int | None, *, millisecond_timestamps: bool) -> PartPlan:
    """The part size in frames for `frame_rate`: within `PART_GOAL`, dividing the GOP when possible (so a
    segment's parts are all equal), else the shortest in range; one frame if frames are longer."""
    frame = 1.0 / frame_rate
    low, high = PART_GOAL
    candidates = [k for k in range(1, 1000) if low - 1e-9 <= k * frame <= high + 1e-9]
    if not candidates:
        candidates = [max(1, round(low / frame))]
    dividing = [k for k in candidates if gop_frames and gop_frames % k == 0]
    frames = (dividing or candidates)[0]
    target = frames * frame + (MILLISECOND_JITTER if millisecond_timestamps else 0.0)
    fragment_us = max(1, int(frames * frame * 1_000_000) - FRAGMENT_MARGIN_US)
    return PartPlan(frames, round_up(target, 5), fragment_us)


def round_up(value: float, decimals: int) -> float:
    """`value` rounded up at `decimals` places (a declared target must never be below a real duration)."""
    scale = 10.0**decimals
    scaled = value * scale
    whole = int(scaled)
    if scaled - whole > 1e-6:
        whole += 1
    return whole / scale
