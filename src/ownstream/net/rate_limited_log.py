"""One log line per interval for something a flood can repeat thousands of times a second."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable


class RateLimitedLog:
    """The first occurrence is logged at once; later ones inside `interval` are only counted, and the
    count rides on the next line that is let through."""

    def __init__(
        self,
        logger: logging.Logger,
        level: int,
        interval: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._level = level
        self._interval = interval
        self._clock = clock
        self._next_line_at = float("-inf")
        self._suppressed = 0

    def log(self, message: str, *args: object) -> None:
        now = self._clock()
        if now < self._next_line_at:
            self._suppressed += 1
            return
        self._next_line_at = now + self._interval
        if self._suppressed:
            message += " (and %d more like it in the last %.0f s)"
            args = (*args, self._suppressed, self._interval)
            self._suppressed = 0
        self._logger.log(self._level, message, *args)
