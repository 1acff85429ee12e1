"""How fast the broadcaster's bytes arrive: a running total and the bitrate over the last few seconds."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable

WINDOW_SECONDS = 5


class IngestMeter:
    """Counts received bytes in one-second buckets; cheap enough to call on every socket read."""

    def __init__(self, monotonic: Callable[[], float], window: int = WINDOW_SECONDS) -> None:
        self._monotonic = monotonic
        self._window = window
        self._buckets: deque[tuple[int, int]] = deque(maxlen=window + 1)
        self.total_bytes = 0

    def add(self, size: int) -> None:
        self.total_bytes += size
        second = int(self._monotonic())
        if self._buckets and self._buckets[-1][0] == second:
            self._buckets[-1] = (second, self._buckets[-1][1] + size)
        else:
            self._buckets.append((second, size))

    def bits_per_second(self) -> float:
        """Average over the last `window` whole seconds (the current, partial second left out)."""
        now = int(self._monotonic())
        received = sum(size for second, size in self._buckets if now - self._window <= second < now)
        return received * 8 / self._window
