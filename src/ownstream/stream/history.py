"""Samples over time: the bounded series behind the admin charts, and the viewer-count history.

Owncast keeps these in memory only (lost on restart) and drops the oldest past ~500 samples (reference
§7). The viewer count is sampled every 2 minutes, offline too, when it reads 0.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ownstream.clock import Clock, PeriodicTimer, rfc3339

log = logging.getLogger(__name__)

MAX_SAMPLES = 500


@dataclass(frozen=True)
class TimestampedValue:
    time: datetime
    value: int

    def to_json(self) -> dict[str, Any]:
        return {"time": rfc3339(self.time), "value": self.value}


class SampleSeries:
    """The most recent `limit` samples of one quantity, oldest first."""

    def __init__(self, limit: int = MAX_SAMPLES) -> None:
        self._samples: deque[TimestampedValue] = deque(maxlen=limit)

    def add(self, time: datetime, value: float) -> TimestampedValue:
        """Owncast's samples are whole numbers; fractions are cut off as Go's `int()` does."""
        sample = TimestampedValue(time, int(value))
        self._samples.append(sample)
        return sample

    def recent(self, count: int) -> list[TimestampedValue]:
        return list(self._samples)[-count:] if count > 0 else []

    def __len__(self) -> int:
        return len(self._samples)

    def __iter__(self) -> Iterator[TimestampedValue]:
        return iter(self._samples)

    def to_json(self) -> list[dict[str, Any]]:
        return [sample.to_json() for sample in self._samples]


class ViewerCountSource(Protocol):
    @property
    def viewer_count(self) -> int: ...


class ViewerHistory:
    """Samples the current viewer count on a timer (the first sample at start)."""

    def __init__(self, source: ViewerCountSource, clock: Clock, interval: float) -> None:
        self._source = source
        self._clock = clock
        self.samples = SampleSeries()
        self._timer = PeriodicTimer("viewer-history", interval, self.sample, run_at_start=True)

    def sample(self) -> None:
        self.samples.add(self._clock.now(), self._source.viewer_count)

    def start(self) -> None:
        self._timer.start()

    async def stop(self) -> None:
        await self._timer.stop()
