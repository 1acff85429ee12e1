"""Latency levels: segment length and playlist size chosen by the admin's `latencyLevel` (reference §6.2)."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_LATENCY_LEVEL = 2
MAX_LATENCY_LEVEL = 4
EXTRA_SEGMENTS_ON_DISK = 10
"""Segments kept on disk beyond the playlist, so slow viewers and uploads still find them."""

MIN_ONLINE_GRACE_SECONDS = 7


@dataclass(frozen=True)
class LatencyLevel:
    level: int
    segment_seconds: int
    """`-hls_time`."""
    playlist_length: int
    """`-hls_list_size`: segments listed in each variant playlist."""

    @property
    def online_grace(self) -> int:
        """Seconds after connect before the stream reports online: max(3 × segment, 7)."""
        return max(3 * self.segment_seconds, MIN_ONLINE_GRACE_SECONDS)

    @property
    def segments_kept_on_disk(self) -> int:
        """Segments kept per variant folder: the playlist plus a margin of ten."""
        return self.playlist_length + EXTRA_SEGMENTS_ON_DISK


LATENCY_LEVELS: tuple[LatencyLevel, ...] = (
    LatencyLevel(level=0, segment_seconds=1, playlist_length=25),
    LatencyLevel(level=1, segment_seconds=2, playlist_length=15),
    LatencyLevel(level=2, segment_seconds=3, playlist_length=10),
    LatencyLevel(level=3, segment_seconds=4, playlist_length=8),
    LatencyLevel(level=4, segment_seconds=5, playlist_length=5),
)


def latency_for(level: int) -> LatencyLevel:
    """The settings for a configured level. Levels above 4 read as 4; negative levels are invalid."""
    if level < 0:
        raise ValueError(f"latency level must be 0 or more, got {level}")
    return LATENCY_LEVELS[min(level, MAX_LATENCY_LEVEL)]
