"""The stream lifecycle: offline → starting → online (after the grace period) → ending → offline.

This service is the `PublishGate` the RTMP server asks on every publish. It owns the per-stream parts
(ffmpeg, the HLS output watcher, thumbnails) and is the only publisher of `StreamStarted`,
`StreamOnline` and `StreamStopped`.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import secrets
from collections.abc import Awaitable
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import Any

from ownstream.auth.stream_key import stream_key_matches
from ownstream.clock import Clock
from ownstream.config.service import ConfigService
from ownstream.disk_full import DiskFullReporter, is_disk_full
from ownstream.events import (
    EventBus,
    PlaylistWritten,
    SegmentWritten,
    StreamOnline,
    StreamStarted,
    StreamStopped,
)
from ownstream.hls.output import MASTER_INDEX, HlsOutputWatcher, wipe_hls_dir
from ownstream.ingest.publish import PublishClosed, PublishRefusal, PublishRequest, StreamSink
from ownstream.settings import Settings
from ownstream.storage.backend import StreamStorage
from ownstream.storage.stream_storage import open_stream_storage
from ownstream.stream.broadcaster import Broadcaster
from ownstream.stream.ingest_meter import IngestMeter
from ownstream.stream.logo import LogoStore
from ownstream.stream.stats import StreamStats
from ownstream.transcode.ffmpeg import FfmpegError, FfmpegProcess, TranscodeJob
from ownstream.transcode.ffmpeg_binary import resolve_ffmpeg_path
from ownstream.transcode.latency import latency_for
from ownstream.transcode.thumbnails import ThumbnailGenerator
from ownstream.transcode.variants import StreamVariant, best_variant_index

log = logging.getLogger(__name__)

LIVE_APP = "live"


class StreamState(enum.Enum):
    OFFLINE = "offline"
    STARTING = "starting"
    ONLINE = "online"
    ENDING = "ending"


class StreamEnded(PublishClosed):
    """Raised to the RTMP server when it writes to a stream that has already ended."""


@dataclass(frozen=True)
class Broadcast:
    """What the current stream was started with (`currentBroadcast` in `/api/admin/status`)."""

    stream_id: str
    variants: tuple[StreamVariant, ...]
    latency_level: int

    def to_json(self) -> dict[str, Any]:
        return {
            "outputSettings": [variant.to_owncast() for variant in self.variants],
            "latencyLevel": {"level": self.latency_level},
        }


class _LiveSession:
    def __init__(self, broadcast: Broadcast, broadcaster: Broadcaster, job: TranscodeJob) -> None:
        self.broadcast = broadcast
        self.broadcaster = broadcaster
        self.job = job
        self.process: FfmpegProcess | None = None
        self.starting_transcoder = asyncio.Lock()
        self.watcher: HlsOutputWatcher | None = None
        self.thumbnails: ThumbnailGenerator | None = None
        self.storage: StreamStorage | None = None
        self.tasks: list[asyncio.Task[None]] = []
        self.ended = asyncio.Event()
        self.ending = False
        self.first_segment_seen = False
        self.master_written = False
        self.variants_with_segments: set[int] = set()
        self.playable = asyncio.Event()
        """Set once the master playlist and a segment of every variant are on disk."""

    def note_output(self, variant_index: int) -> None:
        """A segment of `variant_index` (or, for MASTER_INDEX, the master playlist) was written."""
        if variant_index == MASTER_INDEX:
            self.master_written = True
        else:
            self.variants_with_segments.add(variant_index)
        if self.master_written and len(self.variants_with_segments) >= len(self.broadcast.variants):
            self.playable.set()


class _PublisherSink:
    """The RTMP server's view of one live session."""

    def __init__(self, lifecycle: StreamLifecycle, session: _LiveSession) -> None:
        self._lifecycle = lifecycle
        self._session = session

    async def write(self, data: bytes) -> None:
        if self._session.ending:
            raise StreamEnded("the stream has ended")
        process = self._session.process or await self._lifecycle.start_transcoder(self._session)
        self._lifecycle.ingest.add(len(data))
        try:
            await process.write(data)
        except FfmpegError as error:
            self._lifecycle.schedule_end(self._session, "the transcoder stopped accepting input")
            raise StreamEnded(f"the transcoder stopped: {error}") from None

    def update_metadata(self, metadata: dict[str, Any]) -> None:
        session = self._session
        session.broadcaster = Broadcaster(
            remote_addr=session.broadcaster.remote_addr,
            connected_at=session.broadcaster.connected_at,
            metadata=dict(metadata),
        )

    async def close(self) -> None:
        # Shielded: the RTMP connection may be cancelled (server shutdown) while ffmpeg is still flushing;
        # the ending must finish anyway or ffmpeg and the session are left half torn down.
        await asyncio.shield(self._lifecycle.schedule_end(self._session, "the publisher disconnected"))


