"""HLS playlists (m3u8) as data: parse media and master playlists, end them, rewrite variant URIs.

Pure code, tolerant by design: lines it does not understand are skipped, bad numbers read as missing,
so a half-written or hostile playlist never raises.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

PLAYLIST_NAME = "stream.m3u8"
"""The master playlist's name in the HLS folder, and each variant playlist's name in its own folder."""

ENDLIST = "#EXT-X-ENDLIST"
_STREAM_INF = "#EXT-X-STREAM-INF:"
_MEDIA = "#EXT-X-MEDIA:"
_MAP = "#EXT-X-MAP:"
_ATTRIBUTE = re.compile(r'([A-Z0-9-]+)=("[^"]*"|[^",]*)')
_URI_ATTRIBUTE = re.compile(r'(URI=")([^"]*)(")')


@dataclass(frozen=True)
class MediaSegment:
    uri: str
    duration: float
    """From `#EXTINF`; 0.0 when missing or unreadable."""
    sequence: int
    """Media sequence number: the playlist's `EXT-X-MEDIA-SEQUENCE` plus the segment's position."""
    program_date_time: datetime | None = None
    discontinuity: bool = False


@dataclass(frozen=True)
class MediaPlaylist:
    target_duration: int | None
    media_sequence: int
    segments: tuple[MediaSegment, ...]
    ended: bool
    """`#EXT-X-ENDLIST` is present: players stop at the last segment."""
    playlist_type: str | None = None
    version: int | None = None


@dataclass(frozen=True)
class VariantStream:
    uri: str
    bandwidth: int | None
    average_bandwidth: int | None = None
    resolution: tuple[int, int] | None = None
    codecs: str | None = None
    frame_rate: float | None = None


@dataclass(frozen=True)
class MasterPlaylist:
    variants: tuple[VariantStream, ...]
    version: int | None = None


def _tag_value(line: str) -> str:
    return line.partition(":")[2].strip()


def _int_or_none(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None


def _duration(text: str) -> float:
    try:
        value = float(text.partition(",")[0].strip())
    except ValueError:
        return 0.0
    return value if math.isfinite(value) and value >= 0 else 0.0


def _date_time(text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip())
    except ValueError:
        return None


def parse_media_playlist(text: str) -> MediaPlaylist:
    """A variant (media) playlist. Unknown tags and malformed values are ignored."""
    target_duration: int | None = None
    media_sequence = 0
    playlist_type: str | None = None
    version: int | None = None
    ended = False
    entries: list[tuple[str, float, datetime | None, bool]] = []
    duration: float | None = None
    date_time: datetime | None = None
    discontinuity = False
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if not line.startswith("#"):
            if duration is not None:
                entries.append((line, duration, date_time, discontinuity))
            duration, date_time, discontinuity = None, None, False
        elif line.startswith("#EXTINF:"):
            duration = _duration(_tag_value(line))
        elif line.startswith("#EXT-X-PROGRAM-DATE-TIME:"):
            date_time = _date_time(_tag_value(line))
        elif line == "#EXT-X-DISCONTINUITY":
            discontinuity = True
        elif line.startswith("#EXT-X-TARGETDURATION:"):
            target_duration = _int_or_none(_tag_value(line))
        elif line.startswith("#EXT-X-MEDIA-SEQUENCE:"):
            sequence = _int_or_none(_tag_value(line))
            media_sequence = sequence if sequence is not None and sequence >= 0 else 0
        elif line.startswith("#EXT-X-PLAYLIST-TYPE:"):
            playlist_type = _tag_value(line) or None
        elif line.startswith("#EXT-X-VERSION:"):
            version = _int_or_none(_tag_value(line))
        elif line == ENDLIST:
            ended = True
    segments = tuple(
        MediaSegment(uri, seconds, media_sequence + position, stamp, gap)
        for position, (uri, seconds, stamp, gap) in enumerate(entries)
    )
    return MediaPlaylist(target_duration, media_sequence, segments, ended, playlist_type, version)


def map_uri(text: str) -> str | None:
    """The `EXT-X-MAP` URI (an fMP4 playlist's init segment), None without one."""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith(_MAP):
            return parse_attributes(line[len(_MAP) :]).get("URI") or None
    return None


def parse_attributes(text: str) -> dict[str, str]:
    """An HLS attribute list (`A=1,B="x,y"`), quotes removed."""
    return {name: value.strip('"') for name, value in _ATTRIBUTE.findall(text)}


def _resolution(text: str | None) -> tuple[int, int] | None:
    if not text:
        return None
    width, _, height = text.lower().partition("x")
    w, h = _int_or_none(width), _int_or_none(height)
    return (w, h) if w is not None and h is not None else None


def _float_or_none(text: str | None) -> float | None:
    if text is None:
        return None
    try:
        value = float(text)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def parse_master_playlist(text: str) -> MasterPlaylist:
    """A master playlist: each `#EXT-X-STREAM-INF` with the URI line that follows it."""
    variants: list[VariantStream] = []
    version: int | None = None
    pending: dict[str, str] | None = None
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith(_STREAM_INF):
            pending = parse_attributes(line[len(_STREAM_INF) :])
        elif line.startswith("#EXT-X-VERSION:"):
            version = _int_or_none(_tag_value(line))
        elif not line.startswith("#") and pending is not None:
            bandwidth = _int_or_none(pending.get("BANDWIDTH", ""))
            variants.append(
                VariantStream(
                    uri=line,
                    bandwidth=bandwidth,
                    average_bandwidth=_int_or_none(pending.get("AVERAGE-BANDWIDTH", "")),
                    resolution=_resolution(pending.get("RESOLUTION")),
                    codecs=pending.get("CODECS"),
                    frame_rate=_float_or_none(pending.get("FRAME-RATE")),
                )
            )
            pending = None
    return MasterPlaylist(tuple(variants), version)


def finalize_playlist(text: str) -> str:
    """The playlist with `#EXT-X-ENDLIST` appended, so players stop cleanly. Idempotent."""
    if any(line.strip() == ENDLIST for line in text.splitlines()):
        return text
    if text and not text.endswith("\n"):
        text += "\n"
    return f"{text}{ENDLIST}\n"


def append_segment(text: str, uri: str, duration: float, *, discontinuity: bool = False) -> str:
    """The playlist with one more segment at the end (Owncast appends its offline clip this way)."""
    if text and not text.endswith("\n"):
        text += "\n"
    marker = "#EXT-X-DISCONTINUITY\n" if discontinuity else ""
    return f"{text}{marker}#EXTINF:{duration:.6f},\n{uri}\n"


def rewrite_variant_uris(text: str, rewrite: Callable[[str], str]) -> str:
    """The master playlist with every variant URI (and `EXT-X-MEDIA` URI) passed through `rewrite`."""
    out: list[str] = []
    after_stream_inf = False
    for raw in text.splitlines(keepends=True):
        line = raw.strip()
        if line.startswith(_STREAM_INF):
            after_stream_inf = True
        elif line.startswith(_MEDIA):
            raw = _URI_ATTRIBUTE.sub(lambda m: m.group(1) + rewrite(m.group(2)) + m.group(3), raw)
        elif line and not line.startswith("#") and after_stream_inf:
            ending = raw[len(raw.rstrip("\r\n")) :]
            raw = rewrite(line) + ending
            after_stream_inf = False
        out.append(raw)
    return "".join(out)


def absolute_variant_uris(text: str, base_url: str) -> str:
    """Variant URIs made absolute under `base_url` (e.g. `https://cdn.example/bucket/hls`), for S3 serving.

    `0/stream.m3u8` becomes `<base_url>/0/stream.m3u8`; URIs that are already absolute are kept.
    """
    base = base_url.rstrip("/")

    def to_absolute(uri: str) -> str:
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", uri):
            return uri
        return f"{base}/{uri.lstrip('/')}"

    return rewrite_variant_uris(text, to_absolute)
