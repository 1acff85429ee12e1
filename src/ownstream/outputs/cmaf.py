"""The primary output (the default): a CMAF packager. One ffmpeg per stream writes fragmented MP4 for
each variant (transcoded or passthrough alike) into a pipe of its own; Ownstream reads the pipes, cuts
parts and segments (`hls.fmp4`, `hls.parts`, `hls.live_window`), keeps the live window in memory for
`/hls/…` (`hls.live_store.LiveHls`), writes the playlists itself and keeps finished segments on disk.

At the low latency levels (0 and 1) the variant playlists carry parts, a preload hint, server control
and rendition reports, and answer blocking reloads; at levels 2–4, and whenever segments go to S3
(object storage cannot hold a blocking request), they are standard playlists of fMP4 segments. The
stream is playable once every variant's playlist holds a whole segment and the master playlist names
them all; at the low latency levels that is when it goes online. Each segment is dated
(`EXT-X-PROGRAM-DATE-TIME`) by when its first frame reached the server (`hls.arrival`).

ffmpeg's stdin is the backpressure path, as for the MPEG-TS output (`outputs/hls.py`); its exit, or a
pipe carrying something that is not fragmented MP4, fails this output, which ends the stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import fcntl
import functools
import logging
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Final

from ownstream.disk_full import DiskFullReporter
from ownstream.events import EventBus
from ownstream.hls.arrival import ArrivalClock
from ownstream.hls.fmp4 import Fmp4Error, Fmp4Reader, Fragment, InitSegment
from ownstream.hls.live_playlist import VariantEntry, render_master_playlist
from ownstream.hls.live_store import LiveHls, LiveRendition, RenditionPlan
from ownstream.hls.live_window import RenditionWindow, Segment, SegmentNames, WindowChange
from ownstream.hls.output import MASTER_INDEX, wipe_hls_dir
from ownstream.hls.parts import PartCutter, plan_parts
from ownstream.hls.playlist import PLAYLIST_NAME
from ownstream.hls_storage.backend import StreamStorage
from ownstream.hls_storage.stream_storage import open_stream_storage
from ownstream.ingest.flv import FlvTag, TagRole
from ownstream.outputs.cmaf_disk import DiskWriter, InitFile, PlaylistFile, SegmentFile
from ownstream.outputs.hls import QUEUE_BYTES, has_audio
from ownstream.outputs.protocol import OutputFailed, OutputHealth, QueuePolicy, StreamContext
from ownstream.settings import Timings
from ownstream.transcode.arguments import TranscodeJob, new_session_id
from ownstream.transcode.cmaf_arguments import FragmentedOutput, build_cmaf_args
from ownstream.transcode.ffmpeg import FfmpegError, FfmpegProcess
from ownstream.transcode.ffmpeg_binary import resolve_ffmpeg_path
from ownstream.transcode.latency import EXTRA_SEGMENTS_ON_DISK, LatencyLevel, latency_for
from ownstream.transcode.variants import StreamVariant

log = logging.getLogger(__name__)

PIPE_BYTES: Final = 1024 * 1024
"""Each output pipe's capacity (Linux): a keyframe fragment fits without ffmpeg waiting for us."""
ASSUMED_FRAME_RATE: Final = 30.0
"""A passthrough variant's frame rate when the publisher's metadata names none."""
AUDIO_KBPS_GUESS: Final = 128
PIPE_DRAIN_TIMEOUT: Final = 3.0
_VIDEO_ROLES: Final = frozenset({TagRole.KEYFRAME, TagRole.VIDEO})


@dataclass(eq=False)
class _Run:
    """One stream's packager run."""

    stream: StreamContext
    job: TranscodeJob
    level: LatencyLevel
    low_latency: bool
    storage: StreamStorage
    disk: DiskWriter
    names: SegmentNames
    arrival: ArrivalClock = field(default_factory=ArrivalClock)
    renditions: list[LiveRendition] = field(default_factory=list)
    readers: list[Fmp4Reader] = field(default_factory=list)
    transports: list[asyncio.BaseTransport] = field(default_factory=list)
    pipes_done: list[asyncio.Event] = field(default_factory=list)
    process: FfmpegProcess | None = None
    starting: asyncio.Task[FfmpegProcess] | None = None
    exit_watch: asyncio.Task[None] | None = None
    stopping: bool = False
    master_queued: bool = False
    playable: asyncio.Event = field(default_factory=asyncio.Event)
    overlong_reported: bool = False


