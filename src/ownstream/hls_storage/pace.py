"""Whether uploads keep up with the stream: average upload time against segment length (reference §6.6)."""

from __future__ import annotations

import enum
from collections import deque

SLOW_RATIO = 0.9
"""Uploads are too slow when they take, on average, more than 90 % of the segments' playing time."""
WINDOW = 10
"""Segments the averages cover."""


class PaceChange(enum.Enum):
    NONE = "none"
    FELL_BEHIND = "fell behind"
    CAUGHT_UP = "caught up"


class UploadPace:
    """A rolling average of segment upload times and of segment durations.

    `record` reports only changes between "keeping up" and "falling behind", so a slow link logs one
    warning instead of one per segment.
    """

    def __init__(self, window: int = WINDOW, slow_ratio: float = SLOW_RATIO) -> None:
        self._uploads: deque[float] = deque(maxlen=window)
        self._durations: deque[float] = deque(maxlen=window)
        self._slow_ratio = slow_ratio
        self.behind = False

    @property
    def average_upload(self) -> float:
        return sum(self._uploads) / len(self._uploads) if self._uploads else 0.0

    @property
    def average_duration(self) -> float:
        return sum(self._durations) / len(self._durations) if self._durations else 0.0

    def record(self, upload_seconds: float, segment_seconds: float) -> PaceChange:
        self._uploads.append(upload_seconds)
        if segment_seconds > 0:
            self._durations.append(segment_seconds)
        duration = self.average_duration
        behind = duration > 0 and self.average_upload > self._slow_ratio * duration
        if behind == self.behind:
            return PaceChange.NONE
        self.behind = behind
        return PaceChange.FELL_BEHIND if behind else PaceChange.CAUGHT_UP
