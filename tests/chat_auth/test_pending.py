"""Pending sign-ins and codes (chat_auth/pending.py): bounded in number, each for a limited time."""

from __future__ import annotations

from ownstream.chat_auth.pending import PendingRequests


class FakeMonotonic:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_items_expire_after_their_lifetime() -> None:
    clock = FakeMonotonic()
    pending: PendingRequests[str] = PendingRequests(limit=3, lifetime=10.0, monotonic=clock)
    pending.add("a", "first")
    clock.now += 5
    pending.add("b", "second")
    assert pending.get("a") == "first" and "b" in pending
    clock.now += 5
    assert pending.get("a") is None, "a lived 10 s"
    assert pending.get("b") == "second"
    clock.now += 5
    assert len(pending) == 0


def test_full_at_the_limit_and_pop_is_one_use() -> None:
    clock = FakeMonotonic()
    pending: PendingRequests[int] = PendingRequests(limit=2, lifetime=10.0, monotonic=clock)
    pending.add("a", 1)
    assert not pending.full()
    pending.add("b", 2)
    assert pending.full()
    assert pending.pop("a") == 1
    assert pending.pop("a") is None
    assert not pending.full()
    clock.now += 11
    pending.add("c", 3)
    assert len(pending) == 1, "b expired"
