"""The stream lifecycle: offline → starting → online (after the grace period) → ending → offline.

This service is the `PublishGate` the RTMP server asks on every publish, and the only publisher of
`StreamStarted`, `StreamOnline`,
`StreamEnding` and `StreamStopped`. It conducts the per-stream outputs the composition
root gives it: for each accepted publisher it starts them all through one `MediaFanout`, hands the RTMP
server a sink that feeds it, and stops them all when the stream ends. The primary output (HLS) decides
when the stream is playable, and its failure ends the stream; any other output that fails is left out.
"""

from __future__ import annotations

import asyncio
import enum
import functools
import logging
import secrets
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ownstream.auth.stream_key import stream_key_matches
from ownstream.clock import Clock
from ownstream.config.model import RuntimeConfig
from ownstream.events import (
    EventBus,
    StreamDisconnectRequested,
    StreamEnding,
    StreamOnline,
    StreamStarted,
    StreamStopped,
)
from ownstream.hls_storage.backend import StreamStorage
from ownstream.ingest.flv import FlvTag
from ownstream.ingest.publish import PublishClosed, PublishRefusal, PublishRequest, StreamSink
from ownstream.outputs.fanout import MediaFanout
from ownstream.outputs.protocol import OutputStatus, PrimaryOutput, StreamContext, StreamOutput
from ownstream.settings import Timings
from ownstream.stream.broadcaster import Broadcaster
from ownstream.stream.ingest_meter import IngestMeter
from ownstream.stream.stats import StreamStats
from ownstream.transcode.variants import StreamVariant

log = logging.getLogger(__name__)

LIVE_APP = "live"


class StreamState(enum.Enum):
    OFFLINE = "offline"
    STARTING = "starting"
    ONLINE = "online"
    ENDING = "ending"


class StreamEnded(PublishClosed):
    """Raised to the RTMP server when it writes to a stream that has already ended."""


class CurrentConfig(Protocol):
    """Where the lifecycle reads the runtime configuration (the `ConfigService`)."""

    @property
    def current(self) -> RuntimeConfig: ...


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
    fanout: MediaFanout

    def __init__(self, broadcast: Broadcast, broadcaster: Broadcaster) -> None:
        self.broadcast = broadcast
        self.broadcaster = broadcaster
        self.tasks: list[asyncio.Task[None]] = []
        self.ended = asyncio.Event()
        self.ending = False


class _PublisherSink:
    """The RTMP server's view of one live session."""

    def __init__(self, lifecycle: StreamLifecycle, session: _LiveSession) -> None:
        self._lifecycle = lifecycle
        self._session = session

    async def write(self, tags: Sequence[FlvTag]) -> None:
        session = self._session
        if session.ending:
            raise StreamEnded("the stream has ended")
        size = sum([len(tag.data) for tag in tags])
        self._lifecycle.ingest.add(size)
        session.fanout.publish(tags, size)
        await session.fanout.wait_for_room()

    def update_metadata(self, metadata: dict[str, Any]) -> None:
        session = self._session
        session.broadcaster = Broadcaster(
            remote_addr=session.broadcaster.remote_addr,
            connected_at=session.broadcaster.connected_at,
            metadata=dict(metadata),
        )

    async def close(self) -> None:
        # Shielded: the RTMP connection may be cancelled (server shutdown) while ffmpeg is still flushing;
        # the ending must finish anyway or the outputs and the session are left half torn down.
        await asyncio.shield(self._lifecycle.schedule_end(self._session, "the publisher disconnected"))


