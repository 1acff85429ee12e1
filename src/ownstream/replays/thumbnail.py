"""A replay's `thumbnail.jpg`: one frame of one of its segments (its init segment in front), made once
while it records."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Final

from ownstream.transcode.thumbnails import thumbnail_args

log = logging.getLogger(__name__)

THUMBNAIL_NAME: Final = "thumbnail.jpg"
TIMEOUT: Final = 30.0


async def make_replay_thumbnail(ffmpeg_path: str, folder: Path, init_name: str, segment_name: str) -> None:
    """Write `folder/thumbnail.jpg` (logged when ffmpeg could not)."""
    source = f"concat:{folder / init_name}|{folder / segment_name}"
    temporary = folder / ".thumbnail.jpg"
    try:
        process = await asyncio.create_subprocess_exec(
            *thumbnail_args(ffmpeg_path, Path(source), temporary),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.PIPE,
        )
    except OSError as error:
        log.warning("the replay thumbnail could not be made: %s", error)
        return
    try:
        _, errors = await asyncio.wait_for(process.communicate(), TIMEOUT)
    except BaseException as error:
        with contextlib.suppress(ProcessLookupError):  # it may have exited as we were cancelled
            process.kill()
        await process.wait()
        if isinstance(error, TimeoutError):
            log.warning("the replay thumbnail took longer than %.0f s; left out", TIMEOUT)
            return
        raise
    if process.returncode != 0:
        log.warning(
            "the replay thumbnail could not be made: %s", errors.decode(errors="replace").strip()[:200]
        )
        return
    try:
        await asyncio.to_thread(temporary.replace, folder / THUMBNAIL_NAME)
    except OSError as error:  # the replay was deleted meanwhile
        log.info("the replay thumbnail was not kept: %s", error)
