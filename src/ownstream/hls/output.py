"""Watches ffmpeg's HLS output folder and reports new segments and playlists as events.

ffmpeg writes segments and playlists through temporary files and renames them, so a segment listed in a
playlist is complete. The watcher polls each playlist's `stat` (cheap) and re-reads only the ones that
changed, all in one worker-thread call per tick, so the event loop never touches the disk.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from ownstream.events import PlaylistWritten, SegmentWritten
from ownstream.hls.playlist import PLAYLIST_NAME, MediaSegment, finalize_playlist, parse_media_playlist

log = logging.getLogger(__name__)

MASTER_INDEX = -1

E = TypeVar("E")

_Stamp = tuple[int, int, int]
"""(inode, size, mtime_ns): changes whenever ffmpeg replaces or rewrites the file."""


@dataclass
class _Change:
    index: int
    path: Path
    new_segments: list[MediaSegment] = field(default_factory=list)
    missed: int = 0
    """Segments that came and went between two looks (only when ffmpeg runs far faster than real time)."""


@dataclass
class _PlaylistState:
    stamp: _Stamp | None = None
    listed: frozenset[str] = frozenset()
    last_sequence: int | None = None


class HlsOutputWatcher:
    """Polls `<output_dir>/stream.m3u8` and `<output_dir>/<i>/stream.m3u8` for one transcoder run.

    For each variant playlist change it calls `on_segment` once per newly listed segment, then `on_playlist`.
    The master playlist's appearance (or rewrite) calls `on_playlist` with variant index -1.
    """

    def __init__(
        self,
        output_dir: Path,
        variant_count: int,
        on_segment: Callable[[SegmentWritten], None],
        on_playlist: Callable[[PlaylistWritten], None],
        poll_interval: float = 0.25,
    ) -> None:
        self.output_dir = output_dir
        self.variant_count = variant_count
        self._on_segment = on_segment
        self._on_playlist = on_playlist
        self._poll_interval = poll_interval
        self._states: dict[int, _PlaylistState] = {i: _PlaylistState() for i in range(-1, variant_count)}
        self._task: asyncio.Task[None] | None = None
        self._lock = asyncio.Lock()

    def playlist_path(self, index: int) -> Path:
        if index == MASTER_INDEX:
            return self.output_dir / PLAYLIST_NAME
        return self.output_dir / str(index) / PLAYLIST_NAME

    def start(self) -> None:
        if self._task is not None:
            raise RuntimeError("the HLS output watcher is already running")
        self._task = asyncio.get_running_loop().create_task(self._run(), name=f"hls-watch:{self.output_dir}")

    async def stop(self) -> None:
        """Stop polling, after one last look so the final segment is reported."""
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await self.poll_once()

    async def _run(self) -> None:
        while True:
            try:
                await self.poll_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("watching HLS output in %s failed; retrying", self.output_dir)
            await asyncio.sleep(self._poll_interval)

    async def poll_once(self) -> None:
        """Look at every playlist once and report what changed."""
        async with self._lock:
            changes = await asyncio.to_thread(self._scan)
        for change in changes:
            self._emit(change)

    def _scan(self) -> list[_Change]:
        changes: list[_Change] = []
        for index, state in self._states.items():
            path = self.playlist_path(index)
            try:
                info = os.stat(path)
            except OSError:
                continue
            stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
            if stamp == state.stamp:
                continue
            state.stamp = stamp
            change = _Change(index, path)
            if index != MASTER_INDEX:
                try:
                    text = path.read_text(encoding="utf-8", errors="replace")
                except OSError:
                    state.stamp = None
                    continue
                segments = parse_media_playlist(text).segments
                change.new_segments = [s for s in segments if s.uri not in state.listed]
                state.listed = frozenset(s.uri for s in segments)
                if change.new_segments and state.last_sequence is not None:
                    change.missed = max(change.new_segments[0].sequence - state.last_sequence - 1, 0)
                if segments:
                    state.last_sequence = segments[-1].sequence
            changes.append(change)
        return changes

    def _emit(self, change: _Change) -> None:
        folder = change.path.parent
        if change.missed:
            log.warning("variant %d: %d segment(s) left the playlist unseen", change.index, change.missed)
        for segment in change.new_segments:
            event = SegmentWritten(change.index, str(folder / segment.uri), segment.duration)
            self._call(self._on_segment, event)
        self._call(self._on_playlist, PlaylistWritten(change.index, str(change.path)))

    @staticmethod
    def _call(callback: Callable[[E], None], event: E) -> None:
        try:
            callback(event)
        except Exception:
            log.exception("HLS output callback failed for %r", event)

    async def finalize(self) -> None:
        """Append `#EXT-X-ENDLIST` to every variant playlist so players stop cleanly (atomic rewrite)."""
        async with self._lock:
            written = await asyncio.to_thread(self._finalize_all)
        for index, path in written:
            self._call(self._on_playlist, PlaylistWritten(index, str(path)))

    def _finalize_all(self) -> list[tuple[int, Path]]:
        written: list[tuple[int, Path]] = []
        for index in range(self.variant_count):
            path = self.playlist_path(index)
            try:
                text = path.read_text(encoding="utf-8", errors="replace")
            except OSError:
                continue
            final = finalize_playlist(text)
            if final == text:
                continue
            write_atomically(path, final)
            info = os.stat(path)
            self._states[index].stamp = (info.st_ino, info.st_size, info.st_mtime_ns)
            written.append((index, path))
        return written


def write_atomically(path: Path, text: str) -> None:
    """Replace `path` with `text` so readers see either the old or the new file, never half of one."""
    fd, temp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp_name)
        raise


def wipe_hls_dir(path: Path) -> None:
    """Delete everything inside `path` (Owncast wipes the HLS folder at each start) and make sure it exists.

    Blocking: call it through `asyncio.to_thread` from async code.
    """
    resolved = path.resolve()
    if resolved == Path(resolved.anchor) or resolved == Path.home().resolve():
        raise ValueError(f"refusing to wipe {resolved}")
    resolved.mkdir(parents=True, exist_ok=True)
    for entry in resolved.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry)
        else:
            entry.unlink(missing_ok=True)
