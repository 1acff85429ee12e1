"""`runs_as_ffmpeg`: the bundled ffmpeg passes; other programs fail quickly, whatever they print."""

import time
from pathlib import Path

from ownstream.config.ffmpeg_check import runs_as_ffmpeg
from ownstream.transcode.ffmpeg_binary import bundled_ffmpeg_path


async def test_bundled_ffmpeg_runs() -> None:
    assert await runs_as_ffmpeg(bundled_ffmpeg_path())


async def test_other_programs_do_not(tmp_path: Path) -> None:
    assert not await runs_as_ffmpeg("/bin/true")
    assert not await runs_as_ffmpeg(str(tmp_path / "missing"))
    chatty = tmp_path / "yes"
    chatty.write_text("#!/bin/sh\nexec yes\n")
    chatty.chmod(0o755)
    silent = tmp_path / "sleeper"
    silent.write_text("#!/bin/sh\nexec sleep 30\n")
    silent.chmod(0o755)
    started = time.monotonic()
    assert not await runs_as_ffmpeg(str(chatty), timeout=1.0)
    assert not await runs_as_ffmpeg(str(silent), timeout=0.5)
    assert time.monotonic() - started < 5
