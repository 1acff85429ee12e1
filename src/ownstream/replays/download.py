"""`download.mp4`: a replay's segments remuxed into one MP4 as it is sent, with no temporary copy.

ffmpeg reads the segments where they are kept — each run of segments sharing an init segment is one
input (`concat:` of the init and its segments), the runs are joined by the concat demuxer, which keeps
the timestamps running across reconnects — and writes fragmented MP4 (`empty_moov`, a fragment per
keyframe) to a pipe that goes straight to the client. `-c copy`: seconds of CPU for hours of video.
A replay recorded to S3 is read the same way from its bucket URLs (ffmpeg's HTTP client).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncGenerator, Sequence
from pathlib import Path
from typing import Final

from ownstream.database.repos.replays import ReplaySegment

log = logging.getLogger(__name__)

READ_BYTES: Final = 256 * 1024
STOP_TIMEOUT: Final = 5.0
LOCAL_PROTOCOLS: Final = "file,pipe,concat"
URL_PROTOCOLS: Final = "pipe,concat,http,https,tcp,tls,crypto"

MediaSource = Path | str
"""Where a replay's files are: its folder, or the URL they are read under (ending in `/`)."""


def _locate(source: MediaSource, name: str) -> str:
    return str(source / name) if isinstance(source, Path) else source + name


def _quoted(text: str) -> str:
    """Quoted for the concat list (a quote closes, is escaped, and reopens)."""
    return "'" + text.replace("'", "'\\''") + "'"


def concat_list(source: MediaSource, segments: Sequence[ReplaySegment]) -> str:
    """The concat demuxer's list: one entry per run of segments under the same init segment."""
    runs: list[list[ReplaySegment]] = []
    for segment in segments:
        if not runs or segment.discontinuity or runs[-1][-1].init_name != segment.init_name:
            runs.append([])
        runs[-1].append(segment)
    lines = ["ffconcat version 1.0"]
    for run in runs:
        paths = [_locate(source, run[0].init_name), *(_locate(source, segment.name) for segment in run)]
        lines.append(f"file {_quoted('concat:' + '|'.join(paths))}")
    return "\n".join(lines) + "\n"


def remux_args(ffmpeg_path: str, protocols: str = LOCAL_PROTOCOLS) -> list[str]:
    return [
        ffmpeg_path,
        "-hide_banner",
        "-loglevel",
        "error",
        "-f",
        "concat",
        "-safe",
        "0",
        "-protocol_whitelist",
        protocols,
        "-i",
        "pipe:0",
        "-map",
        "0",
        "-c",
        "copy",
        "-movflags",
        "frag_keyframe+empty_moov+default_base_moof",
        "-f",
        "mp4",
        "pipe:1",
    ]


async def remuxed_mp4(
    ffmpeg_path: str, source: MediaSource, segments: Sequence[ReplaySegment]
) -> AsyncGenerator[bytes]:
    """The MP4's bytes as ffmpeg writes them. Closing the iterator early (the client left) stops ffmpeg."""
    protocols = LOCAL_PROTOCOLS if isinstance(source, Path) else URL_PROTOCOLS
    process = await asyncio.create_subprocess_exec(
        *remux_args(ffmpeg_path, protocols),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    assert process.stdin is not None and process.stdout is not None and process.stderr is not None
    errors = asyncio.get_running_loop().create_task(process.stderr.read(), name="replay-remux-stderr")
    try:
        process.stdin.write(concat_list(source, segments).encode())
        with contextlib.suppress(ConnectionError):
            await process.stdin.drain()
        process.stdin.close()
        while chunk := await process.stdout.read(READ_BYTES):
            yield chunk
        code = await process.wait()
        if code != 0:
            log.warning(
                "remuxing a replay failed (ffmpeg exit %d): %s",
                code,
                (await errors).decode(errors="replace")[:300],
            )
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
        errors.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await errors
