"""The ffmpeg settings (`ffmpegPath`, the video codec) and what the binary in use can do, asked of the
binary itself: the admin's setters and `/api/admin/serverconfig` share these.

The binary in use is the configured one when it is usable, else the bundled one (a configured path that
went away is logged and replaced). Its encoders come from `ffmpeg -encoders`, cached per binary and
modification time (transcode/codecs.py); the codecs offered are those of our table it has.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from ownstream.config import video_validation as video
from ownstream.config.ffmpeg_check import runs_as_ffmpeg
from ownstream.config.service import ConfigService
from ownstream.config.validation import expect_string
from ownstream.errors import Invalid
from ownstream.transcode.codecs import probe_encoders
from ownstream.transcode.ffmpeg_binary import PATH_DOES_NOT_EXIST, resolve_ffmpeg_path, validate_ffmpeg_path

NOT_FFMPEG = "ffmpeg path is not an ffmpeg binary (`-version` did not answer as ffmpeg)"


@dataclass(frozen=True)
class FfmpegInUse:
    path: str
    """The binary that runs: the configured one when usable, else the bundled one."""
    supported_codecs: list[str]
    """The codecs of our table this binary can encode, in table order."""


class FfmpegSettings:
    def __init__(self, config: ConfigService) -> None:
        self._config = config

    async def binary(self) -> str:
        return await asyncio.to_thread(resolve_ffmpeg_path, self._config.current.ffmpeg_path)

    async def in_use(self) -> FfmpegInUse:
        path = await self.binary()
        return FfmpegInUse(path, video.selectable_codecs(await probe_encoders(path)))

    async def set_path(self, value: Any) -> None:
        """Owncast's checks (exists, not a folder, executable), then: does it run as ffmpeg?

        An empty path means the bundled ffmpeg.
        """
        path = expect_string(value, "ffmpeg path")
        if "\x00" in path:
            raise Invalid(PATH_DOES_NOT_EXIST)
        await asyncio.to_thread(validate_ffmpeg_path, path)
        if path and not await runs_as_ffmpeg(path):
            raise Invalid(NOT_FFMPEG)
        await self._config.update(ffmpeg_path=path)

    async def set_video_codec(self, value: Any) -> None:
        """A codec of our table that the binary in use has."""
        encoders = await probe_encoders(await self.binary()) if isinstance(value, str) else set()
        await self._config.update(video_codec=video.parse_video_codec(value, encoders))