class _PipeReader(asyncio.Protocol):
    """Hands one variant's pipe bytes to the packager as they arrive (no task, no copy)."""

    def __init__(self, on_data: Callable[[bytes], None], on_end: Callable[[], None]) -> None:
        self._on_data = on_data
        self._on_end = on_end

    def data_received(self, data: bytes) -> None:
        self._on_data(data)

    def eof_received(self) -> bool | None:
        return None

    def connection_lost(self, exc: Exception | None) -> None:
        self._on_end()


class CmafOutput:
    """The CMAF packager as a `PrimaryOutput`; one run per stream."""

    name = "hls"
    queue = QueuePolicy(max_bytes=QUEUE_BYTES, lossless=True)

    def __init__(
        self,
        directory: Path,
        bus: EventBus,
        timings: Timings,
        disk_full: DiskFullReporter,
        store: LiveHls,
        *,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.directory = directory
        self._bus = bus
        self._timings = timings
        self._disk_full = disk_full
        self._store = store
        self._wall_clock = wall_clock
        self._run: _Run | None = None
        self.starts = 0
        """ffmpeg processes started."""
        self.failures = 0
        """ffmpeg processes that exited on their own while their stream was live."""

    @property
    def segment_storage(self) -> StreamStorage | None:
        return self._run.storage if self._run is not None else None

    @property
    def online_grace(self) -> float:
        """Low latency: online as soon as playable. Otherwise Owncast's delay (max(3 × segment, 7 s))."""
        run = self._run
        if run is None:
            return 0.0
        return 0.0 if run.low_latency else float(run.level.online_grace)

    @property
    def low_latency(self) -> bool:
        """Whether the current stream has parts and blocking reloads."""
        return self._run is not None and self._run.low_latency

    # --- the stream -----------------------------------------------------------------------------------
    async def start(self, stream: StreamContext) -> None:
        config = stream.config
        await asyncio.to_thread(wipe_hls_dir, self.directory)
        level = latency_for(config.video_latency_level)
        low_latency = level.low_latency and not config.s3.enabled
        if level.low_latency and not low_latency:
            log.info(
                "S3 storage is on: latency level %d streams standard %d s segments from the bucket "
                "(object storage cannot answer blocking playlist requests)",
                level.level,
                level.segment_seconds,
            )
        job = TranscodeJob(
            ffmpeg_path=resolve_ffmpeg_path(config.ffmpeg_path),
            variants=config.video_variants,
            latency_level=config.video_latency_level,
            codec=config.video_codec,
            output_dir=self.directory,
            session_id=new_session_id(),
        )
        storage = await open_stream_storage(
            config.s3,
            self.directory,
            len(job.variants),
            self._bus,
            self._timings,
            config.video_serving_endpoint,
        )
        disk = DiskWriter(
            self.directory,
            self._bus,
            self._disk_full,
            stream_id=stream.stream_id,
            keep_segments=level.playlist_length + EXTRA_SEGMENTS_ON_DISK,
        )
        disk.start()
        self._run = _Run(stream, job, level, low_latency, storage, disk, SegmentNames(job.session_id))

    async def write(self, tags: Sequence[FlvTag]) -> None:
        run = self._run
        if run is None or run.stopping:
            raise OutputFailed("the packager is not running")
        arrived = self._wall_clock()
        for tag in tags:
            if tag.role in _VIDEO_ROLES:
                run.arrival.note(tag.timestamp, arrived)
        process = run.process
        if process is None:
            if run.starting is None:
                run.starting = asyncio.get_running_loop().create_task(
                    self._start_process(run, tags), name=f"ffmpeg-start:{run.stream.stream_id}"
                )
            # Shielded: a cancelled write must not leave a half-started ffmpeg that nobody stops.
            process = await asyncio.shield(run.starting)
        try:
            await process.write(b"".join([tag.data for tag in tags]))
        except FfmpegError as error:
            raise OutputFailed(f"the transcoder stopped accepting input: {error}") from None

    async def _start_process(self, run: _Run, tags: Sequence[FlvTag]) -> FfmpegProcess:
        job = replace(run.job, has_audio=has_audio(tags))
        metadata = _metadata(tags)
        loop = asyncio.get_running_loop()
        outputs: list[FragmentedOutput] = []
        write_ends: list[int] = []
        try:
            for index, variant in enumerate(job.variants):
                read_end, write_end = os.pipe()
                write_ends.append(write_end)
                with contextlib.suppress(OSError):
                    fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
                rendition, fragment_us = self._rendition(run, index, variant, metadata)
                run.renditions.append(rendition)
                run.readers.append(Fmp4Reader())
                done = asyncio.Event()
                run.pipes_done.append(done)
                transport = await self._connect(run, index, read_end)
                run.transports.append(transport)
                outputs.append(FragmentedOutput(write_end, fragment_us))
            process = FfmpegProcess(job, argv=build_cmaf_args(job, outputs), pass_fds=write_ends)
            try:
                await process.start()
            except FfmpegError as error:
                raise OutputFailed(f"the transcoder could not start: {error}") from None
        except BaseException:
            for transport in run.transports:
                transport.close()
            raise
        finally:
            for write_end in write_ends:
                os.close(write_end)
        self._store.attach(run.names, run.renditions)
        run.process = process
        self.starts += 1
        run.exit_watch = loop.create_task(
            self._watch_exit(run, process), name=f"ffmpeg-exit:{run.stream.stream_id}"
        )
        return process

    async def _connect(self, run: _Run, index: int, read_end: int) -> asyncio.BaseTransport:
        reader = _PipeReader(functools.partial(self._on_bytes, run, index), run.pipes_done[index].set)
        pipe = os.fdopen(read_end, "rb", 0)
        transport, _ = await asyncio.get_running_loop().connect_read_pipe(lambda: reader, pipe)
        return transport

    def _rendition(
        self, run: _Run, index: int, variant: StreamVariant, metadata: dict[str, Any]
    ) -> tuple[LiveRendition, int | None]:
        level = run.level
        if variant.video_passthrough:
            parts = plan_parts(_frame_rate(metadata), None, millisecond_timestamps=True)
        else:
            fps = variant.effective_framerate
            parts = plan_parts(fps, fps * level.segment_seconds, millisecond_timestamps=False)
        # Short fragments at every level: a segment closes when the keyframe after it arrives, and with
        # one fragment per GOP that keyframe would reach us only a GOP later (ffmpeg writes a fragment
        # when the next one begins), listing every standard segment a GOP late.
        fragment_us: int | None = parts.fragment_us
        part_target = parts.part_target if run.low_latency else None
        arrival = run.arrival
        wall_clock = self._wall_clock
        window = RenditionWindow(
            PartCutter(level.segment_seconds, part_target),
            playlist_length=level.playlist_length,
            wall_clock_at=lambda seconds: arrival.date_at(seconds, wall_clock()),
        )
        plan = RenditionPlan(float(level.segment_seconds), level.playlist_length, part_target)
        return LiveRendition(index, window, run.names, plan), fragment_us

    async def _watch_exit(self, run: _Run, process: FfmpegProcess) -> None:
        code = await process.wait(None)
        if not run.stopping:
            self.failures += 1
            log.error("the transcoder exited on its own (code %s); ending the stream", code)
            run.stream.fail("the transcoder exited")

    # --- the pipes ------------------------------------------------------------------------------------
    def _on_bytes(self, run: _Run, index: int, data: bytes) -> None:
        if run.pipes_done[index].is_set():
            return
        try:
            items = run.readers[index].feed(data)
        except Fmp4Error as error:
            log.error("variant %d: ffmpeg's output is not fragmented MP4 as expected: %s", index, error)
            run.pipes_done[index].set()
            run.transports[index].close()
            if not run.stopping:
                run.stream.fail("the packager could not read the transcoder's output")
            return
        rendition = run.renditions[index]
        for item in items:
            if isinstance(item, InitSegment):
                rendition.window.set_init(item)
                run.disk.offer(InitFile(index, run.names.init, item.data))
            elif isinstance(item, Fragment):
                self._changed(run, rendition, rendition.window.add(item))

    def _changed(self, run: _Run, rendition: LiveRendition, change: WindowChange) -> None:
        for segment in change.completed_segments:
            newly = not rendition.published
            rendition.note_segment(segment)
            run.disk.offer(self._segment_file(run, rendition, segment))
            if newly:
                self._check_playable(run)
        overlong = rendition.window.cutter.overlong
        if overlong and rendition.published and not run.overlong_reported:
            run.overlong_reported = True
            log.warning(
                "variant %d: a fragment longer than the part target (%.3f s) arrived; the source's frame "
                "timing is irregular",
                rendition.index,
                rendition.part_target or 0.0,
            )
        if change.changed:
            self._store.bump()

    def _segment_file(self, run: _Run, rendition: LiveRendition, segment: Segment) -> SegmentFile:
        return SegmentFile(
            variant=rendition.index,
            name=run.names.segment(segment.msn),
            chunks=tuple(segment.chunks()),
            duration=segment.duration,
            sequence=segment.msn,
            program_date_time=segment.program_date_time,
            init_name=run.names.init,
            playlist=rendition.standard_playlist(),
        )

    def _check_playable(self, run: _Run) -> None:
        if run.master_queued or not all(rendition.published for rendition in run.renditions):
            return
        run.master_queued = True
        text = render_master_playlist([self._variant_entry(run, rendition) for rendition in run.renditions])
        run.disk.offer(PlaylistFile(MASTER_INDEX, text, then=run.playable.set))

    def _variant_entry(self, run: _Run, rendition: LiveRendition) -> VariantEntry:
        variant = run.job.variants[rendition.index]
        window = rendition.window
        init = window.init
        lead = init.lead_track if init is not None else None
        first = window.complete_segments[0] if window.complete_segments else None
        measured = int(first.size * 8 / first.duration) if first is not None and first.duration > 0 else 0
        configured = 0
        frame_rate: float | None = None
        if not variant.video_passthrough:
            audio = variant.audio_bitrate if not variant.copies_audio else AUDIO_KBPS_GUESS
            configured = (variant.effective_video_bitrate * 108 // 100 + audio) * 1000
            frame_rate = float(variant.effective_framerate)
        return VariantEntry(
            uri=f"{rendition.index}/{PLAYLIST_NAME}",
            bandwidth=max(configured, measured, 1),
            codecs=init.codecs if init is not None else None,
            resolution=(lead.width, lead.height) if lead is not None and lead.is_video else None,
            frame_rate=frame_rate,
        )

    # --- state for the lifecycle ----------------------------------------------------------------------
    @property
    def playable(self) -> bool:
        return self._run is not None and self._run.playable.is_set()

    async def wait_playable(self) -> None:
        run = self._run
        if run is None:
            raise OutputFailed("the packager is not running")
        await run.playable.wait()

    # --- the end --------------------------------------------------------------------------------------
    async def stop(self) -> None:
        """ffmpeg finishes (within the stop timeout), the last part and segment close, the playlists end
        with `#EXT-X-ENDLIST` on disk, storage uploads the final ones, the master playlist goes (so
        `/hls/stream.m3u8` answers 404) and `/hls/…` serves the ended stream from disk."""
        run = self._run
        if run is None or run.stopping:
            return
        run.stopping = True
        try:
            await self._stop_process(run)
            if run.pipes_done:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(
                        asyncio.gather(*(done.wait() for done in run.pipes_done)), PIPE_DRAIN_TIMEOUT
                    )
            for transport in run.transports:
                transport.close()
            for rendition in run.renditions:
                self._changed(run, rendition, rendition.window.finish())
            self._store.bump()
            for rendition in run.renditions:
                if rendition.published:
                    run.disk.offer(PlaylistFile(rendition.index, rendition.standard_playlist()))
            await run.disk.stop(self._timings.ffmpeg_stop_timeout)
            await run.storage.stop()  # uploads the final playlists when S3 is on
            await asyncio.to_thread((self.directory / PLAYLIST_NAME).unlink, missing_ok=True)
        finally:
            if self._store.renditions and self._store.renditions[0] in run.renditions:
                self._store.detach()
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


def _metadata(tags: Sequence[FlvTag]) -> dict[str, Any]:
    for tag in tags:
        if tag.role is TagRole.METADATA and tag.metadata:
            return dict(tag.metadata)
    return {}


def _frame_rate(metadata: dict[str, Any]) -> float:
    """The publisher's frame rate (`framerate`, or `videoframerate` as some encoders write it)."""
    for key in ("framerate", "videoframerate"):
        value = metadata.get(key)
        if isinstance(value, int | float) and 1 <= value <= 240:
            return float(value)
    return ASSUMED_FRAME_RATE
