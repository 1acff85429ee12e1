"""One forwarding ffmpeg: the stream in (FLV on stdin, or a video variant's HLS playlist), `-c copy` out
to one RTMP/RTMPS destination; its `-progress` reports and stderr read as they come.

The process runs in its own process group and `stop()` always leaves it dead: stdin closed (or SIGTERM
for a playlist input) so ffmpeg ends the RTMP stream properly, then SIGTERM, then SIGKILL. Fed from
stdin, it also ends on its own when the server dies (the pipe closes).

Every stderr line goes to `transcoder.log` (the `ownstream.transcoder` logger, as the HLS transcoder's),
with the stream key masked. The URL, key included, is on ffmpeg's command line: like any process
argument it is visible to other local users of the machine unless `/proc` is mounted with `hidepid=2`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import ssl
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from ownstream.simulcast.destinations import DestinationUrl
from ownstream.simulcast.ffmpeg_output import Progress, ProgressParser, StderrLine, read_stderr_line

log = logging.getLogger(__name__)
stderr_log = logging.getLogger("ownstream.transcoder")

PROGRESS_PERIOD: Final = 0.5
"""Seconds between ffmpeg's `-progress` reports."""
PROBE_BYTES: Final = 256 * 1024
CAUSE_WINDOW: Final = 2.0
"""Seconds before ffmpeg's last message within which its first message is taken as the cause."""
_TERM_GRACE: Final = 2.0
_READ_CHUNK: Final = 4096


class ForwarderGone(Exception):
    """ffmpeg is not running (any more): nothing more can be written to it."""


@dataclass(frozen=True)
class ForwarderJob:
    ffmpeg_path: str
    url: DestinationUrl
    label: str
    """How log lines name the destination (never its key)."""
    playlist: Path | None = None
    """None: FLV on stdin (the source, copied). Else the HLS playlist of the video variant to send."""
    ca_file: str | None = None
    """The CA bundle RTMPS destinations are verified against (None: ffmpeg's own default)."""


def forwarder_args(job: ForwarderJob) -> list[str]:
    args = [job.ffmpeg_path, "-hide_banner", "-nostdin", "-loglevel", "warning"]
    if job.playlist is None:
        # The stream starts with its metadata and codec configurations, so a short probe finds both
        # streams; the default (5 MB) held a restart ~2 s at 8 Mbit/s (bench/simulcast_cpu.py).
        args += ["-probesize", str(PROBE_BYTES), "-analyzeduration", "1000000", "-f", "flv", "-i", "pipe:0"]
    else:
        # The newest segment first (a live start, not the whole window), then each new one as it comes.
        args += ["-live_start_index", "-1", "-i", str(job.playlist)]
    args += ["-map", "0:v?", "-map", "0:a?", "-c", "copy", "-flvflags", "no_duration_filesize"]
    if job.url.secure and job.ca_file:
        args += ["-ca_file", job.ca_file]
    args += ["-progress", "pipe:1", "-stats_period", str(PROGRESS_PERIOD), "-f", "flv", job.url.full]
    return args


