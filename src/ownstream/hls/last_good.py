"""The last complete copy of each playlist served, so a viewer never gets an empty one.

ffmpeg replaces a playlist through a temporary file; on a full disk that file can end up empty and
still be renamed into place. The HLS route then serves the last good copy of the same stream instead
(or 503 when it has none): a player keeps the segments it knows and retries.
"""

from __future__ import annotations

from collections import OrderedDict
from typing import Final

PLAYLIST_SIGNATURE: Final = b"#EXTM3U"
MAX_PLAYLISTS: Final = 64
"""A master and one playlist per variant; the bound only matters if someone requests many names."""


def is_complete_playlist(body: bytes) -> bool:
    return body.startswith(PLAYLIST_SIGNATURE)


class LastGoodPlaylists:
    """Complete playlist bodies by name, for one stream (`generation`) at a time, bounded in count."""

    def __init__(self, max_playlists: int = MAX_PLAYLISTS) -> None:
        self._max = max_playlists
        self._generation: str | None = None
        self._bodies: OrderedDict[str, bytes] = OrderedDict()

    def remember(self, generation: str, name: str, body: bytes) -> None:
        if generation != self._generation:
            self._generation = generation
            self._bodies.clear()
        self._bodies[name] = body
        self._bodies.move_to_end(name)
        while len(self._bodies) > self._max:
            self._bodies.popitem(last=False)

    def recall(self, generation: str, name: str) -> bytes | None:
        """The last complete copy of `name` in this stream; a previous stream's copy never stands in."""
        if generation != self._generation:
            return None
        return self._bodies.get(name)
