"""The transcoder with the real (bundled) ffmpeg on tiny media."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
from collections.abc import Iterable
from pathlib import Path

import av
import psutil
import pytest

from ownstream.events import PlaylistWritten, SegmentWritten
from ownstream.hls.output import HlsOutputWatcher
from ownstream.hls.playlist import parse_master_playlist, parse_media_playlist
from ownstream.transcode.arguments import build_ffmpeg_args, new_session_id
from ownstream.transcode.ffmpeg import FfmpegError, FfmpegProcess, TranscodeJob
from ownstream.transcode.variants import StreamVariant
from tests.transcode.conftest import FFMPEG, FPS, HEIGHT, SECONDS, WIDTH, encode

CHUNK = 32 * 1024
HAS_NVIDIA_GPU = os.path.exists("/dev/nvidiactl")


def all_files(paths: Iterable[str]) -> bool:
    return all(os.path.isfile(path) for path in paths)


def small(**fields: object) -> StreamVariant:
    """A cheap variant: the clip's own frame rate and the fastest preset."""
    return StreamVariant.model_validate({"framerate": FPS, "cpuUsageLevel": 0, "videoBitrate": 400, **fields})


def make_job(output_dir: Path, *variants: StreamVariant, **overrides: object) -> TranscodeJob:
    fields: dict[str, object] = {
        "ffmpeg_path": FFMPEG,
        "variants": variants or (small(audioPassthrough=True),),
        "output_dir": output_dir,
        "session_id": new_session_id(),
        "latency_level": 0,
    }
    fields.update(overrides)
    return TranscodeJob(**fields)  # type: ignore[arg-type]


async def feed(process: FfmpegProcess, data: bytes) -> None:
    for start in range(0, len(data), CHUNK):
        await process.write(data[start : start + CHUNK])


class Recorder:
    def __init__(self) -> None:
        self.segments: list[SegmentWritten] = []
        self.playlists: list[PlaylistWritten] = []

    def watcher(self, output_dir: Path, variant_count: int) -> HlsOutputWatcher:
        return HlsOutputWatcher(
            output_dir, variant_count, self.segments.append, self.playlists.append, poll_interval=0.05
        )


async def transcode(job: TranscodeJob, data: bytes) -> tuple[FfmpegProcess, Recorder, HlsOutputWatcher]:
    """Run `data` through ffmpeg to the end, watching the output."""
    recorder = Recorder()
    process = FfmpegProcess(job)
    await process.start()
    watcher = recorder.watcher(job.output_dir, len(job.variants))
    watcher.start()
    try:
        await feed(process, data)
        await process.close_input()
        assert await process.wait(30) == 0, process.recent_stderr
    finally:
        await process.stop()
        await watcher.stop()
    return process, recorder, watcher


def video_size(segment: Path) -> tuple[int, int]:
    with av.open(str(segment)) as container:
        stream = container.streams.video[0]
        frame = next(container.decode(stream))
        return frame.width, frame.height


def frame_count(segment: Path) -> int:
    with av.open(str(segment)) as container:
        return sum(1 for _ in container.decode(video=0))


async def test_one_variant_at_one_second_segments(tmp_path: Path, flv_clip: bytes) -> None:
    job = make_job(tmp_path / "hls")
    process, recorder, watcher = await transcode(job, flv_clip)
    assert process.returncode == 0

    names = [Path(event.path).name for event in recorder.segments]
    assert len(names) >= SECONDS - 1
    assert len(set(names)) == len(names)
    assert all(name.startswith(f"stream-{job.session_id}-") for name in names)
    assert all(event.variant_index == 0 for event in recorder.segments)
    assert all_files(event.path for event in recorder.segments)
    assert all(0.5 <= event.duration <= 1.5 for event in recorder.segments[:-1])

    assert PlaylistWritten(-1, str(job.master_playlist_path)) in recorder.playlists
    assert PlaylistWritten(0, str(job.variant_playlist_path(0))) in recorder.playlists
    master = parse_master_playlist(job.master_playlist_path.read_text())
    assert [v.uri for v in master.variants] == ["0/stream.m3u8"]
    assert master.variants[0].resolution == (WIDTH, HEIGHT)

    playlist = parse_media_playlist(job.variant_playlist_path(0).read_text())
    assert playlist.target_duration == 1
    assert not playlist.ended
    assert [s.uri for s in playlist.segments] == names
    assert all(s.program_date_time is not None for s in playlist.segments)
    assert not list(job.variant_dir(0).glob("*.tmp"))

    await watcher.finalize()
    assert parse_media_playlist(job.variant_playlist_path(0).read_text()).ended

    first = Path(recorder.segments[0].path)
    assert video_size(first) == (WIDTH, HEIGHT)
    assert frame_count(first) == FPS