class ForwarderProcess:
    """Owns one ffmpeg and the tasks reading its stdout (progress) and stderr."""

    def __init__(
        self,
        job: ForwarderJob,
        monotonic: Callable[[], float],
        on_progress: Callable[[Progress], None] | None = None,
        *,
        remembered_lines: int = 10,
    ) -> None:
        self.job = job
        self._monotonic = monotonic
        self._on_progress = on_progress
        self._process: asyncio.subprocess.Process | None = None
        self._readers: list[asyncio.Task[None]] = []
        self._exit: asyncio.Task[int] | None = None
        self.total_size = 0
        self.last_growth = 0.0
        """When the bytes sent last grew (monotonic), or when ffmpeg started."""
        self.refused = False
        self._refusal: str | None = None
        self.recent: deque[tuple[float, str]] = deque(maxlen=remembered_lines)
        """The last stderr lines worth showing, with when they came."""
        self._signalled = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    @property
    def returncode(self) -> int | None:
        return self._process.returncode if self._process is not None else None

    async def start(self) -> None:
        """Start ffmpeg; `ForwarderGone` when it cannot be run at all."""
        if self._process is not None:
            raise RuntimeError("this forwarder was already started")
        stdin = asyncio.subprocess.PIPE if self.job.playlist is None else asyncio.subprocess.DEVNULL
        try:
            process = await asyncio.create_subprocess_exec(
                *forwarder_args(self.job),
                stdin=stdin,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.PIPE,
                start_new_session=True,
            )
        except OSError as error:
            raise ForwarderGone(
                f"cannot start ffmpeg ({self.job.ffmpeg_path}): {error.strerror or error}"
            ) from None
        self._process = process
        self.last_growth = self._monotonic()
        loop = asyncio.get_running_loop()
        assert process.stdout is not None and process.stderr is not None
        self._readers = [
            loop.create_task(
                self._read_progress(process.stdout), name=f"simulcast-progress:{self.job.label}"
            ),
            loop.create_task(self._read_stderr(process.stderr), name=f"simulcast-stderr:{self.job.label}"),
        ]
        self._exit = loop.create_task(self._reap(process), name=f"simulcast-ffmpeg:{self.job.label}")
        log.info("simulcast %s: ffmpeg started (pid %d)", self.job.label, process.pid)

    async def write(self, data: bytes) -> None:
        """Feed FLV; waits while ffmpeg's stdin is full (the destination is slow)."""
        process = self._process
        stdin = process.stdin if process is not None else None
        if process is None or stdin is None or stdin.is_closing() or process.returncode is not None:
            raise ForwarderGone(self.describe_exit())
        try:
            stdin.write(data)
            await stdin.drain()
        except (BrokenPipeError, ConnectionResetError):
            raise ForwarderGone(self.describe_exit()) from None

    async def wait(self) -> int:
        """ffmpeg's exit code, once it has exited and its output is read."""
        if self._exit is None:
            raise RuntimeError("the forwarder was not started")
        return await asyncio.shield(self._exit)

    async def stop(self, timeout: float) -> None:
        """End the stream properly if ffmpeg can within `timeout`, else terminate, then kill it."""
        process = self._process
        if process is None or self._exit is None:
            return
        self._signalled = True  # ended by us: its exit is no failure to warn about
        try:
            if process.stdin is not None:
                if not process.stdin.is_closing():
                    process.stdin.close()
            else:
                self._signal(signal.SIGTERM)
            if not await self._exited_within(timeout):
                self._signal(signal.SIGTERM)
                if not await self._exited_within(_TERM_GRACE):
                    log.warning(
                        "simulcast %s: ffmpeg (pid %d) ignored SIGTERM; killing", self.job.label, process.pid
                    )
                    self._signal(signal.SIGKILL)
                    await self._exit
        except BaseException:
            self._signal(signal.SIGKILL)
            raise

    def kill(self) -> None:
        """SIGKILL at once (it stalled); the exit is seen by `wait`."""
        self._signal(signal.SIGKILL)

    async def _exited_within(self, timeout: float) -> bool:
        assert self._exit is not None
        done, _ = await asyncio.wait({self._exit}, timeout=timeout)
        return bool(done)

    def _signal(self, signum: int) -> None:
        process = self._process
        if process is None or process.returncode is not None:
            return
        self._signalled = True
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signum)

    @property
    def last_error(self) -> str | None:
        """What went wrong, in one line: the refusal, or else the first line of ffmpeg's last burst of
        messages (its later lines, "Error opening output files" and the like, are consequences)."""
        if self._refusal is not None:
            return self._refusal
        if not self.recent:
            return None
        burst_start = self.recent[-1][0] - CAUSE_WINDOW
        return next(text for moment, text in self.recent if moment >= burst_start)

    def describe_exit(self) -> str:
        code = self.returncode
        if self.refused and self.last_error:
            return self.last_error
        if code is None:
            return self.last_error or "ffmpeg is not running"
        status = f"ffmpeg was killed by signal {-code}" if code < 0 else f"ffmpeg exited with code {code}"
        return f"{status}: {self.last_error}" if self.last_error else status

    async def _reap(self, process: asyncio.subprocess.Process) -> int:
        code = await process.wait()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.wait(self._readers, timeout=1.0)
        for reader in self._readers:
            reader.cancel()
        if code == 0 or self._signalled:
            log.info(
                "simulcast %s: ffmpeg (pid %d) ended (exit status %d)", self.job.label, process.pid, code
            )
        else:
            log.warning("simulcast %s: %s", self.job.label, self.describe_exit())
        return code

    async def _read_progress(self, stdout: asyncio.StreamReader) -> None:
        parser = ProgressParser()
        while line := await stdout.readline():
            progress = parser.feed(line.decode("utf-8", "replace"))
            if progress is None:
                continue
            if progress.total_size > self.total_size:
                self.total_size = progress.total_size
                self.last_growth = self._monotonic()
            if self._on_progress is not None:
                self._on_progress(progress)

    async def _read_stderr(self, stderr: asyncio.StreamReader) -> None:
        pending = b""
        while chunk := await stderr.read(_READ_CHUNK):
            pending += chunk
            *lines, pending = pending.replace(b"\r", b"\n").split(b"\n")
            for raw in lines:
                self._note(read_stderr_line(raw.decode("utf-8", "replace"), self.job.url))
            if len(pending) > _READ_CHUNK:
                self._note(read_stderr_line(pending.decode("utf-8", "replace"), self.job.url))
                pending = b""
        if pending:
            self._note(read_stderr_line(pending.decode("utf-8", "replace"), self.job.url))

    def _note(self, line: StderrLine) -> None:
        if not line.text:
            return
        stderr_log.info("[simulcast %s] %s", self.job.label, line.text)
        if line.noise:
            return
        self.recent.append((self._monotonic(), line.text))
        if line.refused and not self.refused:
            self.refused = True
            self._refusal = line.text


def default_ca_file() -> str | None:
    """The CA bundle RTMPS destinations are checked against: `SSL_CERT_FILE` when set (OpenSSL's own
    variable), else the system's bundle as Python's `ssl` finds it, else certifi's when installed.

    The bundled (static) ffmpeg cannot be relied on to find the system's certificates by itself."""
    candidates = [os.environ.get("SSL_CERT_FILE")]
    paths = ssl.get_default_verify_paths()
    candidates += [paths.cafile, paths.openssl_cafile]
    for candidate in candidates:
        if candidate and os.path.isfile(candidate):
            return candidate
    try:
        import certifi
    except ImportError:
        return None
    return str(certifi.where())
