"""Viewer counting as Owncast does it (reference §7): an id per IP + User-Agent, expiring after 15 s."""

from __future__ import annotations

import hashlib
from collections.abc import Callable


def viewer_id(ip: str, user_agent: str) -> str:
    return hashlib.md5(
        (ip + user_agent).encode("utf-8", "surrogateescape"), usedforsecurity=False
    ).hexdigest()


class ViewerRegistry:
    """Who was seen recently. Pure bookkeeping; the caller supplies the clock and prunes on a timer."""

    def __init__(self, expiry: float, monotonic: Callable[[], float]) -> None:
        self._expiry = expiry
        self._monotonic = monotonic
        self._last_seen: dict[str, float] = {}

    def seen(self, ip: str, user_agent: str) -> None:
        self._last_seen[viewer_id(ip, user_agent)] = self._monotonic()

    def prune(self) -> None:
        cutoff = self._monotonic() - self._expiry
        for key in [key for key, when in self._last_seen.items() if when < cutoff]:
            del self._last_seen[key]

    @property
    def count(self) -> int:
        return len(self._last_seen)
