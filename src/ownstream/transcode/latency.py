"""Latency levels: segment length and playlist size chosen by the admin's `latencyLevel` (reference §6.2).

Levels 0 and 1 are low-latency HLS with the fragmented-MP4 packager (parts of 0.2–0.25 s, blocking playlist
reload; `hls/parts.py`, `outputs/cmaf.py`): the stream is online as soon as it is playable. Levels 2–4
keep standard segments for viewers on poor connections, and Owncast's online delay.
"""

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
    low_latency: bool = False
    """Parts and blocking reload (fragmented MP4 only; not while segments go to S3)."""

    @property
    def online_grace(self) -> int:
        """Seconds after connect before the stream reports online: max(3 × segment, 7)."""
        return max(3 * self.segment_seconds, MIN_ONLINE_GRACE_SECONDS)

    @property
    def segments_kept_on_disk(self) -> int:
        """Segments kept per variant folder: the playlist plus a margin of ten."""
        return self.playlist_length + EXTRA_SEGMENTS_ON_DISK


LATENCY_LEVELS: tuple[LatencyLevel, ...] = (
    LatencyLevel(level=0, segment_seconds=1, playlist_length=25, low_latency=True),
    LatencyLevel(level=1, segment_seconds=2, playlist_length=15, low_latency=True),
    LatencyLevel(level=2, segment_seconds=3, playlist_length=10),
    LatencyLevel(level=3, segment_seconds=4, playlist_length=8),
    LatencyLevel(level=4, segment_seconds=5, playlist_length=5),
)


def latency_for(level: int) -> LatencyLevel:
    """The settings for a configured level. Levels above 4 read as 4; negative levels are invalid."""
    if level < 0:
        raise ValueError(f"latency level must be 0 or more, got {level}")
    return LATENCY_LEVELS[min(level, MAX_LATENCY_LEVEL)]
