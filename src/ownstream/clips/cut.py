"""Which of a replay's segments a clip takes (pure: segments and the request in, segments out).

Both ends become positions on the replay's video timeline (seconds of video, the sum of the segments'
lengths, as a player shows it): a number is one already (negative: back from the end recorded so far),
a wall-clock time is placed by the segments' program date times (a time in a reconnect's gap, or before
the first frame, lands on the next segment's start). The clip is every segment that overlaps
[start, end): the start rounded down and the end rounded up to segment boundaries, as Owncast's clips.
An end beyond what is recorded is the end so far (a clip of the live stream takes what exists now).
The length asked for is held to the admin's maximum before rounding, so a clip may come out longer by
at most the two segments it was widened into.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Final

from ownstream.clips.request import Moment
from ownstream.database.repos.replays import ReplaySegment
from ownstream.errors import Invalid

EPSILON: Final = 1e-3
"""Seconds: positions this close to a segment boundary are on it (the lengths are sums of floats)."""


def video_length(segments: Sequence[ReplaySegment]) -> float:
    return sum(segment.duration for segment in segments)


def position_of(moment: Moment, segments: Sequence[ReplaySegment]) -> float:
    """Where `moment` is on the video timeline (not clamped to it)."""
    if not isinstance(moment, datetime):
        return moment if moment >= 0 else video_length(segments) + moment
    position = 0.0
    for segment in segments:
        if moment < segment.program_date_time:
            return position
        if moment < segment.end:
            return position + (moment - segment.program_date_time).total_seconds()
        position += segment.duration
    return position


def choose_segments(
    segments: Sequence[ReplaySegment], start: Moment, end: Moment | None, max_duration: float
) -> list[ReplaySegment]:
    """The clip's segments, renumbered from 0 (a reconnect inside it stays a discontinuity). `Invalid`
    for an empty, reversed or too long range, or one where nothing is recorded."""
    total = video_length(segments)
    if total <= EPSILON:
        raise Invalid("nothing is recorded there (yet)")
    first = max(0.0, position_of(start, segments))
    last = total if end is None else position_of(end, segments)
    if last <= first + EPSILON:
        raise Invalid("the clip must end after it starts")
    if last - first > max_duration + EPSILON:
        raise Invalid(f"a clip may be at most {max_duration:g} seconds long")
    if first >= total - EPSILON:
        raise Invalid("nothing is recorded there (yet)")
    last = min(last, total)
    chosen: list[ReplaySegment] = []
    position = 0.0
    for segment in segments:
        begins, ends = position, position + segment.duration
        if ends > first + EPSILON and begins < last - EPSILON:
            chosen.append(segment)
        position = ends
    return [
        replace(segment, position=index, discontinuity=segment.discontinuity and index > 0)
        for index, segment in enumerate(chosen)
    ]
