"""Recording as a stream output: the packager's finished segments of the best rendition (the
passthrough source, or the highest bitrate) are kept and indexed as they are written. Nothing is
re-encoded: this output takes no media, it hears of each segment on the bus (`SegmentWritten`) and
keeps the file by a hard link.

A replay lives across reconnects: when a stream stops, its replay waits for the reconnect window (an
admin setting); a publisher that comes back within it continues the same replay, its first segment after
an `EXT-X-DISCONTINUITY`. Once the window has passed (at once for a window of 0) the replay is finalised:
its `ended_at` is set, and its playlist becomes a VOD with `#EXT-X-ENDLIST`. A replay a killed server
left unfinished is finalised at the next start (`discard`), with everything kept so far.

When the stream's storage is S3 (its settings when the stream started), the replay is recorded to the
bucket instead (`replays/bucket.py`, under the S3 `pathPrefix` of that moment, which the replay's row
keeps): each kept segment and init segment is uploaded, then indexed.

One owned task does the work in order, from a bounded queue: a disk that stalls loses recorded segments
(counted, logged once per stall), never the live stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Final, Protocol

from sqlalchemy.exc import SQLAlchemyError

from ownstream.clock import Clock
from ownstream.config.model import RuntimeConfig
from ownstream.database.repos.replays import ReplaySegment
from ownstream.domain.ids import short_id
from ownstream.events import EventBus, ReplayReady, SegmentWritten, StreamStopped
from ownstream.ingest.flv import FlvTag
from ownstream.outputs.protocol import OutputHealth, StreamContext
from ownstream.replays.bucket import RecordingBucket, location_of
from ownstream.replays.library import ReplayLibrary
from ownstream.replays.thumbnail import make_replay_thumbnail
from ownstream.transcode.ffmpeg_binary import resolve_ffmpeg_path
from ownstream.transcode.variants import best_variant_index

log = logging.getLogger(__name__)

QUEUE_JOBS: Final = 512
THUMBNAIL_AT_SEGMENT: Final = 1
"""The replay's thumbnail is cut from its second kept segment (the first may still be black)."""
FINALISE_TIMEOUT: Final = 30.0


class CurrentConfig(Protocol):
    @property
    def current(self) -> RuntimeConfig: ...


@dataclass(eq=False)
class _Recording:
    replay_id: str
    rendition: int
    ffmpeg_path: str
    live_stream: str | None
    """The stream feeding it now; None while it waits for a reconnect."""
    stream_ids: set[str] = field(default_factory=set)
    position: int = 0
    discontinuity: bool = False
    last_end: datetime | None = None
    stopped_at: datetime | None = None
    window: asyncio.Task[None] | None = None
    finalising: bool = False
    finished: asyncio.Event = field(default_factory=asyncio.Event)
    over_budget: bool = False
    bucket: RecordingBucket | None = None
    """Where its files go when recorded to S3 (None: `<datadir>/recordings/<id>/`)."""


@dataclass(frozen=True)
class _Keep:
    recording: _Recording
    event: SegmentWritten


@dataclass(frozen=True)
class _Finalise:
    recording: _Recording


_Job = _Keep | _Finalise