@pytest.mark.alone  # two encodes against a segment watcher: under a loaded parallel run it misses segments
async def test_two_variants(tmp_path: Path, flv_clip: bytes) -> None:
    job = make_job(
        tmp_path / "hls",
        small(audioPassthrough=True),
        small(videoBitrate=300, scaledHeight=60, audioBitrate=48),
    )
    _, recorder, _ = await transcode(job, flv_clip)
    by_variant = {
        index: [e for e in recorder.segments if e.variant_index == index]
        for index in range(len(job.variants))
    }
    assert len(by_variant[0]) >= SECONDS - 1
    assert len(by_variant[1]) == len(by_variant[0])
    master = parse_master_playlist(job.master_playlist_path.read_text())
    assert [v.uri for v in master.variants] == ["0/stream.m3u8", "1/stream.m3u8"]
    assert master.variants[1].resolution == (106, 60)
    assert video_size(Path(by_variant[1][0].path)) == (106, 60)
    with av.open(by_variant[1][0].path) as container:
        audio = container.streams.audio[0]
        assert audio.codec_context.name == "aac"


async def test_video_passthrough_with_one_second_gop(tmp_path: Path, flv_clip: bytes) -> None:
    job = make_job(tmp_path / "hls", small(videoPassthrough=True, audioBitrate=64))
    assert "copy" in build_ffmpeg_args(job)
    _, recorder, _ = await transcode(job, flv_clip)
    assert len(recorder.segments) >= SECONDS - 1
    assert all(0.5 <= e.duration <= 1.5 for e in recorder.segments[:-1])
    assert video_size(Path(recorder.segments[0].path)) == (WIDTH, HEIGHT)


async def test_ffmpeg_keeps_list_size_plus_ten_segments_on_disk(tmp_path: Path, long_flv_clip: bytes) -> None:
    job = make_job(tmp_path / "hls", small(videoPassthrough=True), has_audio=False)
    await transcode(job, long_flv_clip)  # far faster than real time: the watcher may miss some
    on_disk = sorted_segment_numbers(job.variant_dir(0))
    kept = job.latency.segments_kept_on_disk
    assert kept == 35
    assert on_disk == list(range(45 - kept, 45))


def sorted_segment_numbers(folder: Path) -> list[int]:
    return sorted(int(path.stem.rsplit("-", 1)[1]) for path in folder.glob("*.ts"))


async def test_unknown_codec_falls_back_to_libx264(tmp_path: Path, flv_clip: bytes) -> None:
    job = make_job(tmp_path / "hls", codec="h264_does_not_exist")
    assert "libx264" in build_ffmpeg_args(job)
    process, recorder, _ = await transcode(job, flv_clip)
    assert process.returncode == 0
    assert recorder.segments


@pytest.mark.skipif(HAS_NVIDIA_GPU, reason="this machine has an NVIDIA GPU")
async def test_a_missing_encoder_gets_a_clear_error(
    tmp_path: Path, flv_clip: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="ownstream.transcode.ffmpeg")
    process = FfmpegProcess(make_job(tmp_path / "hls", codec="h264_nvenc"))
    await process.start()
    with contextlib.suppress(FfmpegError):  # ffmpeg may be gone before all of it is written
        await feed(process, flv_clip)
        await process.close_input()
    code = await process.wait(30)
    assert code not in (0, None)
    with pytest.raises(FfmpegError, match=f"exited with code {code}: NVIDIA hardware encoding"):
        await process.write(b"more")
    assert await process.stop() == code
    errors = [
        r for r in caplog.records if r.name == "ownstream.transcode.ffmpeg" and r.levelno == logging.ERROR
    ]
    assert errors[0].getMessage().startswith("ffmpeg: NVIDIA hardware encoding (h264_nvenc) is not available")
    assert len([r for r in errors if r.getMessage().startswith("ffmpeg: NVIDIA")]) == 1  # reported once
    assert "exited with code" in errors[-1].getMessage()
    assert process.failure_reason is not None and "NVIDIA" in process.failure_reason


