"""Test media: a small H.264/AAC clip encoded once, pushed to the server with `-c copy` (cheap on 2 cores)."""

from __future__ import annotations

import asyncio
import subprocess
from dataclasses import dataclass
from pathlib import Path

import imageio_ffmpeg

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()


@dataclass(frozen=True)
class Clip:
    path: Path
    width: int
    height: int
    fps: int


def encode_clip(path: Path, *, width: int = 320, height: int = 180, fps: int = 15, seconds: int = 6) -> Clip:
    """A lavfi test pattern with a beep, one keyframe per second (fits every latency level's segments)."""
    subprocess.run(
        [
            FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size={width}x{height}:rate={fps}",
            "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100",
            "-t", str(seconds),
            "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-pix_fmt", "yuv420p",
            "-g", str(fps), "-keyint_min", str(fps), "-sc_threshold", "0", "-b:v", "300k",
            "-c:a", "aac", "-b:a", "64k", "-ac", "2",
            "-f", "flv", str(path),
        ],
        check=True,
    )  # fmt: skip
    return Clip(path, width, height, fps)


async def start_publisher(clip: Clip, url: str, *, loop: bool = True) -> asyncio.subprocess.Process:
    """ffmpeg's RTMP client pushing the clip in real time with `-c copy`."""
    args = [FFMPEG, "-hide_banner", "-loglevel", "error", "-re"]
    if loop:
        args += ["-stream_loop", "-1"]
    args += ["-i", str(clip.path), "-c", "copy", "-f", "flv", url]
    return await asyncio.create_subprocess_exec(
        *args,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )


async def stop_process(process: asyncio.subprocess.Process, timeout: float = 5.0) -> None:
    if process.returncode is None:
        process.terminate()
        try:
            await asyncio.wait_for(process.wait(), timeout)
        except TimeoutError:
            process.kill()
            await process.wait()


SEGMENT_SUFFIXES = (".ts", ".m4s")


def segment_files(folder: Path) -> list[Path]:
    """The HLS segments in a variant folder (MPEG-TS or fMP4), oldest first."""
    if not folder.is_dir():
        return []
    found = [p for p in folder.iterdir() if p.suffix in SEGMENT_SUFFIXES and not p.name.startswith(".")]
    return sorted(found, key=lambda p: p.stat().st_mtime_ns)


def probe_video_size(path: Path) -> tuple[int, int]:
    """Decode the file with PyAV and return the first video frame's size (the wheel has no ffprobe).

    An fMP4 segment (`.m4s`) is decoded after its init segment (`init-*.mp4` in the same folder)."""
    import tempfile

    import av

    if path.suffix == ".m4s":
        (init,) = path.parent.glob("init-*.mp4")
        with tempfile.NamedTemporaryFile(suffix=".mp4") as joined:
            joined.write(init.read_bytes() + path.read_bytes())
            joined.flush()
            return probe_video_size(Path(joined.name))
    with av.open(str(path)) as container:
        stream = container.streams.video[0]
        for frame in container.decode(stream):
            return frame.width, frame.height
    raise AssertionError(f"no video frame decoded from {path}")
