"""Requests waiting for the user's next step (an IndieAuth redirect back, a one-time code typed in):
in memory, each for a limited time, and never more than a fixed number at once."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class PendingRequests(Generic[T]):
    def __init__(self, *, limit: int, lifetime: float, monotonic: Callable[[], float]) -> None:
        self._limit = limit
        self._lifetime = lifetime
        self._monotonic = monotonic
        self._items: OrderedDict[str, tuple[float, T]] = OrderedDict()

    def _expire(self) -> None:
        now = self._monotonic()
        while self._items:
            key, (deadline, _item) = next(iter(self._items.items()))
            if deadline > now:
                break
            del self._items[key]

    def __len__(self) -> int:
        self._expire()
        return len(self._items)

    def full(self) -> bool:
        return len(self) >= self._limit

    def __contains__(self, key: str) -> bool:
        return self.get(key) is not None

    def add(self, key: str, item: T) -> None:
        """Keep `item` under `key` for the lifetime (the caller checked `full()` first)."""
        self._expire()
        self._items.pop(key, None)
        self._items[key] = (self._monotonic() + self._lifetime, item)

    def get(self, key: str) -> T | None:
        self._expire()
        entry = self._items.get(key)
        return entry[1] if entry is not None else None

    def pop(self, key: str) -> T | None:
        self._expire()
        entry = self._items.pop(key, None)
        return entry[1] if entry is not None else None
