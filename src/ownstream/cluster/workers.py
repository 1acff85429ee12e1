"""`--workers N`: this process is the media process and runs N web processes that serve the site's HTTP
port; one that dies is started again.

The parent binds the HTTP port itself (exclusively: a busy port fails at once with the usual one line)
and hands the listening socket to every worker (`OWNSTREAM_LISTEN_FD`); the kernel gives each new
connection to one of them. A worker's chat sockets die with it and their clients reconnect, landing on
a live worker. Workers are started as `python -m ownstream` with the parent's own flags, less those the
parent decides for them (role, process slot, media URL, log folder): each gets the next process slot
after the parent's, its own log folder under the parent's, and the parent's internal HTTP address as
its media URL, where its `/hls/` requests go.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Mapping, Sequence
from pathlib import Path

from ownstream.settings import ENV_PREFIX, LISTEN_FD_ENV

log = logging.getLogger(__name__)

FIRST_RESTART_DELAY = 0.5
MAX_RESTART_DELAY = 30.0
HEALTHY_AFTER = 60.0
"""A worker that ran this long before dying is restarted after the first delay again."""
STOP_TIMEOUT = 15.0
DECIDED_BY_PARENT = ("--workers", "--role", "--process-slot", "--media-url", "--logdir")


def worker_arguments(arguments: Sequence[str]) -> list[str]:
    """The parent's command-line arguments without the flags the parent decides for its workers."""
    kept: list[str] = []
    skip_value = False
    for argument in arguments:
        if skip_value:
            skip_value = False
            continue
        name = argument.split("=", 1)[0]
        if name in DECIDED_BY_PARENT:
            skip_value = "=" not in argument
            continue
        kept.append(argument)
    return kept


def worker_environment(
    base: Mapping[str, str], *, slot: int, media_url: str, listen_fd: int, log_dir: Path
) -> dict[str, str]:
    return {
        **base,
        ENV_PREFIX + "ROLE": "web",
        ENV_PREFIX + "WORKERS": "0",
        ENV_PREFIX + "PROCESS_SLOT": str(slot),
        ENV_PREFIX + "MEDIA_URL": media_url,
        ENV_PREFIX + "LOGDIR": str(log_dir),
        LISTEN_FD_ENV: str(listen_fd),
    }


class WorkerSupervisor:
    def __init__(
        self,
        *,
        count: int,
        first_slot: int,
        arguments: Sequence[str],
        media_url: str,
        listen_fd: int,
        log_root: Path,
        worker_gone: Callable[[int], Awaitable[None]],
    ) -> None:
        """`worker_gone(slot)`: a worker died; called before it is started again."""
        self._slots = range(first_slot, first_slot + count)
        self._arguments = worker_arguments(arguments)
        self._media_url = media_url
        self._listen_fd = listen_fd
        self._log_root = log_root
        self._worker_gone = worker_gone
        self._processes: dict[int, asyncio.subprocess.Process] = {}
        self._tasks: list[asyncio.Task[None]] = []
        self._stopping = False

    def pids(self) -> dict[int, int]:
        """Slot → pid of the running workers."""
        return {slot: process.pid for slot, process in self._processes.items() if process.returncode is None}

    def start(self) -> None:
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._keep(slot), name=f"workers:web-{slot}") for slot in self._slots]

    async def _spawn(self, slot: int) -> asyncio.subprocess.Process:
        environment = worker_environment(
            os.environ,
            slot=slot,
            media_url=self._media_url,
            listen_fd=self._listen_fd,
            log_dir=self._log_root / f"worker-{slot}",
        )
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "ownstream", *self._arguments, env=environment, pass_fds=(self._listen_fd,)
        )

    async def _keep(self, slot: int) -> None:
        loop = asyncio.get_running_loop()
        delay = FIRST_RESTART_DELAY
        while not self._stopping:
            started = loop.time()
            try:
                process = await self._spawn(slot)
            except OSError as error:
                log.error("web worker %d cannot be started: %s", slot, error)
            else:
                self._processes[slot] = process
                log.info("web worker %d started (pid %d)", slot, process.pid)
                code = await process.wait()
                if self._stopping:
                    return
                log.warning(
                    "web worker %d (pid %d) exited with status %d; starting it again", slot, process.pid, code
                )
                try:
                    await self._worker_gone(slot)
                except Exception:
                    log.exception("forgetting web worker %d failed", slot)
            if loop.time() - started >= HEALTHY_AFTER:
                delay = FIRST_RESTART_DELAY
            await asyncio.sleep(delay)
            delay = min(delay * 2, MAX_RESTART_DELAY)

    async def stop(self) -> None:
        """SIGTERM to every worker, SIGKILL to any still running after `STOP_TIMEOUT`."""
        self._stopping = True
        running = [process for process in self._processes.values() if process.returncode is None]
        for process in running:
            with contextlib.suppress(ProcessLookupError):
                process.send_signal(signal.SIGTERM)
        if running:
            loop = asyncio.get_running_loop()
            waiters = [loop.create_task(p.wait(), name=f"workers:stop-{p.pid}") for p in running]
            _, late = await asyncio.wait(waiters, timeout=STOP_TIMEOUT)
            for process in running:
                if process.returncode is None:
                    log.warning("web worker (pid %d) did not stop in time; killing it", process.pid)
                    with contextlib.suppress(ProcessLookupError):
                        process.kill()
                    await process.wait()
            for waiter in late:
                waiter.cancel()
        for task in self._tasks:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