class StreamLifecycle:
    def __init__(
        self,
        timings: Timings,
        config: CurrentConfig,
        stats: StreamStats,
        bus: EventBus,
        clock: Clock,
        primary: PrimaryOutput,
        others: Sequence[StreamOutput] = (),
    ) -> None:
        self._timings = timings
        self._config = config
        self._stats = stats
        self._bus = bus
        self._clock = clock
        self._primary = primary
        self._outputs: tuple[StreamOutput, ...] = (primary, *others)
        self._state = StreamState.OFFLINE
        self._session: _LiveSession | None = None
        self._end_lock = asyncio.Lock()
        self._background: set[asyncio.Task[None]] = set()
        self._offline_cleanup: asyncio.TimerHandle | None = None
        # For the metrics: bytes received from broadcasters (transcoder starts and failures: below).
        self.ingest = IngestMeter(clock.monotonic)
        self._online_elsewhere = False
        """A web process: the media process's stream is online (heard on the bus)."""
        self._unfollow: list[Callable[[], None]] = []

    # --- state, for the API ---------------------------------------------------------------------------
    @property
    def state(self) -> StreamState:
        return self._state

    @property
    def online(self) -> bool:
        return self._state is StreamState.ONLINE or self._online_elsewhere

    def follow_elsewhere(self) -> None:
        """A web process: online while the media process's stream is (from the bus), and an admin's
        disconnect asked here goes to the media process."""
        self._unfollow = [
            self._bus.subscribe_elsewhere(StreamOnline, self._went_online_elsewhere),
            self._bus.subscribe_elsewhere(StreamEnding, self._went_offline_elsewhere),
            self._bus.subscribe_elsewhere(StreamStopped, self._went_offline_elsewhere),
        ]

    def obey_elsewhere(self) -> None:
        """The media process: an admin's disconnect asked of a web process ends the stream here."""
        self._unfollow.append(
            self._bus.subscribe_elsewhere(StreamDisconnectRequested, self._disconnect_asked)
        )

    def _went_online_elsewhere(self, _event: StreamOnline) -> None:
        self._online_elsewhere = True

    def _went_offline_elsewhere(self, _event: StreamEnding | StreamStopped) -> None:
        self._online_elsewhere = False

    async def _disconnect_asked(self, _event: StreamDisconnectRequested) -> None:
        await self.disconnect()

    @property
    def connected(self) -> bool:
        return self._session is not None and not self._session.ending

    @property
    def broadcaster(self) -> Broadcaster | None:
        return self._session.broadcaster if self.connected and self._session else None

    @property
    def segment_storage(self) -> StreamStorage | None:
        """The live stream's storage (decides what `/hls/…` serves locally); None when offline."""
        return self._primary.segment_storage

    @property
    def current_broadcast(self) -> Broadcast | None:
        return self._session.broadcast if self.connected and self._session else None

    @property
    def transcoder_starts(self) -> int:
        return self._primary.starts

    @property
    def transcoder_failures(self) -> int:
        return self._primary.failures

    def output_statuses(self) -> list[OutputStatus]:
        """The current stream's outputs (empty while offline)."""
        return self._session.fanout.statuses() if self._session is not None else []

    async def discard_previous_run(self) -> None:
        """At start-up, before any publisher: every output removes what an earlier run left (after a
        crash, the live playlists and segments, the thumbnail and preview), so `/hls/stream.m3u8` answers
        404 and the logo stands in while offline, exactly as after a clean stop."""
        for output in self._outputs:
            await output.discard()

    # --- the publish gate -----------------------------------------------------------------------------
    async def open_publish(self, request: PublishRequest) -> StreamSink | PublishRefusal:
        # Clients split `rtmp://host/live/a/b` as app `live/a`, name `b`: rebuild the whole path so a
        # stream key containing `/` works and only `/live/<whole key>` is accepted (Owncast's rule).
        # The RTMP server logs the refusal (one line, never the key) and tells the encoder which it was.
        path = f"{request.app.strip('/')}/{request.stream_key}"
        prefix = LIVE_APP + "/"
        if not path.startswith(prefix):
            return PublishRefusal.UNKNOWN_APPLICATION
        offered = path[len(prefix) :]
        matched = False
        for key in self._config.current.publishing_keys():
            matched |= stream_key_matches(offered, key)  # every key compared: no early exit to time
        if not matched:
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
        now = self._clock.now()
        session = _LiveSession(
            broadcast=Broadcast(stream_id, config.video_variants, config.video_latency_level),
            broadcaster=Broadcaster(remote_addr=request.remote_addr, connected_at=now),
        )
        fanout = session.fanout = MediaFanout(
            StreamContext(stream_id=stream_id, started_at=now, config=config),
            stall_timeout=self._timings.output_stall_timeout,
            on_failure=functools.partial(self._output_failed, session),
        )
        try:
            await fanout.add(self._primary)  # its failure to start refuses the publisher
            for output in self._outputs[1:]:
                try:
                    await fanout.add(output)
                except Exception:
                    log.exception("output %s could not start; the stream goes on without it", output.name)
        except BaseException:
            await fanout.stop()
            raise
        self._session = session
        await self._stats.stream_connected()
        grace = self._timings.online_grace
        if grace is None:
            grace = self._primary.online_grace
        session.tasks.append(asyncio.create_task(self._go_online_after(session, grace), name="stream:online"))
        log.info("stream %s started from %s", stream_id, request.remote_addr)
        self._bus.publish(StreamStarted(stream_id=stream_id, started_at=now))
        return session

    async def start_output(self, output: StreamOutput) -> bool:
        """Start `output` for the live stream now, or again after it failed (a simulcast target switched
        on, or reconnecting): it joins at the next keyframe. False when no stream is live."""
        session = self._session
        if session is None or session.ending:
            return False
        await session.fanout.add(output)
        return True

    async def stop_output(self, output: StreamOutput) -> bool:
        """Stop `output` for the rest of the live stream (a simulcast target switched off); the stream and
        the other outputs go on. False when no stream is live or the output is not part of it."""
        session = self._session
        if session is None or session.ending or output is self._primary:
            return False
        return await session.fanout.remove(output)

    def _output_failed(self, session: _LiveSession, output: StreamOutput, reason: str) -> None:
        if session.ending:
            return
        if output is self._primary:
            self.schedule_end(session, reason)
        else:
            log.error("output %s failed (%s); the stream goes on without it", output.name, reason)

    async def _go_online_after(self, session: _LiveSession, grace: float) -> None:
        """Online means playable: the grace period (Owncast's delay; none for low-latency HLS) has passed
        AND the primary output says viewers can play (HLS: the master playlist and a whole segment of
        every variant exist). If the transcoder dies first (it rejected the input), the ending cancels
        this task: never online."""
        await asyncio.sleep(grace)
        if not self._primary.playable:
            log.info(
                "stream %s: waiting for the first segments before going online", session.broadcast.stream_id
            )
            await self._primary.wait_playable()
        if self._session is session and not session.ending:
            self._state = StreamState.ONLINE
            self._stats.stream_online()
            log.info("stream %s is online", session.broadcast.stream_id)
            self._bus.publish(StreamOnline(stream_id=session.broadcast.stream_id))

    # --- ending ---------------------------------------------------------------------------------------
    def schedule_end(self, session: _LiveSession, reason: str) -> asyncio.Task[None]:
        return self.schedule_background(self.end(session, reason), name="stream:end")

    async def disconnect(self) -> bool:
        """Admin disconnect: end the inbound stream. False when none is connected."""
        session = self._session
        if session is None and self._online_elsewhere:
            self._bus.publish(StreamDisconnectRequested())
            return True
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
            self._bus.publish(StreamEnding(stream_id=session.broadcast.stream_id))
            current = asyncio.current_task()
            for task in session.tasks:
                if task is not current:
                    task.cancel()
            try:
                await session.fanout.stop()
                await self._stats.stream_disconnected()
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

    def _schedule_offline_cleanup(self) -> None:
        """Still offline after the delay: the outputs clear their folders (the ended playlists go)."""

        def discard() -> None:
            self._offline_cleanup = None
            if self._state is StreamState.OFFLINE:
                for output in self._outputs:
                    self.schedule_background(output.discard(), name=f"stream:discard {output.name}")

        delay = self._timings.offline_cleanup_delay
        self._offline_cleanup = asyncio.get_running_loop().call_later(delay, discard)

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
        for unfollow in self._unfollow:
            unfollow()
        self._unfollow = []
        if self._offline_cleanup is not None:
            self._offline_cleanup.cancel()
            self._offline_cleanup = None
        session = self._session
        if session is not None:
            await self.end(session, "the server is shutting down")
        if self._background:
            # An ending under way may still be feeding or waiting for its outputs (each has its own
            # timeouts: the last media, ffmpeg's stop, then TERM, KILL).
            timings = self._timings
            await asyncio.wait(
                list(self._background),
                timeout=timings.output_stall_timeout + 2 * timings.ffmpeg_stop_timeout + 5,
            )

    def connected_since(self) -> datetime | None:
        return self._session.broadcaster.connected_at if self._session else None
