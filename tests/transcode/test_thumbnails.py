"""Thumbnail and preview from a real segment with the bundled ffmpeg."""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import av
import pytest

from ownstream.transcode.thumbnails import (
    PREVIEW_NAME,
    THUMBNAIL_NAME,
    ThumbnailGenerator,
    newest_segment,
)
from tests.transcode.conftest import FFMPEG, HEIGHT, WIDTH


@pytest.fixture
def hls_dir(tmp_path: Path, ts_segment: Path) -> Path:
    folder = tmp_path / "hls" / "1"
    folder.mkdir(parents=True)
    shutil.copyfile(ts_segment, folder / "stream-x-7.ts")
    return tmp_path / "hls"


def decoded_frames(path: Path) -> list[av.VideoFrame]:
    with av.open(str(path)) as container:
        return list(container.decode(video=0))


def test_newest_segment_by_modification_time(tmp_path: Path) -> None:
    assert newest_segment(tmp_path / "missing") is None
    assert newest_segment(tmp_path) is None
    for index, name in enumerate(["stream-a-2.ts", "stream-a-10.ts", "stream-a-3.ts.tmp", "stream.m3u8"]):
        path = tmp_path / name
        path.write_bytes(b"")
        os.utime(path, ns=(0, 1_000_000_000 * (index + 1)))
    assert newest_segment(tmp_path) == tmp_path / "stream-a-10.ts"


async def test_generate_once_makes_a_jpeg_and_a_gif(hls_dir: Path, tmp_path: Path) -> None:
    web = tmp_path / "web"
    web.mkdir()
    generator = ThumbnailGenerator(FFMPEG, hls_dir, 1, web)
    assert await generator.generate_once()

    thumbnail = decoded_frames(web / THUMBNAIL_NAME)
    assert len(thumbnail) == 1
    assert (thumbnail[0].width, thumbnail[0].height) == (WIDTH, HEIGHT)
    assert (web / THUMBNAIL_NAME).read_bytes()[:3] == b"\xff\xd8\xff"

    preview = decoded_frames(web / PREVIEW_NAME)
    assert (web / PREVIEW_NAME).read_bytes()[:6] == b"GIF89a"
    assert 7 <= len(preview) <= 9  # one second at 8 fps
    assert preview[0].width == 480
    assert sorted(p.name for p in web.iterdir()) == [PREVIEW_NAME, THUMBNAIL_NAME]  # no temp files left


async def test_nothing_to_do_without_segments(tmp_path: Path) -> None:
    generator = ThumbnailGenerator(FFMPEG, tmp_path / "hls", 0, tmp_path)
    assert not await generator.generate_once()
    assert not (tmp_path / THUMBNAIL_NAME).exists()


async def test_a_broken_segment_is_logged_and_keeps_the_old_files(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    folder = tmp_path / "hls" / "0"
    folder.mkdir(parents=True)
    (folder / "stream-x-1.ts").write_bytes(b"not a transport stream" * 100)
    (tmp_path / THUMBNAIL_NAME).write_bytes(b"old")
    generator = ThumbnailGenerator(FFMPEG, tmp_path / "hls", 0, tmp_path)
    assert not await generator.generate_once()
    assert (tmp_path / THUMBNAIL_NAME).read_bytes() == b"old"
    assert "ffmpeg could not make thumbnail.jpg from stream-x-1.ts" in caplog.text
    assert not (tmp_path / "tempthumbnail.jpg").exists()


async def test_the_loop_makes_a_thumbnail_soon_after_start(hls_dir: Path, tmp_path: Path) -> None:
    web = tmp_path / "web"
    web.mkdir()
    generator = ThumbnailGenerator(FFMPEG, hls_dir, 1, web, interval=60, first_retry=0.05)
    generator.start()
    try:
        for _ in range(200):
            if (web / PREVIEW_NAME).exists():
                break
            await asyncio.sleep(0.05)
        assert (web / THUMBNAIL_NAME).exists()
        assert (web / PREVIEW_NAME).exists()
    finally:
        await generator.stop()
    await generator.stop()  # idempotent


async def test_reset_to_logo(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text("<svg/>")
    web = tmp_path / "web"
    web.mkdir()
    (web / PREVIEW_NAME).write_bytes(b"GIF89a")
    generator = ThumbnailGenerator(FFMPEG, tmp_path / "hls", 0, web)
    await generator.reset_to_logo(logo)
    assert (web / THUMBNAIL_NAME).read_text() == "<svg/>"
    assert not (web / PREVIEW_NAME).exists()


async def test_reset_to_a_missing_logo_is_logged(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    generator = ThumbnailGenerator(FFMPEG, tmp_path / "hls", 0, tmp_path)
    await generator.reset_to_logo(tmp_path / "nope.png")
    assert "cannot use the logo" in caplog.text


@pytest.fixture
def fmp4_hls_dir(tmp_path: Path) -> Path:
    """A variant folder as the packager leaves it: `init-x.mp4` and fMP4 segments."""
    folder = tmp_path / "hls" / "0"
    folder.mkdir(parents=True)
    subprocess.run(
        [
            FFMPEG, "-hide_banner", "-loglevel", "error", "-y",
            "-f", "lavfi", "-i", f"testsrc2=size={WIDTH}x{HEIGHT}:rate=10", "-t", "2",
            "-c:v", "libx264", "-preset", "ultrafast", "-g", "10", "-pix_fmt", "yuv420p",
            "-f", "hls", "-hls_segment_type", "fmp4", "-hls_time", "1",
            "-hls_fmp4_init_filename", "init-x.mp4",
            "-hls_segment_filename", str(folder / "stream-x-%d.m4s"), str(folder / "stream.m3u8"),
        ],
        check=True,
    )  # fmt: skip
    return tmp_path / "hls"


def temporary_sources() -> set[Path]:
    return set(Path(tempfile.gettempdir()).glob("ownstream-thumbnail-*"))


@pytest.mark.alone  # counts temporary files in the shared /tmp, which a parallel thumbnail test also makes
async def test_an_fmp4_segment_is_decoded_with_its_init_segment(fmp4_hls_dir: Path, tmp_path: Path) -> None:
    """The packager's segments (`.m4s`) need their init segment: joined in a temporary file, removed after."""
    newest = newest_segment(fmp4_hls_dir / "0")
    assert newest is not None and newest.suffix == ".m4s"
    web = tmp_path / "web"
    generator = ThumbnailGenerator(FFMPEG, fmp4_hls_dir, 0, web)
    before = temporary_sources()
    assert await generator.generate_once()
    assert decoded_frames(web / THUMBNAIL_NAME)[0].width == WIDTH
    assert (web / PREVIEW_NAME).exists()
    assert temporary_sources() == before
