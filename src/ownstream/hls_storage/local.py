"""Local storage: ffmpeg's folder is served as it is, so there is nothing to copy anywhere."""

from __future__ import annotations

from pathlib import PurePosixPath


class LocalStorage:
    """The `StreamStorage` for a stream served from `<datadir>/hls` by the web server."""

    async def start(self) -> None:
        return None

    async def stop(self) -> None:
        return None

    def serves_locally(self, relative: PurePosixPath) -> bool:
        return True
