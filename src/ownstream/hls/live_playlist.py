"""The playlists the packager serves, written by us: media playlists (standard, or low latency with parts,
preload hint, server control, delta updates and rendition reports) and the master playlist. Pure code.

Tag rules followed (draft-pantos-hls-rfc8216bis §4.4): `EXT-X-PART-INF` whenever a part is listed;
a segment's `EXT-X-PROGRAM-DATE-TIME` before its first `EXT-X-PART`; one `EXT-X-PRELOAD-HINT` of
`TYPE=PART`; `EXT-X-RENDITION-REPORT` for every other rendition; parts listed only for the segments
within `PART_LISTING_TARGET_DURATIONS` of the end; a delta update replaces the segments that end more than
`CAN-SKIP-UNTIL` before the end with `EXT-X-SKIP`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Final

PART_LISTING_TARGET_DURATIONS: Final = 3
"""Parts older than this many target durations from the end are not listed (Apple's profile)."""
STANDARD_VERSION: Final = 7
LOW_LATENCY_VERSION: Final = 9
DELTA_V2_VERSION: Final = 10


@dataclass(frozen=True)
class PartEntry:
    uri: str
    duration: float
    independent: bool


@dataclass(frozen=True)
class SegmentEntry:
    msn: int
    duration: float
    program_date_time: datetime
    uri: str | None
    """None for the segment still being written (only its parts are listed)."""
    parts: tuple[PartEntry, ...] = ()


@dataclass(frozen=True)
class RenditionReport:
    uri: str
    last_msn: int
    last_part: int | None


@dataclass(frozen=True)
class LowLatency:
    part_target: float
    part_hold_back: float
    can_skip_until: float | None
    preload_hint: str | None
    reports: tuple[RenditionReport, ...] = ()


@dataclass(frozen=True)
class MediaPlaylist:
    target_duration: int
    map_uri: str
    segments: tuple[SegmentEntry, ...]
    low_latency: LowLatency | None = None
    ended: bool = False


@dataclass(frozen=True)
class Skip:
    """A delta update was asked for (`_HLS_skip=YES`, or `v2`)."""

    v2: bool = False


def seconds(value: float, decimals: int = 5) -> str:
    return f"{value:.{decimals}f}"


def date_time(value: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as players parse it: `2026-12-02T03:17:00.123Z`."""
    utc = value.astimezone(UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def render_media_playlist(playlist: MediaPlaylist, skip: Skip | None = None) -> str:
    """The playlist text. `skip` is honoured only where the playlist allows delta updates."""
    low = playlist.low_latency
    segments = list(playlist.segments)
    skipped = 0
    if skip is not None and low is not None and low.can_skip_until is not None and not playlist.ended:
        skipped = skippable_segments(segments, low.can_skip_until)
    if low is None:
        version = STANDARD_VERSION
    elif skipped and skip is not None and skip.v2:
        version = DELTA_V2_VERSION
    else:
        version = LOW_LATENCY_VERSION
    lines = ["#EXTM3U", f"#EXT-X-VERSION:{version}", f"#EXT-X-TARGETDURATION:{playlist.target_duration}"]
    if low is not None:
        control = ["CAN-BLOCK-RELOAD=YES"]
        if low.can_skip_until is not None:
            control.append(f"CAN-SKIP-UNTIL={seconds(low.can_skip_until, 1)}")
        control.append(f"PART-HOLD-BACK={seconds(low.part_hold_back, 3)}")
        lines.append("#EXT-X-SERVER-CONTROL:" + ",".join(control))
        lines.append(f"#EXT-X-PART-INF:PART-TARGET={seconds(low.part_target)}")
    first_msn = segments[0].msn if segments else 0
    lines.append(f"#EXT-X-MEDIA-SEQUENCE:{first_msn}")
    lines.append("#EXT-X-INDEPENDENT-SEGMENTS")
    if skipped:
        attributes = f"SKIPPED-SEGMENTS={skipped}"
        if skip is not None and skip.v2:
            attributes += ',RECENTLY-REMOVED-DATERANGES=""'
        lines.append(f"#EXT-X-SKIP:{attributes}")
    lines.append(f'#EXT-X-MAP:URI="{playlist.map_uri}"')
    listed_parts_from = _part_listing_start(segments, playlist.target_duration) if low is not None else None
    for position, segment in enumerate(segments[skipped:], start=skipped):
        lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{date_time(segment.program_date_time)}")
        if listed_parts_from is not None and position >= listed_parts_from:
            for part in segment.parts:
                independent = ",INDEPENDENT=YES" if part.independent else ""
                lines.append(f'#EXT-X-PART:DURATION={seconds(part.duration)},URI="{part.uri}"{independent}')
        if segment.uri is not None:
            lines.append(f"#EXTINF:{seconds(segment.duration)},")
            lines.append(segment.uri)
    if playlist.ended:
        lines.append("#EXT-X-ENDLIST")
    elif low is not None:
        if low.preload_hint is not None:
            lines.append(f'#EXT-X-PRELOAD-HINT:TYPE=PART,URI="{low.preload_hint}"')
        for report in low.reports:
            attributes = f'URI="{report.uri}",LAST-MSN={report.last_msn}'
            if report.last_part is not None:
                attributes += f",LAST-PART={report.last_part}"
            lines.append(f"#EXT-X-RENDITION-REPORT:{attributes}")
    return "\n".join(lines) + "\n"


def skippable_segments(segments: Sequence[SegmentEntry], can_skip_until: float) -> int:
    """How many leading complete segments end at least `can_skip_until` seconds before the end."""
    total = sum(segment.duration for segment in segments)
    elapsed = 0.0
    count = 0
    for segment in segments:
        if segment.uri is None:
            break
        elapsed += segment.duration
        if total - elapsed < can_skip_until - 1e-9:
            break
        count += 1
    return count


def _part_listing_start(segments: Sequence[SegmentEntry], target_duration: int) -> int:
    """The first segment whose parts are listed: the newest ones within 3 target durations of the end."""
    horizon = PART_LISTING_TARGET_DURATIONS * target_duration
    elapsed = 0.0
    start = len(segments)
    for position in range(len(segments) - 1, -1, -1):
        if elapsed >= horizon - 1e-9:
            break
        start = position
        elapsed += segments[position].duration
    return start


@dataclass(frozen=True)
class VariantEntry:
    uri: str
    bandwidth: int
    codecs: str | None = None
    resolution: tuple[int, int] | None = None
    frame_rate: float | None = None


def render_master_playlist(variants: Sequence[VariantEntry]) -> str:
    lines = ["#EXTM3U", "#EXT-X-VERSION:7", "#EXT-X-INDEPENDENT-SEGMENTS"]
    for variant in variants:
        attributes = [f"BANDWIDTH={variant.bandwidth}"]
        if variant.resolution is not None and all(variant.resolution):
            attributes.append(f"RESOLUTION={variant.resolution[0]}x{variant.resolution[1]}")
        if variant.frame_rate is not None and math.isfinite(variant.frame_rate) and variant.frame_rate > 0:
            attributes.append(f"FRAME-RATE={variant.frame_rate:.3f}")
        if variant.codecs:
            attributes.append(f'CODECS="{variant.codecs}"')
        lines.append("#EXT-X-STREAM-INF:" + ",".join(attributes))
        lines.append(variant.uri)
    return "\n".join(lines) + "\n"


def target_duration_for(durations: Sequence[float], floor: int) -> int:
    """`EXT-X-TARGETDURATION`: every segment's duration rounded to the nearest integer fits it."""
    longest = max((math.floor(d + 0.5) for d in durations), default=0)
    return max(floor, longest, 1)
