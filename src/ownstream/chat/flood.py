"""Flood control for inbound chat frames: a token bucket and a timed mute. Pure; time is passed in.

One process keeps a `FloodGuard` per socket, in memory. With several processes (`--redis-url`) a
`UserFloodLimit` (cluster/flood_limit.py) applies the same bucket and mute per user across all their
sockets on every process; the socket's own guard stands in while Redis does not answer."""

from __future__ import annotations

import enum
from typing import Protocol

SUSTAINED_RATE = 1.5
"""Frames per second a socket may send on average."""
BURST = 5
MUTE_SECONDS = 10.0


class TokenBucket:
    def __init__(self, rate: float, burst: float, now: float) -> None:
        self._rate = rate
        self._burst = burst
        self._tokens = burst
        self._updated = now

    def take(self, now: float) -> bool:
        """Spend one token if there is one."""
        elapsed = max(0.0, now - self._updated)
        self._updated = now
        self._tokens = min(self._burst, self._tokens + elapsed * self._rate)
        if self._tokens >= 1.0:
            self._tokens -= 1.0
            return True
        return False


class Verdict(enum.Enum):
    ALLOW = "allow"
    MUTE = "mute"
    """This frame went over the limit: drop it and tell the sender, once."""
    MUTED = "muted"
    """Still muted: drop silently."""


class FloodGuard:
    """Every inbound frame asks `check`. Going over the bucket mutes the socket for `mute_seconds`."""

    def __init__(
        self,
        now: float,
        rate: float = SUSTAINED_RATE,
        burst: float = BURST,
        mute_seconds: float = MUTE_SECONDS,
    ) -> None:
        self._bucket = TokenBucket(rate, burst, now)
        self._mute_seconds = mute_seconds
        self._muted_until = 0.0

    def check(self, now: float) -> Verdict:
        if now < self._muted_until:
            return Verdict.MUTED
        if self._bucket.take(now):
            return Verdict.ALLOW
        self._muted_until = now + self._mute_seconds
        return Verdict.MUTE


class UserFloodLimit(Protocol):
    """The bucket and mute of one user across every socket they hold, wherever it is."""

    async def check(self, user_id: str) -> Verdict | None:
        """The verdict for one more frame from `user_id`; None when it cannot be told (the caller uses
        the socket's own guard)."""
        ...