class ReplayRecorder:
    """A `StreamOutput` without media queue; one replay at a time."""

    name = "replays"
    queue = None

    def __init__(self, library: ReplayLibrary, bus: EventBus, config: CurrentConfig, clock: Clock) -> None:
        self._library = library
        self._bus = bus
        self._config = config
        self._clock = clock
        self._current: _Recording | None = None
        self._queue: asyncio.Queue[_Job] = asyncio.Queue(QUEUE_JOBS)
        self._worker: asyncio.Task[None] | None = None
        self._unsubscribe: list[Callable[[], None]] = []
        self._side_tasks: set[asyncio.Task[None]] = set()
        self._dropped = 0
        self._wrong_format_reported = False
        self.kept_segments = 0
        self.failed_segments = 0
        library.recording = self.recording_id

    @property
    def directory(self) -> Path:
        return self._library.root

    def recording_id(self) -> str | None:
        """The replay that is live or waiting for a reconnect (the one not to remove)."""
        current = self._current
        return current.replay_id if current is not None else None

    # --- the server -----------------------------------------------------------------------------------
    def _ensure_running(self) -> None:
        if self._worker is None:
            self._worker = asyncio.get_running_loop().create_task(self._run(), name="replay-recorder")
            self._unsubscribe = [
                self._bus.subscribe(SegmentWritten, self._on_segment),
                self._bus.subscribe(StreamStopped, self._on_stopped),
            ]

    async def close(self) -> None:
        """Server shutdown: finalise what is being recorded (a publisher cannot come back to a stopped
        server), then stop the worker."""
        current = self._current
        if current is not None and self._worker is not None:
            await self._finalise_now(current)
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        worker, self._worker = self._worker, None
        tasks = [*self._side_tasks, *([worker] if worker is not None else [])]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task

    # --- the output -----------------------------------------------------------------------------------
    async def start(self, stream: StreamContext) -> None:
        config = stream.config
        self._ensure_running()
        if not config.replays_enabled:
            return
        rendition = best_variant_index(config.video_variants)
        current = self._current
        waiting = current is not None and current.live_stream is None and not current.finalising
        if current is not None and waiting and current.rendition == rendition:
            if current.window is not None:
                current.window.cancel()
                current.window = None
            current.live_stream = stream.stream_id
            current.stream_ids.add(stream.stream_id)
            current.discontinuity = True
            log.info(
                "the publisher is back within the reconnect window: replay %s continues",
                current.replay_id,
            )
            return
        if current is not None:
            await self._finalise_now(current)
        replay_id = short_id()
        title = config.stream_title or config.server_name
        bucket = await self._open_bucket(stream)
        location = location_of(config.s3) if bucket is not None else None
        try:
            await self._library.create(replay_id, title, rendition, stream.started_at, location)
        except BaseException:
            if bucket is not None:
                await bucket.close()
            raise
        self._current = _Recording(
            replay_id,
            rendition,
            resolve_ffmpeg_path(config.ffmpeg_path),
            live_stream=stream.stream_id,
            stream_ids={stream.stream_id},
            bucket=bucket,
        )
        where = f"to the bucket {config.s3.bucket}" if bucket is not None else "on disk"
        log.info("recording the stream as replay %s (rendition %d) %s", replay_id, rendition, where)

    async def _open_bucket(self, stream: StreamContext) -> RecordingBucket | None:
        """With S3 storage on, a client for its bucket; if it cannot be built, the replay is kept on
        local disk rather than lost."""
        if not stream.config.s3.enabled:
            return None
        try:
            return await self._library.open_bucket(stream.config.s3)
        except Exception as error:
            log.warning("S3 storage cannot be used for the replay (%s); recording it on local disk", error)
            return None

    async def write(self, tags: Sequence[FlvTag]) -> None:
        raise NotImplementedError("the recorder takes no media")

    async def stop(self) -> None:
        """Nothing to do here: the packager's last segments are announced before the stream stops, and
        the replay then waits for the reconnect window (`StreamStopped`)."""

    def health(self) -> OutputHealth:
        current = self._current
        if current is None:
            return OutputHealth(True, "not recording")
        if current.over_budget:
            return OutputHealth(False, f"replay {current.replay_id}: the disk budget is full")
        return OutputHealth(True, f"recording replay {current.replay_id} ({current.position} segments)")

    async def discard(self) -> None:
        """At start (and after the server stayed offline): finalise replays a killed server left open,
        with what they kept. The recordings themselves are never discarded."""
        self._ensure_running()
        recording = self.recording_id()
        for replay in await self._library.repository.unfinished():
            if replay.id == recording:
                continue
            if replay.segments == 0:
                await self._library.forget(replay.id)
                continue
            ended = replay.last_end or replay.started_at
            await self._library.finish(replay.id, ended)
            log.info(
                "replay %s was left unfinished by an earlier run; finalised with what it kept", replay.id
            )

    # --- the bus --------------------------------------------------------------------------------------
    def _on_segment(self, event: SegmentWritten) -> None:
        current = self._current
        if current is None or event.stream_id is None or event.stream_id not in current.stream_ids:
            return
        if event.variant_index != current.rendition:
            return
        if event.program_date_time is None or event.init_path is None or event.size is None:
            if not self._wrong_format_reported:
                self._wrong_format_reported = True
                log.warning("replays need the fragmented-MP4 packager (--hls-format fmp4); not recording")
            return
        self._offer(_Keep(current, event))

    def _on_stopped(self, event: StreamStopped) -> None:
        current = self._current
        if current is None or current.live_stream != event.stream_id:
            return
        current.live_stream = None
        current.stopped_at = event.stopped_at
        window = self._config.current.replays_reconnect_window
        if window <= 0:
            self._queue_finalise(current)
            return
        current.window = asyncio.get_running_loop().create_task(
            self._wait_window(current, float(window)), name=f"replay-window:{current.replay_id}"
        )

    async def _wait_window(self, recording: _Recording, seconds: float) -> None:
        await asyncio.sleep(seconds)
        recording.window = None
        self._queue_finalise(recording)

    def _queue_finalise(self, recording: _Recording) -> None:
        if recording.finalising:
            return
        recording.finalising = True
        # Never dropped: it waits for room behind the segments it must come after.
        task = asyncio.get_running_loop().create_task(
            self._queue.put(_Finalise(recording)), name=f"replay-finalise:{recording.replay_id}"
        )
        self._own(task)

    async def _finalise_now(self, recording: _Recording) -> None:
        if recording.window is not None:
            recording.window.cancel()
            recording.window = None
        self._queue_finalise(recording)
        try:
            await asyncio.wait_for(recording.finished.wait(), FINALISE_TIMEOUT)
        except TimeoutError:
            log.error("replay %s could not be finalised in time", recording.replay_id)

    def _offer(self, job: _Job) -> None:
        try:
            self._queue.put_nowait(job)
        except asyncio.QueueFull:
            if not self._dropped:
                log.warning(
                    "recording is not keeping up with the stream; segments are left out of the replay"
                )
            self._dropped += 1
            if isinstance(job, _Keep):
                job.recording.discontinuity = True
            return
        if self._dropped:
            log.info("recording again (%d segment(s) left out)", self._dropped)
            self._dropped = 0

    def _own(self, task: asyncio.Task[None]) -> None:
        self._side_tasks.add(task)
        task.add_done_callback(self._side_tasks.discard)

    # --- the work -------------------------------------------------------------------------------------
    async def _run(self) -> None:
        while True:
            job = await self._queue.get()
            try:
                if isinstance(job, _Keep):
                    await self._keep(job.recording, job.event)
                else:
                    await self._finalise(job.recording)
            except asyncio.CancelledError:
                raise
            except (OSError, SQLAlchemyError) as error:
                # A full or failing disk (the files, or the database's index of them): one line each.
                self.failed_segments += 1
                log.error(
                    "recording a segment failed: %s", str(error).splitlines()[0] if str(error) else error
                )
                if isinstance(job, _Keep):
                    job.recording.discontinuity = True
            except Exception:
                log.exception("the recorder failed on a job")
            finally:
                self._queue.task_done()

    async def _keep(self, recording: _Recording, event: SegmentWritten) -> None:
        if recording.finished.is_set():
            return
        size = event.size or 0
        if not await self._library.make_room(size, in_bucket=recording.bucket is not None):
            if not recording.over_budget:
                log.warning(
                    "replay %s: the recordings' disk budget is full and nothing older can go; "
                    "segments are left out until there is room",
                    recording.replay_id,
                )
            recording.over_budget = True
            recording.discontinuity = True
            return
        recording.over_budget = False
        source = Path(event.path)
        assert event.init_path is not None and event.program_date_time is not None
        init = Path(event.init_path)
        segment = ReplaySegment(
            position=recording.position,
            name=source.name,
            init_name=init.name,
            program_date_time=event.program_date_time,
            duration=event.duration,
            size=size,
            discontinuity=recording.discontinuity and recording.position > 0,
        )
        await self._library.add_segment(recording.replay_id, source, init, segment, recording.bucket)
        recording.position += 1
        recording.discontinuity = False
        recording.last_end = segment.end
        self.kept_segments += 1
        if segment.position == THUMBNAIL_AT_SEGMENT:
            in_bucket = recording.bucket is not None
            if in_bucket:
                # The thumbnail is cut on local disk (and stays there); the media only for the moment.
                files = self._library.files
                await asyncio.to_thread(files.keep, recording.replay_id, init, init.name)
                await asyncio.to_thread(files.keep, recording.replay_id, source, source.name)
            self._own(
                asyncio.get_running_loop().create_task(
                    self._thumbnail(recording, init.name, source.name, remove_media=in_bucket),
                    name=f"replay-thumbnail:{recording.replay_id}",
                )
            )

    async def _thumbnail(
        self, recording: _Recording, init_name: str, name: str, *, remove_media: bool
    ) -> None:
        folder = self._library.files.folder(recording.replay_id)
        try:
            await make_replay_thumbnail(recording.ffmpeg_path, folder, init_name, name)
        finally:
            if remove_media:
                await asyncio.to_thread(_unlink, folder / init_name, folder / name)

    async def _finalise(self, recording: _Recording) -> None:
        if recording.finished.is_set():
            return
        ended = recording.last_end or recording.stopped_at or self._clock.now()
        try:
            if recording.position == 0:
                await self._library.forget(recording.replay_id)  # nothing was kept: no replay to list
                log.info("replay %s kept no video; not listed", recording.replay_id)
                return
            await self._library.finish(recording.replay_id, ended)
        finally:
            recording.finished.set()
            if self._current is recording:
                self._current = None
            if recording.bucket is not None:
                await recording.bucket.close()
        log.info("replay %s is complete", recording.replay_id)
        replay = await self._library.repository.get(recording.replay_id)
        if replay is not None and replay.ended_at is not None:
            self._bus.publish(
                ReplayReady(replay.id, replay.title, replay.started_at, replay.ended_at, replay.duration)
            )


def _unlink(*paths: Path) -> None:
    for path in paths:
        path.unlink(missing_ok=True)
