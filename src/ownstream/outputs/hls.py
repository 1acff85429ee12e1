"""The primary output: one ffmpeg per stream turning the FLV into HLS in `<datadir>/hls`, the watcher that
reports its segments and playlists on the bus, and the storage (local or S3) that serves them.

ffmpeg starts at the first media delivery, once the metadata has said whether there is audio. Its stdin
is the backpressure path: while ffmpeg does not read, `write` waits, and so does ingest (the queue is
lossless, up to the stall timeout). The stream is playable once the master playlist and a segment of every
variant exist. ffmpeg exiting on its own fails this output, which ends the stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Final

from ownstream.disk_full import DiskFullReporter, is_disk_full
from ownstream.events import EventBus, PlaylistWritten, SegmentWritten
from ownstream.hls.output import MASTER_INDEX, HlsOutputWatcher, wipe_hls_dir
from ownstream.hls.playlist import PLAYLIST_NAME
from ownstream.hls_storage.backend import StreamStorage
from ownstream.hls_storage.stream_storage import open_stream_storage
from ownstream.ingest.flv import FlvTag, TagRole
from ownstream.outputs.protocol import OutputFailed, OutputHealth, QueuePolicy, StreamContext
from ownstream.settings import Timings
from ownstream.transcode.ffmpeg import FfmpegError, FfmpegProcess, TranscodeJob
from ownstream.transcode.ffmpeg_binary import resolve_ffmpeg_path

log = logging.getLogger(__name__)

QUEUE_BYTES: Final = 2 * 1024 * 1024
"""About two seconds of an 8 Mbit/s stream waiting for ffmpeg's stdin before ingest waits too."""


@dataclass(eq=False)
class _Run:
    """One stream's transcoder run."""

    stream: StreamContext
    job: TranscodeJob
    storage: StreamStorage
    watcher: HlsOutputWatcher | None = None
    process: FfmpegProcess | None = None
    starting: asyncio.Task[FfmpegProcess] | None = None
    exit_watch: asyncio.Task[None] | None = None
    stopping: bool = False
    master_written: bool = False
    variants_with_segments: set[int] = field(default_factory=set)
    playable: asyncio.Event = field(default_factory=asyncio.Event)

    def note_output(self, variant_index: int) -> None:
        """A segment of `variant_index` (or, for MASTER_INDEX, the master playlist) was written."""
        if variant_index == MASTER_INDEX:
            self.master_written = True
        else:
            self.variants_with_segments.add(variant_index)
        if self.master_written and len(self.variants_with_segments) >= len(self.job.variants):
            self.playable.set()


