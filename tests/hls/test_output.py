from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest

from ownstream.events import PlaylistWritten, SegmentWritten
from ownstream.hls.output import HlsOutputWatcher, wipe_hls_dir, write_atomically
from ownstream.hls.playlist import parse_media_playlist


def playlist(first: int, count: int, *, sequence: int | None = None) -> str:
    lines = [
        "#EXTM3U",
        "#EXT-X-TARGETDURATION:2",
        f"#EXT-X-MEDIA-SEQUENCE:{first if sequence is None else sequence}",
    ]
    for n in range(first, first + count):
        lines += [f"#EXTINF:{2.0 + n / 10:.6f},", f"stream-s-{n}.ts"]
    return "\n".join(lines) + "\n"


class Recorder:
    def __init__(self) -> None:
        self.segments: list[SegmentWritten] = []
        self.playlists: list[PlaylistWritten] = []

    def watcher(self, root: Path, variants: int = 2, interval: float = 0.25) -> HlsOutputWatcher:
        return HlsOutputWatcher(root, variants, self.segments.append, self.playlists.append, interval)

    def clear(self) -> None:
        self.segments.clear()
        self.playlists.clear()


@pytest.fixture
def root(tmp_path: Path) -> Path:
    for index in range(2):
        (tmp_path / str(index)).mkdir()
    return tmp_path


async def test_reports_new_segments_then_the_playlist(root: Path) -> None:
    recorder = Recorder()
    watcher = recorder.watcher(root)
    await watcher.poll_once()
    assert recorder.segments == []
    assert recorder.playlists == []

    write_atomically(root / "0" / "stream.m3u8", playlist(0, 2))
    await watcher.poll_once()
    assert recorder.segments == [
        SegmentWritten(0, str(root / "0" / "stream-s-0.ts"), 2.0),
        SegmentWritten(0, str(root / "0" / "stream-s-1.ts"), 2.1),
    ]
    assert recorder.playlists == [PlaylistWritten(0, str(root / "0" / "stream.m3u8"))]

    recorder.clear()
    await watcher.poll_once()  # unchanged: nothing
    assert recorder.segments == []
    assert recorder.playlists == []

    write_atomically(root / "0" / "stream.m3u8", playlist(1, 2))  # the window slides by one
    write_atomically(root / "1" / "stream.m3u8", playlist(0, 1))
    write_atomically(root / "stream.m3u8", "#EXTM3U\n")
    await watcher.poll_once()
    assert [(e.variant_index, Path(e.path).name) for e in recorder.segments] == [
        (0, "stream-s-2.ts"),
        (1, "stream-s-0.ts"),
    ]
    assert sorted(e.variant_index for e in recorder.playlists) == [-1, 0, 1]
    assert PlaylistWritten(-1, str(root / "stream.m3u8")) in recorder.playlists


async def test_segments_that_slid_past_unseen_are_logged(
    root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    recorder = Recorder()
    watcher = recorder.watcher(root)
    write_atomically(root / "0" / "stream.m3u8", playlist(0, 2))
    await watcher.poll_once()
    write_atomically(root / "0" / "stream.m3u8", playlist(5, 2))
    await watcher.poll_once()
    assert [Path(e.path).name for e in recorder.segments][2:] == ["stream-s-5.ts", "stream-s-6.ts"]
    assert "variant 0: 3 segment(s) left the playlist unseen" in caplog.text


async def test_a_failing_callback_does_not_stop_the_others(
    root: Path, caplog: pytest.LogCaptureFixture
) -> None:
    playlists: list[PlaylistWritten] = []

    def broken(event: SegmentWritten) -> None:
        raise RuntimeError("subscriber bug")

    watcher = HlsOutputWatcher(root, 1, broken, playlists.append)
    write_atomically(root / "0" / "stream.m3u8", playlist(0, 2))
    await watcher.poll_once()
    assert len(playlists) == 1
    assert caplog.text.count("HLS output callback failed") == 2


async def wait_until(condition: Callable[[], bool]) -> None:
    for _ in range(500):
        if condition():
            return
        await asyncio.sleep(0.01)
    raise AssertionError("timed out")


async def test_the_task_polls(root: Path) -> None:
    recorder = Recorder()
    watcher = recorder.watcher(root, interval=0.01)
    watcher.start()
    with pytest.raises(RuntimeError):
        watcher.start()
    write_atomically(root / "0" / "stream.m3u8", playlist(0, 1))
    await wait_until(lambda: len(recorder.segments) == 1)
    write_atomically(root / "0" / "stream.m3u8", playlist(0, 2))
    await wait_until(lambda: len(recorder.segments) == 2)
    await watcher.stop()
    await watcher.stop()  # idempotent


async def test_stop_takes_a_last_look(root: Path) -> None:
    """The last segment ffmpeg writes on exit is reported even if the next poll is far away."""
    recorder = Recorder()
    watcher = recorder.watcher(root, interval=3600)
    write_atomically(root / "0" / "stream.m3u8", playlist(0, 1))
    watcher.start()
    await wait_until(lambda: len(recorder.segments) == 1)
    write_atomically(root / "0" / "stream.m3u8", playlist(0, 2))
    await watcher.stop()
    assert [Path(e.path).name for e in recorder.segments] == ["stream-s-0.ts", "stream-s-1.ts"]


async def test_finalize_ends_every_variant_playlist_once(root: Path) -> None:
    recorder = Recorder()
    watcher = recorder.watcher(root)
    write_atomically(root / "0" / "stream.m3u8", playlist(0, 2))
    write_atomically(root / "1" / "stream.m3u8", playlist(0, 2))
    await watcher.poll_once()
    recorder.clear()

    await watcher.finalize()
    for index in range(2):
        path = root / str(index) / "stream.m3u8"
        text = path.read_text()
        assert parse_media_playlist(text).ended
        assert text.count("#EXT-X-ENDLIST") == 1
    assert sorted(e.variant_index for e in recorder.playlists) == [0, 1]
    assert recorder.segments == []

    recorder.clear()
    await watcher.poll_once()  # the watcher already knows about its own rewrite
    await watcher.finalize()  # and finalizing twice changes nothing
    assert recorder.playlists == []
    assert sorted(p.name for p in (root / "0").iterdir()) == ["stream.m3u8"]  # no temp file left


async def test_finalize_skips_missing_playlists(root: Path) -> None:
    recorder = Recorder()
    await recorder.watcher(root).finalize()
    assert recorder.playlists == []


def test_wipe_hls_dir(tmp_path: Path) -> None:
    hls = tmp_path / "hls"
    (hls / "0").mkdir(parents=True)
    (hls / "0" / "a.ts").write_bytes(b"x")
    (hls / "stream.m3u8").write_text("#EXTM3U\n")
    outside = tmp_path / "keep"
    outside.mkdir()
    (outside / "file").write_text("x")
    (hls / "link").symlink_to(outside)
    wipe_hls_dir(hls)
    assert hls.is_dir()
    assert list(hls.iterdir()) == []
    assert (outside / "file").exists()  # a symlink is removed, never followed

    wipe_hls_dir(tmp_path / "new" / "hls")
    assert (tmp_path / "new" / "hls").is_dir()


def test_wipe_refuses_the_filesystem_root() -> None:
    with pytest.raises(ValueError, match="refusing"):
        wipe_hls_dir(Path("/"))
