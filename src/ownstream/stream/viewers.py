"""Viewer counting as Owncast does it (reference §7): an id per IP + User-Agent, expiring after 15 s.

With several processes (cluster/presence.py) the viewers the others saw are handed in as `elsewhere`:
counts and lists are the union, a viewer seen by two processes counted once."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime


def viewer_id(ip: str, user_agent: str) -> str:
    return hashlib.md5(
        (ip + user_agent).encode("utf-8", "surrogateescape"), usedforsecurity=False
    ).hexdigest()


@dataclass(frozen=True)
class Viewer:
    """An active viewer as newer Owncast's `/api/admin/viewers` lists it."""

    client_id: str
    ip_address: str
    user_agent: str
    first_seen: datetime


class ViewerRegistry:
    """Who was seen recently. Pure bookkeeping; the caller supplies the clock and prunes on a timer."""

    def __init__(
        self,
        expiry: float,
        monotonic: Callable[[], float],
        now: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self._expiry = expiry
        self._monotonic = monotonic
        self._now = now
        self._last_seen: dict[str, float] = {}
        self._viewers: dict[str, Viewer] = {}
        self._elsewhere: dict[str, Viewer] = {}

    def seen(self, ip: str, user_agent: str) -> None:
        key = viewer_id(ip, user_agent)
        self._last_seen[key] = self._monotonic()
        if key not in self._viewers:
            self._viewers[key] = Viewer(key, ip, user_agent, self._now())

    def prune(self) -> None:
        cutoff = self._monotonic() - self._expiry
        for key in [key for key, when in self._last_seen.items() if when < cutoff]:
            del self._last_seen[key]
            self._viewers.pop(key, None)

    def set_elsewhere(self, viewers: dict[str, Viewer]) -> None:
        """The viewers other processes serving this site saw recently (by viewer id)."""
        self._elsewhere = viewers

    def local(self) -> list[Viewer]:
        """The viewers this process saw within the expiry, first seen first."""
        return sorted(self._viewers.values(), key=lambda viewer: viewer.first_seen)

    def active(self) -> list[Viewer]:
        """The viewers seen within the expiry (here or elsewhere), first seen first."""
        if not self._elsewhere:
            return self.local()
        merged = {**self._elsewhere, **self._viewers}
        return sorted(merged.values(), key=lambda viewer: viewer.first_seen)

    @property
    def count(self) -> int:
        if not self._elsewhere:
            return len(self._last_seen)
        return len(self._last_seen.keys() | self._elsewhere.keys())
