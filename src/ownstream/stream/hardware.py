"""Hardware use over time: CPU (all cores), memory and data-disk percentages, sampled every minute.

Reading them touches `/proc` and `statvfs`, so each sample is taken in a worker thread. When the
average of the last two samples of a kind crosses its limit (85 % CPU or memory, 90 % disk) a warning
is logged, at most once per cooldown per kind (reference §7).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psutil

from ownstream.clock import Clock, PeriodicTimer
from ownstream.stream.history import SampleSeries

log = logging.getLogger(__name__)

CPU_LIMIT = 85.0
MEMORY_LIMIT = 85.0
DISK_LIMIT = 90.0


@dataclass(frozen=True)
class HardwareReading:
    cpu: float
    memory: float
    disk: float


def read_hardware(data_dir: Path) -> HardwareReading:
    """Blocking: CPU busy % across all cores since the previous call, memory used %, disk used %."""
    return HardwareReading(
        cpu=psutil.cpu_percent(interval=None),
        memory=psutil.virtual_memory().percent,
        disk=psutil.disk_usage(str(data_dir)).percent,
    )


class UsageAlarm:
    """Decides when one kind of usage deserves a warning: a high recent average, outside the cooldown."""

    def __init__(self, kind: str, limit: float, cooldown: float) -> None:
        self.kind = kind
        self.limit = limit
        self.cooldown = cooldown
        self._last_warned: float | None = None

    def check(self, series: SampleSeries, now: float) -> float | None:
        """The average to warn about, or None. `now` is a monotonic time in seconds."""
        recent = series.recent(2)
        if len(recent) < 2:
            return None
        average = (recent[0].value + recent[1].value) / 2
        if average <= self.limit:
            return None
        if self._last_warned is not None and now - self._last_warned < self.cooldown:
            return None
        self._last_warned = now
        return average


class HardwareMonitor:
    def __init__(
        self,
        data_dir: Path,
        clock: Clock,
        *,
        interval: float,
        warning_cooldown: float,
        reader: Callable[[Path], HardwareReading] = read_hardware,
    ) -> None:
        self._data_dir = data_dir
        self._clock = clock
        self._reader = reader
        self.cpu = SampleSeries()
        self.memory = SampleSeries()
        self.disk = SampleSeries()
        self._alarms = (
            (self.cpu, UsageAlarm("CPU", CPU_LIMIT, warning_cooldown)),
            (self.memory, UsageAlarm("memory", MEMORY_LIMIT, warning_cooldown)),
            (self.disk, UsageAlarm("disk", DISK_LIMIT, warning_cooldown)),
        )
        self._timer = PeriodicTimer("hardware-stats", interval, self.sample)

    async def start(self) -> None:
        # The first CPU reading only sets the baseline that the next one is measured against.
        await asyncio.to_thread(psutil.cpu_percent, None)
        self._timer.start()

    async def stop(self) -> None:
        await self._timer.stop()

    async def sample(self) -> None:
        reading = await asyncio.to_thread(self._reader, self._data_dir)
        now = self._clock.now()
        self.cpu.add(now, reading.cpu)
        self.memory.add(now, reading.memory)
        self.disk.add(now, reading.disk)
        self._warn_when_high()

    def _warn_when_high(self) -> None:
        moment = self._clock.monotonic()
        for series, alarm in self._alarms:
            average = alarm.check(series, moment)
            if average is not None:
                log.warning(
                    "%s use has averaged %.0f%% over the last two samples (limit %.0f%%); "
                    "video may stall for viewers until it drops",
                    alarm.kind,
                    average,
                    alarm.limit,
                )

    def to_json(self) -> dict[str, Any]:
        return {"cpu": self.cpu.to_json(), "memory": self.memory.to_json(), "disk": self.disk.to_json()}