class StreamLifecycle:
    def __init__(
        self,
        settings: Settings,
        config: ConfigService,
        stats: StreamStats,
        bus: EventBus,
        clock: Clock,
        logo: LogoStore,
        disk_full: DiskFullReporter | None = None,
    ) -> None:
        self._settings = settings
        self._config = config
        self._stats = stats
        self._bus = bus
        self._clock = clock
        self._logo = logo
        self._state = StreamState.OFFLINE
        self._session: _LiveSession | None = None
        self._end_lock = asyncio.Lock()
        self._background: set[asyncio.Task[None]] = set()
        self._offline_cleanup: asyncio.TimerHandle | None = None
        # For the metrics: bytes received from broadcasters, transcoders started and failed.
        self.ingest = IngestMeter(clock.monotonic)
        self.transcoder_starts = 0
        self.transcoder_failures = 0
        self._disk_full = disk_full or DiskFullReporter(log)

    # --- state, for the API ---------------------------------------------------------------------------
    @property
    def state(self) -> StreamState:
        return self._state

    @property
    def online(self) -> bool:
        return self._state is StreamState.ONLINE

    @property
    def connected(self) -> bool:
        return self._session is not None and not self._session.ending

    @property
    def broadcaster(self) -> Broadcaster | None:
        return self._session.broadcaster if self.connected and self._session else None

    @property
    def segment_storage(self) -> StreamStorage | None:
        """The live stream's storage (decides what `/hls/…` serves locally); None when offline."""
        return self._session.storage if self._session else None

    @property
    def current_broadcast(self) -> Broadcast | None:
        return self._session.broadcast if self.connected and self._session else None

    async def discard_previous_run(self) -> None:
        """At start-up, before any publisher: remove what an earlier run left (after a crash, its live
        playlists and segments, its thumbnail and preview), so `/hls/stream.m3u8` answers 404 and the logo
        stands in while offline, exactly as after a clean stop."""
        await asyncio.to_thread(wipe_hls_dir, self._settings.hls_path)
        await self._logo.reset_thumbnail()

    # --- the publish gate -----------------------------------------------------------------------------
    async def open_publish(self, request: PublishRequest) -> StreamSink | PublishRefusal:
        # Clients split `rtmp://host/live/a/b` as app `live/a`, name `b`: rebuild the whole path so a
        # stream key containing `/` works and only `/live/<whole key>` is accepted (Owncast's rule).
        # The RTMP server logs the refusal (one line, never the key) and tells the encoder which it was.
        path = f"{request.app.strip('/')}/{request.stream_key}"
        prefix = LIVE_APP + "/"
        if not path.startswith(prefix):
            return PublishRefusal.UNKNOWN_APPLICATION
        if not stream_key_matches(path[len(prefix) :], self._config.current.stream_key):
            return PublishRefusal.WRONG_STREAM_KEY
        if self._state is not StreamState.OFFLINE:
            return PublishRefusal.ALREADY_LIVE
        self._state = StreamState.STARTING
        try:
            session = await self._start(request)
        except Exception:
            log.exception("could not start the stream from %s", request.remote_addr)
            self._state = StreamState.OFFLINE
            return PublishRefusal.START_FAILED
        return _PublisherSink(self, session)

    async def _start(self, request: PublishRequest) -> _LiveSession:
        if self._offline_cleanup is not None:
            self._offline_cleanup.cancel()
            self._offline_cleanup = None
        config = self._config.current
        stream_id = secrets.token_urlsafe(6)
        latency = latency_for(config.video_latency_level)
        variants = config.video_variants
        hls_dir = self._settings.hls_path
        await asyncio.to_thread(wipe_hls_dir, hls_dir)
        ffmpeg_path = resolve_ffmpeg_path(config.ffmpeg_path)
        job = TranscodeJob(
            ffmpeg_path=ffmpeg_path,
            variants=variants,
            latency_level=config.video_latency_level,
            codec=config.video_codec,
            output_dir=hls_dir,
            session_id=stream_id,
        )
        now = self._clock.now()
        session = _LiveSession(
            broadcast=Broadcast(stream_id, variants, config.video_latency_level),
            broadcaster=Broadcaster(remote_addr=request.remote_addr, connected_at=now),
            job=job,
        )
        # Storage (local or S3, settings re-read now) listens for the watcher's events: start it first.
        session.storage = await open_stream_storage(
            config.s3, hls_dir, len(variants), self._bus, self._settings.timings
        )
        session.watcher = HlsOutputWatcher(
            hls_dir,
            len(variants),
            on_segment=lambda event: self._segment_written(session, event),
            on_playlist=lambda event: self._playlist_written(session, event),
            poll_interval=self._settings.timings.hls_poll_interval,
        )
        session.watcher.start()
        session.thumbnails = ThumbnailGenerator(
            ffmpeg_path,
            hls_dir,
            best_variant_index(variants),
            self._settings.data_dir,
            interval=self._settings.timings.thumbnail_interval,
        )
        self._session = session
        await self._stats.stream_connected()
        grace = self._settings.timings.online_grace
        if grace is None:
            grace = latency.online_grace
        session.tasks.append(asyncio.create_task(self._go_online_after(session, grace), name="stream:online"))
        log.info("stream %s started from %s", stream_id, request.remote_addr)
        self._bus.publish(StreamStarted(stream_id=stream_id, started_at=now))
        return session

    def _segment_written(self, session: _LiveSession, event: SegmentWritten) -> None:
        if not session.first_segment_seen and session.thumbnails is not None:
            session.first_segment_seen = True
            session.thumbnails.start()
        session.note_output(event.variant_index)
        self._bus.publish(event)

    def _playlist_written(self, session: _LiveSession, event: PlaylistWritten) -> None:
        if event.variant_index == MASTER_INDEX:
            session.note_output(MASTER_INDEX)
        self._bus.publish(event)

    async def _go_online_after(self, session: _LiveSession, grace: float) -> None:
        """Online means playable: the grace period (Owncast's delay) has passed AND the master playlist
        and a segment of every variant exist. The master offers every variant and a player may pick any
        one; ffmpeg cuts them all at the same moments, so waiting for all costs at most one poll. If
        ffmpeg dies first (it rejected the input), the ending cancels this task: never online."""
        await asyncio.sleep(grace)
        if not session.playable.is_set():
            log.info(
                "stream %s: waiting for the first segments before going online", session.broadcast.stream_id
            )
            await session.playable.wait()
        if self._session is session and not session.ending:
            self._state = StreamState.ONLINE
            self._stats.stream_online()
            log.info("stream %s is online", session.broadcast.stream_id)
            self._bus.publish(StreamOnline(stream_id=session.broadcast.stream_id))

    async def start_transcoder(self, session: _LiveSession) -> FfmpegProcess:
        """Start ffmpeg at the first media write, once the metadata has said whether there is audio."""
        async with session.starting_transcoder:
            if session.process is not None:
                return session.process
            if session.ending:
                raise StreamEnded("the stream has ended")
            metadata = session.broadcaster.metadata
            has_audio = not metadata or "audiocodecid" in metadata
            process = FfmpegProcess(replace(session.job, has_audio=has_audio))
            try:
                await process.start()
            except FfmpegError as error:
                self.schedule_end(session, "the transcoder could not start")
                raise StreamEnded(f"the transcoder could not start: {error}") from None
            session.process = process
            self.transcoder_starts += 1
            session.tasks.append(
                asyncio.create_task(self._watch_transcoder(session, process), name="stream:ffmpeg-exit")
            )
            return process

    async def _watch_transcoder(self, session: _LiveSession, process: FfmpegProcess) -> None:
        code = await process.wait(None)
        if not session.ending:
            self.transcoder_failures += 1
            log.error("the transcoder exited on its own (code %s); ending the stream", code)
            self.schedule_end(session, "the transcoder exited")

    # --- ending ---------------------------------------------------------------------------------------
    def schedule_end(self, session: _LiveSession, reason: str) -> asyncio.Task[None]:
        return self.schedule_background(self.end(session, reason), name="stream:end")

    async def disconnect(self) -> bool:
        """Admin disconnect: end the inbound stream. False when none is connected."""
        session = self._session
        if session is None or session.ending:
            return False
        await asyncio.shield(self.schedule_end(session, "an admin disconnected the stream"))
        return True

    async def end(self, session: _LiveSession, reason: str) -> None:
        async with self._end_lock:
            if session.ending:
                return
            session.ending = True
            self._state = StreamState.ENDING
            log.info("stream %s ending: %s", session.broadcast.stream_id, reason)
            current = asyncio.current_task()
            for task in session.tasks:
                if task is not current:
                    task.cancel()
            try:
                await self._tear_down(session)
            except Exception:
                # Logged here so the stream's end is still announced below.
                log.exception("tearing down stream %s failed", session.broadcast.stream_id)
            finally:
                # Whatever failed above (and was logged), the server must be able to take the next stream.
                self._session = None
                self._state = StreamState.OFFLINE
                session.ended.set()
                stopped_at = self._clock.now()
                self._schedule_offline_cleanup()
        self._bus.publish(StreamStopped(stream_id=session.broadcast.stream_id, stopped_at=stopped_at))
        log.info("stream %s is offline", session.broadcast.stream_id)

    async def _tear_down(self, session: _LiveSession) -> None:
        async with session.starting_transcoder:
            if session.process is not None:
                await session.process.stop(self._settings.timings.ffmpeg_stop_timeout)
        if session.thumbnails is not None:
            await session.thumbnails.stop()
        if session.watcher is not None:
            await session.watcher.stop()
            try:
                await session.watcher.finalize()
            except OSError as error:
                # Without `#EXT-X-ENDLIST` players stop on their own; the master must go regardless.
                if not is_disk_full(error):
                    raise
                self._disk_full.report("ending the variant playlists", error)
        if session.storage is not None:
            await session.storage.stop()  # uploads the final playlists when S3 is on
        await asyncio.to_thread(self._remove_master_playlist)
        await self._logo.reset_thumbnail()
        await self._stats.stream_disconnected()

    def _remove_master_playlist(self) -> None:
        (self._settings.hls_path / "stream.m3u8").unlink(missing_ok=True)

    def _schedule_offline_cleanup(self) -> None:
        def wipe() -> None:
            self._offline_cleanup = None
            if self._state is StreamState.OFFLINE:
                self.schedule_background(asyncio.to_thread(wipe_hls_dir, self._settings.hls_path))

        delay = self._settings.timings.offline_cleanup_delay
        self._offline_cleanup = asyncio.get_running_loop().call_later(delay, wipe)

    def schedule_background(
        self, coroutine: Awaitable[Any], name: str = "stream:background"
    ) -> asyncio.Task[None]:
        """Run `coroutine` as an owned task; `stop()` waits for it, failures are logged."""

        async def run() -> None:
            try:
                await coroutine
            except Exception:
                log.exception("background stream task %s failed", name)

        task = asyncio.get_running_loop().create_task(run(), name=name)
        self._background.add(task)
        task.add_done_callback(self._background.discard)
        return task

    async def stop(self) -> None:
        """Shutdown: end any live stream (ffmpeg finishes its last segment), then wait for stragglers."""
        if self._offline_cleanup is not None:
            self._offline_cleanup.cancel()
            self._offline_cleanup = None
        session = self._session
        if session is not None:
            await self.end(session, "the server is shutting down")
        if self._background:
            # An ending under way may still be waiting for ffmpeg (its own timeouts: stop, then TERM, KILL).
            await asyncio.wait(
                list(self._background), timeout=2 * self._settings.timings.ffmpeg_stop_timeout + 5
            )

    def hls_dir(self) -> Path:
        return self._settings.hls_path

    def connected_since(self) -> datetime | None:
        return self._session.broadcaster.connected_at if self._session else None
