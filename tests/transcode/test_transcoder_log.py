"""ffmpeg's stderr goes whole to `<logdir>/transcoder.log`; our log keeps only the known-fatal sentence."""

from __future__ import annotations

from pathlib import Path

from ownstream.logsetup import LogOptions, configure_logging
from ownstream.transcode.ffmpeg import FfmpegError, FfmpegProcess
from tests.logging_state import flush_all, own_logging
from tests.transcode.test_ffmpeg import feed, make_job


async def test_stderr_is_kept_in_the_transcoder_log(tmp_path: Path, audio_only_flv: bytes) -> None:
    logs = tmp_path / "logs"
    with own_logging():
        configure_logging(LogOptions(level="debug", log_dir=logs))
        process = FfmpegProcess(make_job(tmp_path / "hls"))
        await process.start()
        try:
            await feed(process, audio_only_flv)
            await process.close_input()
        except FfmpegError:
            pass
        assert await process.wait(30) not in (0, None)
        flush_all()
    transcoder = (logs / "transcoder.log").read_text()
    ours = (logs / "ownstream.log").read_text()
    assert "matches no streams" in transcoder  # ffmpeg's own words, with the session id
    assert f"[{process.job.session_id}]" in transcoder
    assert "has no video" in ours  # the known-fatal explanation stays in our log, as an error
    assert "matches no streams" not in ours
