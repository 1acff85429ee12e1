"""Does a binary the admin names as `ffmpegPath` actually run as ffmpeg?

Owncast only checked that the file exists and is executable, so `/bin/true` was accepted and the next
stream failed. We run `<path> -version` once and read its first line only, so a binary that prints
forever or never exits costs at most a few seconds and a few kilobytes.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging

log = logging.getLogger(__name__)

FIRST_LINE_PREFIX = b"ffmpeg version"


async def runs_as_ffmpeg(path: str, timeout: float = 5.0) -> bool:
    try:
        process = await asyncio.create_subprocess_exec(
            path,
            "-version",
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.DEVNULL,
        )
    except OSError as exc:
        log.info("cannot run %s: %s", path, exc)
        return False
    try:
        assert process.stdout is not None
        first_line = await asyncio.wait_for(process.stdout.readline(), timeout)
    except (TimeoutError, ValueError):
        first_line = b""
    finally:
        if process.returncode is None:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
        # Not `wait()`: once the reader's buffer is full, reading pauses, the pipe never reaches EOF
        # and `wait()` never returns. Draining what a killed process left in the pipe is bounded.
        await process.communicate()
    return first_line.startswith(FIRST_LINE_PREFIX)
