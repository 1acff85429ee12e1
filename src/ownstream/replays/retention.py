"""Replay retention: finished replays past the admin's days, and the oldest finished ones while the
recordings exceed the admin's bytes, are removed (never the one being recorded).

One owned task (`replay-retention`) applies it at start, every `interval`, whenever the retention
settings change, and after each replay is finalised.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from typing import Protocol

from ownstream.clock import Clock
from ownstream.config.model import RuntimeConfig
from ownstream.events import ConfigChanged, EventBus, ReplayReady
from ownstream.replays.library import ReplayLibrary

log = logging.getLogger(__name__)

_KEYS = frozenset({"replays_retention_days", "replays_retention_bytes"})


class CurrentConfig(Protocol):
    @property
    def current(self) -> RuntimeConfig: ...


class ReplayRetention:
    def __init__(
        self, library: ReplayLibrary, config: CurrentConfig, bus: EventBus, clock: Clock, interval: float
    ) -> None:
        self._library = library
        self._config = config
        self._bus = bus
        self._clock = clock
        self._interval = interval
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        self._unsubscribe: list[Callable[[], None]] = []
        self.passes = 0

    def start(self) -> None:
        self._unsubscribe = [
            self._bus.subscribe(ConfigChanged, self._on_config),
            self._bus.subscribe(ReplayReady, self._on_ready),
        ]
        self._task = asyncio.get_running_loop().create_task(self._run(), name="replay-retention")

    async def stop(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()
        self._unsubscribe = []
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task

    def _on_config(self, event: ConfigChanged) -> None:
        if _KEYS.intersection(event.keys):
            self._wake.set()

    def _on_ready(self, _event: ReplayReady) -> None:
        self._wake.set()

    async def apply_once(self) -> list[str]:
        return await self._library.apply_retention(
            self._config.current.replays_retention_days, self._clock.now()
        )

    async def _run(self) -> None:
        while True:
            try:
                await self.apply_once()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("applying the replay retention failed")
            self.passes += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), self._interval)
            self._wake.clear()
