"""What the packager keeps on disk: each rendition's init segment, every finished segment and a standard
playlist naming them (for S3 uploads, thumbnails, a recorder, and the ended stream's playlists), plus
the master playlist. Memory serves the live edge; the disk is for what must outlive the window.

One owned task does the writes, in order, in a worker thread, from a bounded queue: a disk that stalls
loses disk copies (counted, logged once per stall), never the live stream. After each write the matching
bus event goes out (`SegmentWritten`, `PlaylistWritten`), as the MPEG-TS output's watcher does.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final

from ownstream.disk_full import DiskFullReporter, is_disk_full
from ownstream.events import EventBus, PlaylistWritten, SegmentWritten
from ownstream.hls.output import MASTER_INDEX, write_atomically
from ownstream.hls.playlist import PLAYLIST_NAME

log = logging.getLogger(__name__)

QUEUE_JOBS: Final = 256


@dataclass(frozen=True)
class InitFile:
    variant: int
    name: str
    data: bytes


@dataclass(frozen=True)
class SegmentFile:
    variant: int
    name: str
    chunks: tuple[bytes, ...]
    duration: float
    sequence: int
    program_date_time: datetime
    init_name: str
    playlist: str
    """The variant's standard playlist once this segment is listed."""


@dataclass(frozen=True)
class PlaylistFile:
    variant: int
    """`MASTER_INDEX` for the master playlist."""
    text: str
    then: Callable[[], None] | None = field(default=None, compare=False)
    """Called once the file is in place."""


_Job = InitFile | SegmentFile | PlaylistFile


class DiskWriter:
    """Writes one stream's files under `directory` (`<variant>/<name>`, the master at the top)."""

    def __init__(
        self,
        directory: Path,
        bus: EventBus,
        disk_full: DiskFullReporter,
        *,
        stream_id: str,
        keep_segments: int,
    ) -> None:
        self.directory = directory
        self._bus = bus
        self._disk_full = disk_full
        self._stream_id = stream_id
        self._keep = keep_segments
        self._queue: asyncio.Queue[_Job] = asyncio.Queue(QUEUE_JOBS)
        self._written: dict[int, deque[str]] = {}
        self._task: asyncio.Task[None] | None = None
        self._dropped = 0
        self.failed_writes = 0

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._run(), name=f"cmaf-disk:{self._stream_id}")

    def offer(self, job: _Job) -> None:
        try:
            self._queue.put_nowait(job)
        except asyncio.QueueFull:
            if not self._dropped:
                log.warning("the disk is not keeping up with the stream; copies of segments are skipped")
            self._dropped += 1
            return
        if self._dropped:
            log.info("writing segments to disk again (%d write(s) skipped)", self._dropped)
            self._dropped = 0

    async def stop(self, timeout: float) -> None:
        """Write what is queued (within `timeout`), then stop."""
        task, self._task = self._task, None
        if task is None:
            return
        try:
            await asyncio.wait_for(self._queue.join(), timeout)
        except TimeoutError:
            log.warning("%d disk write(s) still queued when the stream ended; dropped", self._queue.qsize())
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _run(self) -> None:
        while True:
            job = await self._queue.get()
            try:
                await self._write(job)
            except OSError as error:
                self.failed_writes += 1
                if is_disk_full(error):
                    self._disk_full.report("writing the stream's segments", error)
                else:
                    log.error("writing %s failed: %s", _describe(job), error)
            except Exception:
                log.exception("writing %s failed", _describe(job))
            finally:
                self._queue.task_done()

    async def _write(self, job: _Job) -> None:
        match job:
            case InitFile(variant, name, data):
                await asyncio.to_thread(self._write_bytes, variant, name, (data,))
            case SegmentFile():
                await self._write_segment(job)
            case PlaylistFile(variant, text, then):
                path = self._playlist_path(variant)
                await asyncio.to_thread(write_atomically, path, text)
                self._bus.publish(PlaylistWritten(variant, str(path)))
                if then is not None:
                    then()

    async def _write_segment(self, job: SegmentFile) -> None:
        """The segment, then the playlist naming it (and old segments deleted), then the events."""
        path = await asyncio.to_thread(self._write_bytes, job.variant, job.name, job.chunks)
        written = self._written.setdefault(job.variant, deque())
        written.append(job.name)
        expired = [written.popleft() for _ in range(max(0, len(written) - self._keep))]
        playlist = self._playlist_path(job.variant)
        await asyncio.to_thread(self._finish_segment, playlist, job.playlist, job.variant, expired)
        self._bus.publish(
            SegmentWritten(
                job.variant,
                str(path),
                job.duration,
                sequence=job.sequence,
                program_date_time=job.program_date_time,
                size=sum(len(chunk) for chunk in job.chunks),
                init_path=str(self.directory / str(job.variant) / job.init_name),
                stream_id=self._stream_id,
            )
        )
        self._bus.publish(PlaylistWritten(job.variant, str(playlist)))

    def _write_bytes(self, variant: int, name: str, chunks: Sequence[bytes]) -> Path:
        folder = self.directory / str(variant)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / name
        temporary = folder / f".{name}.tmp"
        with temporary.open("wb") as handle:
            for chunk in chunks:
                handle.write(chunk)
        temporary.replace(path)
        return path

    def _finish_segment(self, playlist: Path, text: str, variant: int, expired: list[str]) -> None:
        write_atomically(playlist, text)
        for name in expired:
            (self.directory / str(variant) / name).unlink(missing_ok=True)

    def _playlist_path(self, variant: int) -> Path:
        if variant == MASTER_INDEX:
            return self.directory / PLAYLIST_NAME
        return self.directory / str(variant) / PLAYLIST_NAME


def _describe(job: _Job) -> str:
    match job:
        case InitFile(variant, name):
            return f"{variant}/{name}"
        case SegmentFile(variant=variant, name=name):
            return f"{variant}/{name}"
        case PlaylistFile(variant):
            return "the master playlist" if variant == MASTER_INDEX else f"{variant}/{PLAYLIST_NAME}"
    return "a file"
