"""The storage seam: where a stream's HLS output is served from (reference §6.4–6.6).

ffmpeg always writes to `<datadir>/hls`. A `StreamStorage` decides, for one stream, what happens next:
`LocalStorage` serves everything from that folder; the segment publisher copies segments and variant
playlists to an `ObjectStore` (S3 or compatible) and leaves only the master playlist to be served locally.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import PurePosixPath
from typing import Protocol

SEGMENT_CONTENT_TYPE = "video/mp2t"
MP4_CONTENT_TYPE = "video/mp4"
"""fMP4 segments (`.m4s`) and init segments (`.mp4`)."""
PLAYLIST_CONTENT_TYPE = "application/x-mpegURL"
SEGMENT_CACHE_CONTROL = "max-age=31557600"
"""A year: a segment never changes once written (Owncast's value)."""
PLAYLIST_CACHE_CONTROL = "max-age=0, no-cache"
"""Live playlists change every segment; caches must revalidate."""


def segment_content_type(name: str) -> str:
    return MP4_CONTENT_TYPE if name.endswith((".m4s", ".mp4")) else SEGMENT_CONTENT_TYPE


class ObjectStore(Protocol):
    """A bucket of public objects addressed by key."""

    @property
    def public_base_url(self) -> str:
        """The URL under which a key is readable by viewers: `<public_base_url>/<key>`."""
        ...

    async def put(self, key: str, body: bytes, *, content_type: str, cache_control: str) -> None:
        """Store `body` under `key`, replacing any object there. Raises on failure."""
        ...

    async def delete(self, keys: Sequence[str]) -> None:
        """Remove the objects (missing ones are not an error). Raises on failure."""
        ...

    async def close(self) -> None: ...


class StreamStorage(Protocol):
    """Storage for one live stream, started before the HLS watcher and stopped after the playlists end."""

    async def start(self) -> None: ...

    async def stop(self) -> None:
        """Finish pending work (bounded in time) and release connections."""
        ...

    def serves_locally(self, relative: PurePosixPath) -> bool:
        """Whether `/hls/<relative>` is answered from the local folder (otherwise 404)."""
        ...
