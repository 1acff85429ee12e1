"""A replay's media playlist, from its indexed segments (pure: rows in, text out).

An EVENT playlist while the replay may still grow (players can seek back to its start and keep
following), a VOD playlist with `#EXT-X-ENDLIST` once it is finalised. Every segment carries its
`EXT-X-PROGRAM-DATE-TIME` (when its first frame reached the server), so a player can line up anything
else recorded by wall-clock time — the chat — across reconnects and seeks. A reconnect's first segment
follows an `EXT-X-DISCONTINUITY` and names its own init segment (`EXT-X-MAP`).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Final

from ownstream.database.repos.replays import ReplaySegment

VERSION: Final = 7
"""fMP4 segments (`EXT-X-MAP` in a playlist without I-frames only) need version 6; 7 is what the
packager's standard playlists declare too."""


def program_date_time(moment: datetime) -> str:
    """ISO 8601 in UTC with milliseconds, as HLS players parse it."""
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def target_duration(segments: Sequence[ReplaySegment], floor: int = 1) -> int:
    """The longest segment, rounded up (a rounded-to-nearest EXTINF must not exceed it; ceil is safe)."""
    return max([floor, *(math.ceil(segment.duration - 1e-3) for segment in segments)])


def render_replay_playlist(
    segments: Sequence[ReplaySegment], *, ended: bool, media_prefix: str = "", discontinuity_sequence: int = 0
) -> str:
    """The playlist naming `segments` (in order) as `<media_prefix><name>`. They may start anywhere in
    the replay (the DVR window): the media sequence is the first one's position, and
    `discontinuity_sequence` the count of discontinuities up to it (its own included)."""
    first = segments[0].position if segments else 0
    lines = [
        "#EXTM3U",
        f"#EXT-X-VERSION:{VERSION}",
        f"#EXT-X-TARGETDURATION:{target_duration(segments)}",
        f"#EXT-X-MEDIA-SEQUENCE:{first}",
    ]
    if discontinuity_sequence:
        lines.append(f"#EXT-X-DISCONTINUITY-SEQUENCE:{discontinuity_sequence}")
    lines += [
        f"#EXT-X-PLAYLIST-TYPE:{'VOD' if ended else 'EVENT'}",
        "#EXT-X-INDEPENDENT-SEGMENTS",
    ]
    lines += segment_lines(segments, None, media_prefix)
    if ended:
        lines.append("#EXT-X-ENDLIST")
    return "\n".join(lines) + "\n"


def segment_lines(
    segments: Sequence[ReplaySegment], previous: ReplaySegment | None, media_prefix: str
) -> list[str]:
    """The lines naming `segments`, which follow `previous` in the playlist (None: they start it)."""
    lines: list[str] = []
    current_init = previous.init_name if previous is not None else None
    for segment in segments:
        if previous is not None and segment.discontinuity:
            lines.append("#EXT-X-DISCONTINUITY")
        if segment.init_name != current_init:
            current_init = segment.init_name
            lines.append(f'#EXT-X-MAP:URI="{media_prefix}{segment.init_name}"')
        lines.append(f"#EXT-X-PROGRAM-DATE-TIME:{program_date_time(segment.program_date_time)}")
        lines.append(f"#EXTINF:{segment.duration:.3f},")
        lines.append(f"{media_prefix}{segment.name}")
        previous = segment
    return lines