class HlsOutput:
    """The HLS transcoder as a `PrimaryOutput`; one run per stream."""

    name = "hls"
    queue = QueuePolicy(max_bytes=QUEUE_BYTES, lossless=True)

    def __init__(self, directory: Path, bus: EventBus, timings: Timings, disk_full: DiskFullReporter) -> None:
        self.directory = directory
        self._bus = bus
        self._timings = timings
        self._disk_full = disk_full
        self._run: _Run | None = None
        self.starts = 0
        """ffmpeg processes started."""
        self.failures = 0
        """ffmpeg processes that exited on their own while their stream was live."""

    @property
    def segment_storage(self) -> StreamStorage | None:
        return self._run.storage if self._run is not None else None

    async def start(self, stream: StreamContext) -> None:
        config = stream.config
        await asyncio.to_thread(wipe_hls_dir, self.directory)
        job = TranscodeJob(
            ffmpeg_path=resolve_ffmpeg_path(config.ffmpeg_path),
            variants=config.video_variants,
            latency_level=config.video_latency_level,
            codec=config.video_codec,
            output_dir=self.directory,
            session_id=stream.stream_id,
        )
        # Storage (local or S3, its settings as they are now) listens for the watcher's events: first.
        storage = await open_stream_storage(
            config.s3,
            self.directory,
            len(job.variants),
            self._bus,
            self._timings,
            config.video_serving_endpoint,
        )
        run = _Run(stream, job, storage)
        run.watcher = HlsOutputWatcher(
            self.directory,
            len(job.variants),
            on_segment=lambda event: self._segment_written(run, event),
            on_playlist=lambda event: self._playlist_written(run, event),
            poll_interval=self._timings.hls_poll_interval,
        )
        run.watcher.start()
        self._run = run

    async def write(self, tags: Sequence[FlvTag]) -> None:
        run = self._run
        if run is None or run.stopping:
            raise OutputFailed("the transcoder is not running")
        process = run.process
        if process is None:
            if run.starting is None:
                run.starting = asyncio.get_running_loop().create_task(
                    self._start_process(run, has_audio(tags)), name=f"ffmpeg-start:{run.stream.stream_id}"
                )
            # Shielded: a cancelled write must not leave a half-started ffmpeg that nobody stops.
            process = await asyncio.shield(run.starting)
        try:
            await process.write(b"".join([tag.data for tag in tags]))
        except FfmpegError as error:
            raise OutputFailed(f"the transcoder stopped accepting input: {error}") from None

    async def _start_process(self, run: _Run, audio: bool) -> FfmpegProcess:
        process = FfmpegProcess(replace(run.job, has_audio=audio))
        try:
            await process.start()
        except FfmpegError as error:
            raise OutputFailed(f"the transcoder could not start: {error}") from None
        run.process = process
        self.starts += 1
        run.exit_watch = asyncio.get_running_loop().create_task(
            self._watch_exit(run, process), name=f"ffmpeg-exit:{run.stream.stream_id}"
        )
        return process

    async def _watch_exit(self, run: _Run, process: FfmpegProcess) -> None:
        code = await process.wait(None)
        if not run.stopping:
            self.failures += 1
            log.error("the transcoder exited on its own (code %s); ending the stream", code)
            run.stream.fail("the transcoder exited")

    def _segment_written(self, run: _Run, event: SegmentWritten) -> None:
        run.note_output(event.variant_index)
        self._bus.publish(event)

    def _playlist_written(self, run: _Run, event: PlaylistWritten) -> None:
        if event.variant_index == MASTER_INDEX:
            run.note_output(MASTER_INDEX)
        self._bus.publish(event)

    @property
    def playable(self) -> bool:
        return self._run is not None and self._run.playable.is_set()

    @property
    def online_grace(self) -> float:
        """Owncast's delay, max(3 × segment, 7 s): MPEG-TS segments have no parts to start early."""
        run = self._run
        return float(run.job.latency.online_grace) if run is not None else 0.0

    async def wait_playable(self) -> None:
        run = self._run
        if run is None:
            raise OutputFailed("the transcoder is not running")
        await run.playable.wait()

    async def stop(self) -> None:
        """ffmpeg finishes its last segment (within the stop timeout), the playlists get
        `#EXT-X-ENDLIST`, storage uploads the final ones, and the master playlist goes, so
        `/hls/stream.m3u8` answers 404."""
        run = self._run
        if run is None or run.stopping:
            return
        run.stopping = True
        try:
            await self._stop_process(run)
            if run.watcher is not None:
                await run.watcher.stop()
                try:
                    await run.watcher.finalize()
                except OSError as error:
                    # Without `#EXT-X-ENDLIST` players stop on their own; the master must go regardless.
                    if not is_disk_full(error):
                        raise
                    self._disk_full.report("ending the variant playlists", error)
            await run.storage.stop()  # uploads the final playlists when S3 is on
            await asyncio.to_thread((self.directory / PLAYLIST_NAME).unlink, missing_ok=True)
        finally:
            if self._run is run:
                self._run = None

    async def _stop_process(self, run: _Run) -> None:
        if run.starting is not None:
            with contextlib.suppress(OutputFailed):
                await run.starting
        if run.process is not None:
            await run.process.stop(self._timings.ffmpeg_stop_timeout)
        if run.exit_watch is not None:
            await run.exit_watch

    def health(self) -> OutputHealth:
        run = self._run
        if run is None:
            return OutputHealth(True, "not running")
        process = run.process
        if process is None:
            return OutputHealth(True, "waiting for media")
        if process.running:
            return OutputHealth(True, f"ffmpeg running (pid {process.pid})")
        return OutputHealth(False, process.failure_reason or f"ffmpeg exited with code {process.returncode}")

    async def discard(self) -> None:
        await asyncio.to_thread(wipe_hls_dir, self.directory)


def has_audio(tags: Sequence[FlvTag]) -> bool:
    """Whether the transcoder should map audio: yes unless the metadata before the first media names
    no audio codec (without metadata there is no telling, and most streams have audio)."""
    metadata = None
    for tag in tags:
        if tag.role is TagRole.METADATA:
            metadata = tag.metadata
    return not metadata or "audiocodecid" in metadata
