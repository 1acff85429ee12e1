"""One simulcast destination as a per-stream output: a forwarding ffmpeg fed by the fan-out (the source,
copied) or reading a video variant's HLS playlist, watched for progress.

The fan-out gives the source pusher its own lossy queue: when it starts or restarts it first gets the FLV
header, `onMetaData` and the codec configurations, then media from the next keyframe; a destination
that is slow or down drops to the next keyframe and never holds up ingest, HLS or the other destinations.

A variant pusher takes no media from the fan-out: it waits for the variant's playlist to have a segment,
then ffmpeg reads the playlist from the newest segment on (`-live_start_index -1`) and follows it. The
destination is then about one segment plus the transcoder's own delay behind the source.

Each run reports to its listener (the destination's supervisor) once it sends data (`forwarder_live`)
and once, when it ends on its own (`forwarder_ended`): ffmpeg exited, it was refused, or nothing was sent
for the stall timeout (then it is killed). A run ended by `stop()` reports nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Protocol

from ownstream.hls.playlist import PLAYLIST_NAME
from ownstream.ingest.flv import FlvTag
from ownstream.outputs.protocol import OutputFailed, OutputHealth, QueuePolicy, StreamContext
from ownstream.simulcast.destinations import Destination
from ownstream.simulcast.ffmpeg_output import Progress
from ownstream.simulcast.forwarder import ForwarderGone, ForwarderJob, ForwarderProcess
from ownstream.transcode.ffmpeg_binary import resolve_ffmpeg_path

log = logging.getLogger(__name__)

QUEUE_BYTES: Final = 4 * 1024 * 1024
"""About four seconds of an 8 Mbit/s stream waiting for a destination before it drops to a keyframe."""
BITRATE_WINDOW: Final = 5.0
"""Seconds of progress reports the shown bitrate averages over."""
_TICK: Final = 0.5


class ForwarderListener(Protocol):
    def forwarder_live(self, output: DestinationOutput) -> None: ...

    def forwarder_ended(self, output: DestinationOutput, reason: str, refused: bool) -> None: ...


@dataclass(frozen=True)
class ForwarderSettings:
    hls_dir: Path
    """The primary output's folder: a variant's playlist is `<hls_dir>/<index>/stream.m3u8`."""
    stall_timeout: float
    stop_timeout: float
    ca_file: str | None
    monotonic: Callable[[], float]


def variant_playlist(hls_dir: Path, index: int) -> Path:
    return hls_dir / str(index) / PLAYLIST_NAME


@dataclass(eq=False)
class _Run:
    stream: StreamContext
    process: ForwarderProcess | None = None
    watch: asyncio.Task[None] | None = None
    live: bool = False
    stopping: bool = False
    reported: bool = False
    stalled: str | None = None
    """Why the watchdog killed ffmpeg; the reason reported, whichever of the write or the watch sees the
    exit first."""
    samples: deque[tuple[float, int]] = field(default_factory=lambda: deque(maxlen=64))


class DestinationOutput:
    """A `StreamOutput` for one destination; started again by its supervisor after each failure."""

    directory = None

    def __init__(
        self, destination: Destination, settings: ForwarderSettings, listener: ForwarderListener
    ) -> None:
        self.destination = destination
        self.name = f"simulcast:{destination.id}"
        self.queue = QueuePolicy(max_bytes=QUEUE_BYTES) if destination.variant is None else None
        self._settings = settings
        self._listener = listener
        self._run: _Run | None = None
        self.bytes_sent_before = 0
        """Bytes sent by the earlier runs of this output."""

    # --- StreamOutput ---------------------------------------------------------------------------------
    async def start(self, stream: StreamContext) -> None:
        run = self._run = _Run(stream)
        if self.destination.variant is None:
            await self._start_process(run, None)
        run.watch = asyncio.get_running_loop().create_task(self._watch(run), name=f"{self.name}:watch")

    async def write(self, tags: Sequence[FlvTag]) -> None:
        run = self._run
        process = run.process if run is not None else None
        if run is None or process is None or run.stopping:
            raise OutputFailed("the forwarder is not running")
        try:
            await process.write(b"".join([tag.data for tag in tags]))
        except ForwarderGone:
            # Reaped first, so the reason says how ffmpeg ended (and it is reported before we detach).
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._settings.stop_timeout):
                    await process.wait()
            reason = run.stalled or process.describe_exit()
            self._report_end(run, reason, refused=run.stalled is None and process.refused)
            raise OutputFailed(reason) from None

    async def stop(self) -> None:
        run = self._run
        if run is None or run.stopping:
            return
        run.stopping = True
        if run.process is not None:
            self.bytes_sent_before += run.process.total_size
        try:
            if run.process is not None:
                await run.process.stop(self._settings.stop_timeout)
        finally:
            if run.watch is not None:
                run.watch.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await run.watch

    def health(self) -> OutputHealth:
        run = self._run
        process = run.process if run is not None else None
        if run is None or run.stopping:
            return OutputHealth(True, "not running")
        if process is None:
            return OutputHealth(True, "waiting for the variant's first segment")
        if process.running:
            return OutputHealth(True, f"ffmpeg running (pid {process.pid})")
        return OutputHealth(False, process.describe_exit())

    async def discard(self) -> None:
        return None

    # --- for the supervisor ---------------------------------------------------------------------------
    @property
    def pid(self) -> int | None:
        run = self._run
        return run.process.pid if run is not None and run.process is not None else None

    @property
    def bytes_sent(self) -> int:
        run = self._run
        current = (
            run.process.total_size if run is not None and run.process is not None and not run.stopping else 0
        )
        return self.bytes_sent_before + current

    def bitrate(self) -> float:
        """Bits per second sent over the last few seconds (0 when not sending)."""
        run = self._run
        if run is None or run.stopping or len(run.samples) < 2:
            return 0.0
        now = self._settings.monotonic()
        recent = [sample for sample in run.samples if now - sample[0] <= BITRATE_WINDOW]
        if len(recent) < 2 or recent[-1][0] <= recent[0][0]:
            return 0.0
        return (recent[-1][1] - recent[0][1]) * 8 / (recent[-1][0] - recent[0][0])

    # --- the run --------------------------------------------------------------------------------------
    async def _start_process(self, run: _Run, playlist: Path | None) -> None:
        destination = self.destination
        job = ForwarderJob(
            ffmpeg_path=resolve_ffmpeg_path(run.stream.config.ffmpeg_path),
            url=destination.url,
            label=str(destination.id),
            playlist=playlist,
            ca_file=self._settings.ca_file,
        )
        process = ForwarderProcess(
            job, self._settings.monotonic, lambda progress: self._progress(run, progress)
        )
        try:
            await process.start()
        except ForwarderGone as error:
            raise OutputFailed(str(error)) from None
        run.process = process

    def _progress(self, run: _Run, progress: Progress) -> None:
        if run.stopping:
            return
        run.samples.append((self._settings.monotonic(), progress.total_size))
        if progress.total_size > 0 and not run.live:
            run.live = True
            self._listener.forwarder_live(self)

    async def _watch(self, run: _Run) -> None:
        """Wait for the variant's playlist (variant mode), then for ffmpeg's exit; kill it if it stalls."""
        settings = self._settings
        try:
            if run.process is None:
                reason = await self._wait_for_playlist(run)
                if reason is not None:
                    self._report_end(run, reason, refused=True)
                    return
            process = run.process
            assert process is not None
            exited = asyncio.ensure_future(process.wait())
            while not exited.done():
                await asyncio.wait({exited}, timeout=_TICK)
                if exited.done():
                    break
                if (
                    run.stalled is None
                    and settings.monotonic() - process.last_growth > settings.stall_timeout
                ):
                    # Set before the kill: the fan-out's next write sees the broken pipe and may report first.
                    run.stalled = f"nothing was sent for {settings.stall_timeout:.0f} s (stalled)"
                    log.warning(
                        "simulcast %s: nothing sent for %.0f s; killing its ffmpeg to start again",
                        self.destination.id,
                        settings.stall_timeout,
                    )
                    process.kill()
            if run.stalled is not None:
                self._report_end(run, run.stalled)
            else:
                self._report_end(run, process.describe_exit(), refused=process.refused)
        except OutputFailed as error:
            self._report_end(run, str(error))

    async def _wait_for_playlist(self, run: _Run) -> str | None:
        """Start ffmpeg on the variant's playlist once it has a segment; the reason when it cannot."""
        index = self.destination.variant
        assert index is not None
        count = len(run.stream.config.video_variants)
        if index >= count:
            return f"this stream has no video variant {index} (it has {count}): edit the destination"
        playlist = variant_playlist(self._settings.hls_dir, index)
        deadline = self._settings.monotonic() + max(self._settings.stall_timeout, 30.0)
        while not await asyncio.to_thread(_has_segment, playlist):
            if self._settings.monotonic() > deadline:
                raise OutputFailed(f"video variant {index} wrote no segment; is the transcoder running?")
            await asyncio.sleep(_TICK)
        await self._start_process(run, playlist)
        return None

    def _report_end(self, run: _Run, reason: str, *, refused: bool = False) -> None:
        if run.reported or run.stopping:
            return
        run.reported = True
        run.stream.fail(reason)
        self._listener.forwarder_ended(self, reason, refused)


def _has_segment(playlist: Path) -> bool:
    try:
        return "#EXTINF" in playlist.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