async def test_audio_only_input_is_explained(
    tmp_path: Path, audio_only_flv: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    process = FfmpegProcess(make_job(tmp_path / "hls"))
    await process.start()
    try:
        await feed(process, audio_only_flv)
        await process.close_input()
    except FfmpegError:
        pass
    assert await process.wait(30) not in (0, None)
    assert process.failure_reason is not None and "has no video" in process.failure_reason


async def test_video_only_input_with_has_audio_false(
    tmp_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    clip = encode(
        tmp_path_factory.mktemp("media") / "video.flv",
        *("-f", "lavfi", "-i", f"testsrc2=size={WIDTH}x{HEIGHT}:rate={FPS}", "-t", "2"),
        *("-c:v", "libx264", "-preset", "ultrafast", "-g", str(FPS), "-pix_fmt", "yuv420p", "-f", "flv"),
    )
    job = make_job(tmp_path / "hls", has_audio=False)
    _, recorder, _ = await transcode(job, clip.read_bytes())
    assert recorder.segments


async def test_stop_ends_a_running_ffmpeg(tmp_path: Path, flv_clip: bytes) -> None:
    process = FfmpegProcess(make_job(tmp_path / "hls"))
    await process.start()
    await process.write(flv_clip[: len(flv_clip) // 2])  # mid-stream, input still open
    pid = process.pid
    assert pid is not None and psutil.pid_exists(pid)
    code = await process.stop(timeout=5)
    assert code is not None
    assert not psutil.pid_exists(pid)
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(FfmpegError, match="exited"):
        await process.write(b"late")


async def test_stop_escalates_to_sigkill_for_the_whole_group(tmp_path: Path) -> None:
    """A stand-in "ffmpeg" that ignores EOF and SIGTERM, with a child process: all of it must die."""
    script = tmp_path / "stubborn-ffmpeg"
    script.write_text("#!/bin/sh\ntrap '' TERM\nsleep 60 &\nwhile :; do sleep 0.05; done\n")
    script.chmod(0o755)
    process = FfmpegProcess(make_job(tmp_path / "hls", ffmpeg_path=str(script)))
    await process.start()
    assert process.pid is not None
    group = process.pid
    await wait_for_children(group)
    members = [p.pid for p in psutil.process_iter() if safe_pgid(p.pid) == group]
    assert len(members) >= 2
    code = await process.stop(timeout=0.2)
    assert code == -signal.SIGKILL
    # SIGKILL is delivered asynchronously: give the orphaned child a moment to be gone.
    for _ in range(100):
        if not any(safe_pgid(pid) == group for pid in members):
            break
        await asyncio.sleep(0.02)
    assert not any(safe_pgid(pid) == group for pid in members)


async def wait_for_children(pid: int) -> None:
    for _ in range(100):
        if psutil.Process(pid).children():
            return
        await asyncio.sleep(0.02)


def safe_pgid(pid: int) -> int | None:
    try:
        status = psutil.Process(pid).status()
        if status == psutil.STATUS_ZOMBIE:
            return None
        return os.getpgid(pid)
    except (ProcessLookupError, psutil.NoSuchProcess):
        return None


async def test_missing_binary_cannot_start(tmp_path: Path) -> None:
    process = FfmpegProcess(make_job(tmp_path / "hls", ffmpeg_path=str(tmp_path / "no-ffmpeg")))
    with pytest.raises(FfmpegError, match="cannot start ffmpeg"):
        await process.start()
    assert await process.stop() is None


async def test_start_creates_variant_folders(tmp_path: Path) -> None:
    job = make_job(tmp_path / "hls", small(), small(), small())
    process = FfmpegProcess(job)
    await process.start()
    try:
        assert sorted(p.name for p in (tmp_path / "hls").iterdir()) == ["0", "1", "2"]
    finally:
        await process.stop()


async def test_file_input_as_an_event_playlist(tmp_path: Path, flv_clip: bytes) -> None:
    """The offline-clip style of run: a file in, an EVENT playlist that ends by itself."""
    source = tmp_path / "clip.flv"
    source.write_bytes(flv_clip)
    job = make_job(tmp_path / "hls", input_path=source, event_playlist=True, latency_level=4)
    process = FfmpegProcess(job)
    await process.start()
    assert await process.wait(30) == 0
    playlist = parse_media_playlist(job.variant_playlist_path(0).read_text())
    assert playlist.playlist_type == "EVENT"
    assert playlist.ended
    assert len(playlist.segments) >= 1
    assert await process.stop() == 0


async def test_writing_after_close_input_is_an_error(tmp_path: Path, flv_clip: bytes) -> None:
    process = FfmpegProcess(make_job(tmp_path / "hls"))
    await process.start()
    try:
        await process.write(flv_clip[:1000])
        await process.close_input()
        with pytest.raises(FfmpegError):
            await process.write(b"x")
    finally:
        await process.stop()
