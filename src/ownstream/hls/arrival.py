"""When the media arrived at the server, for `EXT-X-PROGRAM-DATE-TIME`. Pure code.

The packager notes the wall-clock time each video tag of the published stream arrived (its FLV timestamp
in ms → seconds since the epoch). A segment's date is the arrival of the input frame at its start: the
segment's position on the rendition's timeline is mapped back to the input's timestamps (anchored at the
first video frame on both sides) and looked up here. So the date says when the picture reached us, not
when ffmpeg got around to it (ffmpeg's own `program_date_time` is stamped after its input probe).
"""

from __future__ import annotations

import bisect
from collections import deque
from datetime import UTC, datetime
from typing import Final

KEPT: Final = 2048
"""Arrivals remembered (about a minute of 30 fps video): segments are dated seconds after arrival."""


class ArrivalClock:
    def __init__(self, kept: int = KEPT) -> None:
        self._timestamps: deque[int] = deque(maxlen=kept)
        self._arrivals: deque[float] = deque(maxlen=kept)
        self.first_timestamp: int | None = None

    def note(self, timestamp_ms: int, arrived: float) -> None:
        """A video tag with FLV timestamp `timestamp_ms` arrived at `arrived` (epoch seconds)."""
        if self.first_timestamp is None:
            self.first_timestamp = timestamp_ms
        if self._timestamps and timestamp_ms < self._timestamps[-1]:
            return  # a timestamp going back (a broken publisher): the earlier arrivals stand
        self._timestamps.append(timestamp_ms)
        self._arrivals.append(arrived)

    def arrival_at(self, seconds_into_stream: float) -> float | None:
        """Epoch seconds when the input frame `seconds_into_stream` after the first video frame arrived;
        extrapolated from the nearest known arrival. None before any video arrived."""
        if self.first_timestamp is None or not self._timestamps:
            return None
        wanted = self.first_timestamp + seconds_into_stream * 1000
        timestamps = self._timestamps
        position = bisect.bisect_left(timestamps, wanted)
        if position >= len(timestamps):
            position = len(timestamps) - 1
        elif position > 0 and wanted - timestamps[position - 1] < timestamps[position] - wanted:
            position -= 1
        return self._arrivals[position] + (wanted - timestamps[position]) / 1000

    def date_at(self, seconds_into_stream: float, fallback: float) -> datetime:
        arrived = self.arrival_at(seconds_into_stream)
        return datetime.fromtimestamp(fallback if arrived is None else arrived, UTC)
