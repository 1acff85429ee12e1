"""One running ffmpeg: FLV in on stdin, HLS out on disk (or fragmented MP4 into pipes the caller reads),
stderr turned into log lines.

The `write` → `drain` path is the backpressure path: while ffmpeg's stdin pipe is full, `write` waits, and the
RTMP reader that calls it stops reading its socket.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import shlex
import signal
from collections import deque
from collections.abc import Sequence

from ownstream.transcode.arguments import TranscodeJob, build_ffmpeg_args, build_ffmpeg_env
from ownstream.transcode.ffmpeg_messages import Severity, classify_stderr_line

__all__ = ["FfmpegError", "FfmpegProcess", "TranscodeJob"]

log = logging.getLogger(__name__)
stderr_log = logging.getLogger("ownstream.transcoder")
"""Every line ffmpeg writes to stderr; `logsetup` sends it to `<logdir>/transcoder.log` only."""

_STDERR_CHUNK = 4096
_MAX_LINE = 4096
_TERM_GRACE = 2.0


class FfmpegError(RuntimeError):
    """ffmpeg could not be started, or is no longer running when it is fed."""


class FfmpegProcess:
    """Owns one ffmpeg subprocess for a `TranscodeJob`, and the task that reads its stderr.

    ffmpeg runs in its own process group; `stop()` always leaves it dead.
    """

    def __init__(
        self,
        job: TranscodeJob,
        *,
        remembered_lines: int = 20,
        argv: Sequence[str] | None = None,
        pass_fds: Sequence[int] = (),
    ) -> None:
        self.job = job
        self._argv = list(argv) if argv is not None else None
        """The command, when not the HLS muxer's (`build_ffmpeg_args`)."""
        self._pass_fds = tuple(pass_fds)
        """Descriptors ffmpeg inherits (the write ends of its output pipes)."""
        self._process: asyncio.subprocess.Process | None = None
        self._monitor: asyncio.Task[int] | None = None
        self._recent: deque[str] = deque(maxlen=remembered_lines)
        self._reported: set[str] = set()
        self._failure: str | None = None
        self._input_closed = False
        self._signalled = False

    @property
    def pid(self) -> int | None:
        return self._process.pid if self._process is not None else None

    @property
    def returncode(self) -> int | None:
        return self._process.returncode if self._process is not None else None

    @property
    def running(self) -> bool:
        return self._process is not None and self._process.returncode is None

    @property
    def failure_reason(self) -> str | None:
        """The first known fatal problem ffmpeg reported, in plain words."""
        return self._failure

    @property
    def recent_stderr(self) -> list[str]:
        """The last stderr lines (for diagnostics)."""
        return list(self._recent)

    async def start(self) -> None:
        """Create the variant folders and start ffmpeg. Raises `FfmpegError` if it cannot be run."""
        if self._process is not None:
            raise RuntimeError("this ffmpeg process was already started")
        job = self.job
        await asyncio.to_thread(self._create_output_dirs)
        argv = self._argv if self._argv is not None else build_ffmpeg_args(job)
        try:
            self._process = await asyncio.create_subprocess_exec(
                *argv,
                stdin=asyncio.subprocess.PIPE if job.input_path is None else asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=asyncio.subprocess.PIPE,
                env={**os.environ, **build_ffmpeg_env(job)},
                start_new_session=True,
                pass_fds=self._pass_fds,
            )
        except OSError as exc:
            raise FfmpegError(f"cannot start ffmpeg ({job.ffmpeg_path}): {exc.strerror or exc}") from exc
        log.info(
            "ffmpeg started: pid %d, %d variant(s), latency level %d, codec %s, session %s",
            self._process.pid,
            len(job.variants),
            job.latency.level,
            job.video_codec.name,
            job.session_id,
        )
        log.debug("ffmpeg command: %s", shlex.join(argv))
        self._monitor = asyncio.get_running_loop().create_task(
            self._supervise(self._process), name=f"ffmpeg:{job.session_id}"
        )

    def _create_output_dirs(self) -> None:
        for index in range(len(self.job.variants)):
            self.job.variant_dir(index).mkdir(parents=True, exist_ok=True)

    async def write(self, data: bytes) -> None:
        """Feed FLV bytes; waits while ffmpeg's stdin is full. Raises `FfmpegError` once ffmpeg is gone."""
        process = self._started()
        stdin = process.stdin
        if stdin is None or stdin.is_closing() or process.returncode is not None:
            raise FfmpegError(self._gone_message())
        try:
            stdin.write(data)
            await stdin.drain()
        except (BrokenPipeError, ConnectionResetError) as exc:
            raise FfmpegError(self._gone_message()) from exc

    async def close_input(self) -> None:
        """End of input: ffmpeg writes the last segment and exits. Returns once buffered input is flushed.

        Use `stop()` when ffmpeg might not be reading any more; it is bounded by its timeout.
        """
        process = self._started()
        stdin = process.stdin
        if stdin is None:
            return
        self._input_closed = True
        if not stdin.is_closing():
            stdin.close()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            await stdin.wait_closed()

    async def wait(self, timeout: float | None = None) -> int | None:
        """The exit code once ffmpeg has exited (and its stderr is read), or None after `timeout` seconds."""
        monitor = self._monitor
        if monitor is None:
            return None
        try:
            return await asyncio.wait_for(asyncio.shield(monitor), timeout)
        except TimeoutError:
            return None

    async def stop(self, timeout: float = 5.0) -> int | None:
        """Close stdin and let ffmpeg finish; after `timeout` s SIGTERM, then SIGKILL. Never leaves it up."""
        process = self._process
        if process is None:
            return None
        try:
            if process.stdin is None:
                self._signal(signal.SIGTERM)  # file input: ffmpeg ends its output cleanly on SIGTERM
            elif not process.stdin.is_closing():
                self._input_closed = True
                process.stdin.close()
            code = await self.wait(timeout)
            if code is None:
                log.warning(
                    "ffmpeg (pid %d) did not finish within %.1f s; terminating",
                    process.pid,
                    timeout,
                )
                self._signal(signal.SIGTERM)
                code = await self.wait(_TERM_GRACE)
            if code is None:
                log.warning("ffmpeg (pid %d) ignored SIGTERM; killing", process.pid)
                self._signal(signal.SIGKILL)
                code = await self.wait()
            return code
        except BaseException:
            self._signal(signal.SIGKILL)
            raise

    def _signal(self, signum: int) -> None:
        process = self._process
        if process is None or process.returncode is not None:
            return
        self._signalled = True
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signum)

    def _started(self) -> asyncio.subprocess.Process:
        if self._process is None:
            raise RuntimeError("ffmpeg has not been started")
        return self._process

    def _gone_message(self) -> str:
        if self._input_closed and self.running:
            return "ffmpeg's input is already closed"
        code = self.returncode
        status = "ffmpeg has exited" if code is None else f"ffmpeg has exited with code {code}"
        return f"{status}: {self._failure}" if self._failure else status

    async def _supervise(self, process: asyncio.subprocess.Process) -> int:
        """Read stderr to its end, reap the process and log how it ended."""
        try:
            if process.stderr is not None:
                await self._read_stderr(process.stderr)
        except Exception:
            log.exception("reading ffmpeg's stderr failed")
        code = await process.wait()
        self._log_exit(process.pid, code)
        return code

    async def _read_stderr(self, stderr: asyncio.StreamReader) -> None:
        pending = b""
        while chunk := await stderr.read(_STDERR_CHUNK):
            pending += chunk
            *lines, pending = pending.replace(b"\r", b"\n").split(b"\n")
            for line in lines:
                self._handle_line(line)
            if len(pending) > _MAX_LINE:
                self._handle_line(pending)
                pending = b""
        if pending:
            self._handle_line(pending)

    def _handle_line(self, raw: bytes) -> None:
        line = raw.decode("utf-8", "replace").rstrip()
        if line:
            stderr_log.info("[%s] %s", self.job.session_id, line)
        verdict = classify_stderr_line(line)
        if verdict.severity is Severity.IGNORE:
            return
        self._recent.append(line)
        if verdict.severity is not Severity.FATAL or verdict.message in self._reported:
            return
        if verdict.secondary and self._reported:
            return
        self._reported.add(verdict.message)
        if self._failure is None:
            self._failure = verdict.message
        log.error("ffmpeg: %s", verdict.message)

    def _log_exit(self, pid: int, code: int) -> None:
        if code == 0:
            log.info("ffmpeg (pid %d) finished", pid)
        elif self._signalled:
            log.info("ffmpeg (pid %d) stopped (exit status %d)", pid, code)
        elif self._failure is not None:
            log.error("ffmpeg (pid %d) exited with code %d: %s", pid, code, self._failure)
        else:
            last = self._recent[-1] if self._recent else "no message"
            log.error("ffmpeg (pid %d) exited with code %d; last message: %s", pid, code, last)
