"""Time sources and periodic timers, injectable so tests need not wait minutes."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Protocol

from ownstream.disk_full import DiskFullReporter, is_disk_full

log = logging.getLogger(__name__)


class Clock(Protocol):
    def now(self) -> datetime: ...

    def monotonic(self) -> float: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def monotonic(self) -> float:
        return time.monotonic()


def local_now() -> datetime:
    """Wall-clock time with the local UTC offset, as Owncast's RFC 3339 timestamps carry."""
    return datetime.now().astimezone()


def rfc3339(moment: datetime) -> str:
    """RFC 3339 with fractional seconds and offset (Owncast's Go `time.Time` JSON form)."""
    return moment.astimezone().isoformat()


def rfc3339_seconds(moment: datetime | None) -> str | None:
    """Whole-second RFC 3339, or None; Owncast's NullTime fields."""
    if moment is None:
        return None
    return moment.astimezone().replace(microsecond=0).isoformat()


class PeriodicTimer:
    """Runs `action` every `interval` seconds in an owned, named task until stopped.

    A failing action is logged with its traceback and the timer keeps going; on a full disk, one line a
    minute instead (an operating condition, not a bug).
    """

    def __init__(
        self,
        name: str,
        interval: float,
        action: Callable[[], Awaitable[None] | None],
        *,
        run_at_start: bool = False,
        disk_full: DiskFullReporter | None = None,
    ) -> None:
        self.name = name
        self.interval = interval
        self._action = action
        self._run_at_start = run_at_start
        self._task: asyncio.Task[None] | None = None
        self._disk_full = disk_full or DiskFullReporter(log)

    @property
    def running(self) -> bool:
        return self._task is not None and not self._task.done()

    def start(self) -> None:
        if self.running:
            return
        self._task = asyncio.get_running_loop().create_task(self._loop(), name=f"timer:{self.name}")

    async def stop(self) -> None:
        task, self._task = self._task, None
        if task is None:
            return
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task

    async def _loop(self) -> None:
        if self._run_at_start:
            await self._run_once()
        # Ends at the next turn once stopped, even if the action swallowed the cancellation (a client
        # library can) rather than looping on forever.
        while self._task is asyncio.current_task():
            await asyncio.sleep(self.interval)
            await self._run_once()

    async def _run_once(self) -> None:
        try:
            result = self._action()
            if result is not None:
                await result
        except asyncio.CancelledError:
            raise
        except Exception as error:
            if is_disk_full(error):
                self._disk_full.report(f"timer {self.name}", error)
            else:
                log.exception("timer %s failed", self.name)
