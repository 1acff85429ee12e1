"""Tiny real media for the transcoder tests: encoded once per test session."""

from __future__ import annotations

import subprocess
from pathlib import Path

import imageio_ffmpeg
import pytest

FFMPEG = imageio_ffmpeg.get_ffmpeg_exe()
WIDTH, HEIGHT, FPS, SECONDS = 160, 90, 10, 6


def encode(path: Path, *inputs_and_options: str) -> Path:
    subprocess.run(
        [FFMPEG, "-hide_banner", "-loglevel", "error", "-y", *inputs_and_options, str(path)],
        check=True,
        timeout=60,
    )
    return path


@pytest.fixture(scope="session")
def flv_clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """6 s of 160x90 test pattern at 10 fps with a sine tone, H.264 with a keyframe every second, as FLV."""
    path = tmp_path_factory.mktemp("media") / "clip.flv"
    encode(
        path,
        *("-f", "lavfi", "-i", f"testsrc2=size={WIDTH}x{HEIGHT}:rate={FPS}"),
        *("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100"),
        *("-t", str(SECONDS), "-c:v", "libx264", "-preset", "ultrafast", "-g", str(FPS)),
        *("-pix_fmt", "yuv420p", "-c:a", "aac", "-b:a", "64k", "-f", "flv"),
    )
    return path.read_bytes()


@pytest.fixture(scope="session")
def audio_only_flv(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    path = tmp_path_factory.mktemp("media") / "audio.flv"
    encode(path, "-f", "lavfi", "-i", "sine", "-t", "2", "-c:a", "aac", "-f", "flv")
    return path.read_bytes()


@pytest.fixture(scope="session")
def ts_segment(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One 1-second MPEG-TS segment like the transcoder writes."""
    path = tmp_path_factory.mktemp("media") / "segment.ts"
    return encode(
        path,
        *("-f", "lavfi", "-i", f"testsrc2=size={WIDTH}x{HEIGHT}:rate={FPS}"),
        *("-t", "1", "-c:v", "libx264", "-preset", "ultrafast", "-pix_fmt", "yuv420p", "-f", "mpegts"),
    )


@pytest.fixture(scope="session")
def long_flv_clip(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """45 s of the same pattern: more segments than level 0 keeps on disk (25 listed + 10)."""
    path = tmp_path_factory.mktemp("media") / "long.flv"
    encode(
        path,
        *("-f", "lavfi", "-i", f"testsrc2=size={WIDTH}x{HEIGHT}:rate={FPS}"),
        *("-t", "45", "-c:v", "libx264", "-preset", "ultrafast", "-g", str(FPS), "-pix_fmt", "yuv420p"),
        *("-f", "flv"),
    )
    return path.read_bytes()
