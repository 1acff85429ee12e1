"""What one variant has in the bucket, and which playlist may be published. Pure code, no I/O.

The rule that keeps viewers safe: a variant playlist is published only with segments that are already
uploaded. When the newest playlist names a segment still on its way, it is published cut short just before
that segment (an older-looking but valid live playlist), and completed once the upload lands.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Container
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from ownstream.hls.playlist import map_uri, parse_media_playlist


def is_plain_file_name(uri: str) -> bool:
    """A segment URI we can copy: a bare file name next to the playlist (never a path or a URL)."""
    return bool(uri) and PurePosixPath(uri).name == uri and uri not in (".", "..") and "\\" not in uri


def publishable_playlist(text: str, uploaded: Container[str]) -> str | None:
    """`text` up to (not including) its first segment that is not uploaded; None if that is the first one.

    A complete playlist comes back unchanged, `#EXT-X-ENDLIST` included.
    """
    lines = text.splitlines(keepends=True)
    kept = 0
    for position, raw in enumerate(lines):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line not in uploaded:
            if kept == 0:
                return None
            cut = "".join(lines[:kept])
            return cut if cut.endswith("\n") else cut + "\n"
        kept = position + 1
    return text


@dataclass
class VariantLedger:
    """Bookkeeping for one variant: listed, uploading, uploaded and expired segments, published playlist."""

    keep_expired: int
    """Segments kept in the bucket after they leave the playlist (as ffmpeg keeps them on disk)."""
    listed: dict[str, float] = field(default_factory=dict)
    """Segment name → duration, in playlist order, from the newest playlist read."""
    playlist: str | None = None
    """The newest playlist text read from disk."""
    uploaded: set[str] = field(default_factory=set)
    pending: set[str] = field(default_factory=set)
    """Queued or being uploaded."""
    expired: deque[str] = field(default_factory=deque)
    """Segments that left the playlist, oldest first."""
    published: str | None = None
    """The playlist text last stored in the bucket."""
    init: str | None = None
    """The init segment the playlist names (`EXT-X-MAP`, fMP4): in the bucket before the playlist."""

    def relist(self, playlist: str) -> None:
        """Take the newest playlist read from disk; segments it no longer names become expired."""
        segments = parse_media_playlist(playlist).segments
        listed = {segment.uri: segment.duration for segment in segments}
        self.expired.extend(name for name in self.listed if name not in listed)
        self.listed = listed
        self.playlist = playlist
        init = map_uri(playlist)
        self.init = init if init is not None and is_plain_file_name(init) else None

    def wants(self, name: str) -> bool:
        """Whether an upload of `name` is still useful (not done, not already out of the playlist)."""
        return is_plain_file_name(name) and name not in self.uploaded and name not in self.expired

    def missing(self) -> list[tuple[str, float]]:
        """Listed segments neither uploaded nor on their way (new ones whose event was dropped, failures)."""
        return [
            (name, duration)
            for name, duration in self.listed.items()
            if name not in self.pending and self.wants(name)
        ]

    def take_deletable(self) -> list[str]:
        """Uploaded segments that have been out of the playlist for more than `keep_expired` segments."""
        deletable: list[str] = []
        held: list[str] = []
        while len(self.expired) > self.keep_expired:
            name = self.expired.popleft()
            if name in self.pending:
                held.append(name)
            elif name in self.uploaded:
                self.uploaded.discard(name)
                deletable.append(name)
        self.expired.extendleft(reversed(held))
        return deletable

    def put_back_deletable(self, names: list[str]) -> None:
        """Undo `take_deletable` (the deletion could not be queued); they are offered again next time."""
        self.uploaded.update(names)
        self.expired.extendleft(reversed(names))

    def publishable(self) -> str | None:
        """The playlist to store now, or None when there is nothing new to store."""
        if self.playlist is None:
            return None
        text = publishable_playlist(self.playlist, self.uploaded)
        if text is None or text == self.published:
            return None
        return text
