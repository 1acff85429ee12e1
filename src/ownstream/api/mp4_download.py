"""Sending a replay or a clip as one MP4: remuxed by ffmpeg as it is sent (replays/download.py), a few
downloads at once, the file named for the browser."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from aiohttp import web

from ownstream.database.repos.replays import ReplaySegment
from ownstream.errors import Unavailable
from ownstream.replays.download import MediaSource, remuxed_mp4


async def send_remuxed_mp4(
    request: web.Request,
    downloads: asyncio.Semaphore,
    ffmpeg_path: str,
    source: MediaSource,
    segments: Sequence[ReplaySegment],
    filename: str,
) -> web.StreamResponse:
    """Unavailable while `downloads` is taken up; otherwise the MP4, streamed."""
    if downloads.locked():
        raise Unavailable("too many downloads at once; try again in a moment")
    async with downloads:
        response = web.StreamResponse(
            headers={
                "Content-Type": "video/mp4",
                "Content-Disposition": f'attachment; filename="{filename}"',
                "Cache-Control": "no-cache",
            }
        )
        await response.prepare(request)
        chunks = remuxed_mp4(ffmpeg_path, source, segments)
        try:
            async for chunk in chunks:
                await response.write(chunk)
        finally:
            await chunks.aclose()
        await response.write_eof()
        return response
